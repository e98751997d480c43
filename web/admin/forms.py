"""Forms of the administration pages."""

from __future__ import annotations

import json

from wtforms import (
    BooleanField,
    PasswordField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    ValidationError,
)

from roles import ROLE_LABELS
from web.forms import Form, MultiCheckboxField, _optional_int, options
from workflow.accounts.models import SYSTEM_ROLES
from workflow.lifecycle.models import EVALUATION_KINDS


class BureauForm(Form):
    name = StringField("财政局名称", validators=[DataRequired("请填写财政局名称")])
    region = StringField("所辖区域")


class UnitForm(Form):
    name = StringField("单位名称", validators=[DataRequired("请填写单位名称")])
    bureau_id = SelectField("所属财政局", coerce=_optional_int)


class UserForm(Form):
    username = StringField("用户名", validators=[DataRequired("请填写用户名")])
    display_name = StringField("姓名", validators=[DataRequired("请填写姓名")])
    title = StringField("职务")
    email = StringField("电子邮箱")
    # 单位用户 unless chosen otherwise: most accounts are, and an unchosen role must not be 管理员
    role = SelectField(
        "系统角色",
        choices=options((r, ROLE_LABELS[r]) for r in SYSTEM_ROLES),
        default="unit_user",
    )
    unit_id = SelectField("所属预算单位（单位用户）", coerce=_optional_int)
    bureau_id = SelectField("所属财政局（财政局审核人）", coerce=_optional_int)
    password = PasswordField("密码")
    active = BooleanField("启用", default=True)


class JSONTextAreaField(TextAreaField):
    """A textarea holding JSON: the text is kept as typed, the parsed value is `parsed`."""

    parsed: object = None

    def pre_validate(self, form) -> None:
        if not (self.data or "").strip():
            raise ValidationError("请填写指标体系（JSON）")
        try:
            self.parsed = json.loads(self.data or "")
        except json.JSONDecodeError as exc:
            raise ValidationError(
                f"不是有效的 JSON：第{exc.lineno}行第{exc.colno}列附近有误"
            ) from None


class IndicatorTemplateForm(Form):
    """指标模板 (系统管理): the tree is edited as JSON in the API shape."""

    key = StringField(
        "模板代码", description="2～40位小写字母、数字或下划线，例如 road_building；保存后不能修改"
    )
    title = StringField("模板名称")
    kinds = MultiCheckboxField("适用评价类型", choices=options(EVALUATION_KINDS.items()))
    description = TextAreaField("说明")
    tree = JSONTextAreaField(
        "指标体系（JSON）",
        description="一级指标的列表，与 /api/v1/evaluations/{id}/indicators 的 indicators 相同；"
        "模板不指定打分人",
    )
