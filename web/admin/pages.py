"""系统管理: 财政局, 预算单位, 用户, 指标模板 (administrators only)."""

from __future__ import annotations

import json
from collections.abc import Callable

from flask import Blueprint, flash, redirect, render_template, request, url_for

import roles
from web.admin.forms import BureauForm, IndicatorTemplateForm, UnitForm, UserForm
from web.auth import page_user, start_session
from web.database import db
from web.forms import options
from web.ui import attach_field_errors, page_request, require_login, status_of
from workflow.accounts import operations as accounts
from workflow.accounts.models import Bureau, Unit, User
from workflow.indicators import operations as indicator_ops
from workflow.indicators import queries as indicator_queries
from workflow.indicators.builtin import Template
from workflow.indicators.tree import iter_leaves
from workflow.kernel.errors import JixiaoError, NotFound
from workflow.lifecycle.models import EVALUATION_KINDS

bp = Blueprint("admin_pages", __name__, url_prefix="/admin")
require_login(bp)


@bp.before_request
def _admins_only():
    roles.require_admin(page_user(), "仅管理员可以访问系统管理")


def _fetch(model: type, object_id: int, label: str):
    obj = db().get(model, object_id)
    if obj is None:
        raise NotFound(f"{label}不存在")
    return obj


def _form_page(
    form,
    title: str,
    back: str,
    save: Callable[[], object],
    page: str = "admin/form.html",
    **context,
):
    """The create/edit page of any admin object: save on a valid POST, else show the form.

    A refusal from the service re-renders the form with its Chinese message and the input kept
    (a field's problem next to that field).
    """
    error = None
    if form.validate_on_submit():
        try:
            save()
        except JixiaoError as exc:
            error = exc
        else:
            flash(f"{title}：已保存", "success")
            return redirect(back)
    attach_field_errors(form, error)
    status = status_of(error) if error else (400 if form.is_submitted() else 200)
    html = render_template(page, form=form, title=title, back=back, error=error, **context)
    return html, status


@bp.route("/")
def home():
    return redirect(url_for(".users"))


@bp.route("/bureaus")
def bureaus():
    return render_template("admin/bureaus.html", bureaus=accounts.list_bureaus(db()))


@bp.route("/bureaus/new", methods=["GET", "POST"])
@bp.route("/bureaus/<int:bureau_id>/edit", methods=["GET", "POST"])
def bureau_form(bureau_id: int | None = None):
    bureau = _fetch(Bureau, bureau_id, "财政局") if bureau_id else None
    form = BureauForm(obj=bureau)
    return _form_page(
        form,
        "编辑财政局" if bureau else "新增财政局",
        url_for(".bureaus"),
        lambda: accounts.save_bureau(
            db(), page_user(), form.name.data, form.region.data or "", bureau_id
        ),
    )


@bp.route("/units")
def units():
    return render_template("admin/units.html", units=accounts.units_page(db(), page_request()))


@bp.route("/units/new", methods=["GET", "POST"])
@bp.route("/units/<int:unit_id>/edit", methods=["GET", "POST"])
def unit_form(unit_id: int | None = None):
    unit = _fetch(Unit, unit_id, "预算单位") if unit_id else None
    form = UnitForm(obj=unit)
    form.bureau_id.choices = options((b.id, b.name) for b in accounts.list_bureaus(db()))
    return _form_page(
        form,
        "编辑预算单位" if unit else "新增预算单位",
        url_for(".units"),
        lambda: accounts.save_unit(db(), page_user(), form.name.data, form.bureau_id.data, unit_id),
    )


@bp.route("/users")
def users():
    search = (request.args.get("q") or "").strip()[:100] or None
    users = accounts.users_page(db(), page_request(), search)
    return render_template("admin/users.html", users=users, search=search)


@bp.route("/users/new", methods=["GET", "POST"])
@bp.route("/users/<int:user_id>/edit", methods=["GET", "POST"])
def user_form(user_id: int | None = None):
    user = _fetch(User, user_id, "用户") if user_id else None
    form = UserForm(obj=user)
    form.unit_id.choices = options(
        [("", "（无）")] + [(u.id, u.name) for u in accounts.list_units(db())]
    )
    form.bureau_id.choices = options(
        [("", "（无）")] + [(b.id, b.name) for b in accounts.list_bureaus(db())]
    )
    if user is not None:
        form.password.description = "留空则不修改密码"

    def save():
        fields = accounts.UserFields(
            username=form.username.data or "",
            display_name=form.display_name.data or "",
            role=form.role.data,
            password=form.password.data or None,
            unit_id=form.unit_id.data,
            bureau_id=form.bureau_id.data,
            title=form.title.data or "",
            email=form.email.data or None,
            active=form.active.data,
        )
        actor = page_user()
        saved = accounts.save_user(db(), actor, fields, user_id)
        if saved.id == actor.id:
            start_session(saved)  # a new password of one's own ends the other sessions only
        return saved

    return _form_page(form, "编辑用户" if user else "新增用户", url_for(".users"), save)


@bp.route("/templates")
def templates():
    return render_template(
        "admin/templates.html",
        templates=indicator_queries.list_templates(db()),
        kinds=EVALUATION_KINDS,
        leaf_count=lambda template: sum(1 for _ in iter_leaves(template.tree)),
    )


def _template_data(template: Template | None) -> dict | None:
    if template is None:
        return None
    return {
        "title": template.title,
        "kinds": list(template.kinds),
        "description": template.description,
        "tree": json.dumps(template.indicators(), ensure_ascii=False, indent=2),
    }


@bp.route("/templates/new", methods=["GET", "POST"])
@bp.route("/templates/<key>/edit", methods=["GET", "POST"])
def template_form(key: str | None = None):
    """Add or edit a 指标模板: title, kinds and the tree as JSON; problems listed at once."""
    template = indicator_queries.get_template(db(), key) if key else None
    form = IndicatorTemplateForm(data=_template_data(template))
    if template is not None:
        del form.key  # a template's key never changes

    def save():
        fields = indicator_ops.TemplateFields(
            title=form.title.data or "",
            kinds=form.kinds.data or [],
            description=form.description.data or "",
            indicators=form.tree.parsed,
        )
        new_key = key or form.key.data or ""
        return indicator_ops.save_template(
            db(), page_user(), new_key, fields, create=template is None
        )

    title = f"编辑指标模板“{template.title}”" if template else "新增指标模板"
    back = url_for(".templates")
    return _form_page(form, title, back, save, "admin/template_form.html", template=template)


@bp.route("/templates/<key>/delete", methods=["POST"])
def template_delete(key: str):
    """删除 a template an administrator added (the built-in ones are refused)."""
    try:
        indicator_ops.delete_template(db(), page_user(), key)
    except NotFound:
        raise
    except JixiaoError as exc:
        flash(exc.message, "error")
        return redirect(url_for(".template_form", key=key))
    flash("指标模板已删除", "success")
    return redirect(url_for(".templates"))
