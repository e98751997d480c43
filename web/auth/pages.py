"""登录 / 退出 / 修改密码."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, logout_user
from wtforms import (
    HiddenField,
    PasswordField,
    StringField,
)
from wtforms.validators import DataRequired, EqualTo

from web.auth import client_addr, page_user, start_session
from web.database import db
from web.forms import Form
from web.ui import form_page
from web.urls import local_path
from workflow.accounts import operations as accounts
from workflow.kernel.errors import JixiaoError, NotAllowed, TooManyAttempts

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    return local_path(target) or url_for("evaluation_pages.todo")


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated and request.method == "GET":
        return redirect(url_for("evaluation_pages.todo"))
    form = LoginForm(next=request.args.get("next", ""))
    status = 400 if request.method == "POST" else 200
    if form.validate_on_submit():
        try:
            user = accounts.authenticate(
                db(), form.username.data, form.password.data, client_addr()
            )
        except TooManyAttempts as exc:
            form.password.errors.append(exc.message)
            return render_template("auth/login.html", form=form), 429
        except NotAllowed as exc:  # 账号已停用
            form.password.errors.append(exc.message)
            return render_template("auth/login.html", form=form), 400
        if user is not None:
            start_session(user)
            flash(f"欢迎，{user.display_name}", "success")
            return redirect(_safe_next(form.next.data))
        form.password.errors.append("用户名或密码错误")
    return render_template("auth/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
def logout():
    # the global CSRFProtect has already checked the form's token
    if current_user.is_authenticated:
        accounts.log_out(db(), page_user().id)  # every session of the user ends, this one too
    logout_user()
    flash("您已安全退出", "success")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def password():
    """修改密码: one's own, with the current one; other logins end, this one continues."""
    form = PasswordForm()
    error = None
    if form.validate_on_submit():
        try:
            user = accounts.change_own_password(
                db(), page_user().id, form.current.data or "", form.new.data or ""
            )
        except JixiaoError as exc:
            error = exc
        else:
            start_session(user)  # this browser carries on under the new epoch
            flash("密码已修改。其他设备上的登录和访问令牌已失效。", "success")
            return redirect(url_for("evaluation_pages.todo"))
    return form_page("auth/password.html", form, error)


class PasswordForm(Form):
    current = PasswordField("当前密码", validators=[DataRequired("请输入当前密码")])
    new = PasswordField(
        "新密码",
        description=f"至少 {accounts.MIN_PASSWORD} 位",
        validators=[DataRequired("请输入新密码")],
    )
    again = PasswordField(
        "再次输入新密码",
        validators=[DataRequired("请再次输入新密码"), EqualTo("new", "两次输入的新密码不一致")],
    )


class LoginForm(Form):
    username = StringField("用户名", validators=[DataRequired("请输入用户名")])
    password = PasswordField("密码", validators=[DataRequired("请输入密码")])
    next = HiddenField()
