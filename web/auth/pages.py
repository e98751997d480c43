"""登录 / 退出."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, logout_user
from wtforms import (
    HiddenField,
    PasswordField,
    StringField,
)
from wtforms.validators import (
    DataRequired,
)

from web.auth import client_addr, page_user, start_session
from web.database import db
from web.forms import Form
from web.urls import local_path
from workflow.accounts import operations as accounts
from workflow.kernel.errors import NotAllowed, TooManyAttempts

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


class LoginForm(Form):
    username = StringField("用户名", validators=[DataRequired("请输入用户名")])
    password = PasswordField("密码", validators=[DataRequired("请输入密码")])
    next = HiddenField()
