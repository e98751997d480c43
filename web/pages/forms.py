"""Flask-WTF forms of the Chinese UI: they parse and type the input; the services judge it."""

from __future__ import annotations

import json

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    HiddenField,
    IntegerField,
    PasswordField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    widgets,
)
from wtforms.meta import DefaultMeta
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from roles import ROLE_LABELS
from workflow.accounts.models import SYSTEM_ROLES
from workflow.documents.models import DOCUMENT_CATEGORIES
from workflow.lifecycle.approvals import POLICY_LABELS
from workflow.lifecycle.models import EVALUATION_KINDS


def options(pairs) -> list[SelectChoice]:
    """Select options from (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]


def _optional_int(value: object) -> int | None:
    """Coerce a select's value to an int; the blank option means None."""
    if value in (None, "", "None"):
        return None
    return int(value)  # type: ignore[arg-type]


class Form(FlaskForm):
    """Base form: WTForms' own messages in Chinese (its bundled `zh` catalogue)."""

    class Meta:
        locales = ("zh",)

        def get_translations(self, form):
            return DefaultMeta.get_translations(self, form)


class MultiCheckboxField(SelectMultipleField):
    """A multi-select shown as a list of checkboxes (easier to use than `<select multiple>`)."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class LoginForm(Form):
    username = StringField("用户名", validators=[DataRequired("请输入用户名")])
    password = PasswordField("密码", validators=[DataRequired("请输入密码")])
    next = HiddenField()


class ProjectForm(Form):
    """项目与资金情况 (amounts in 万元)."""

    project_name = StringField(
        "项目名称", validators=[DataRequired("请填写项目名称"), Length(max=300)]
    )
    year = IntegerField("评价年度", validators=[InputRequired("请填写评价年度")])
    kind = SelectField("评价类型", choices=options(EVALUATION_KINDS.items()))
    budget = DecimalField("预算金额（万元）", places=2, validators=[Optional()])
    funds_received = DecimalField("到位资金（万元）", places=2, validators=[Optional()])
    funds_spent = DecimalField("实际支出（万元）", places=2, validators=[Optional()])
    due_date = DateField("完成期限", validators=[Optional()])
    targets = TextAreaField("绩效目标（总目标 / 阶段性目标）")
    version = HiddenField()


class EvaluationForm(ProjectForm):
    """开展评价: the project plus the budget unit that owns it."""

    unit_id = SelectField("预算单位", coerce=_optional_int, validate_choice=True)


class GroupForm(Form):
    """评价工作组 and the 领导小组 approval policy."""

    leader = SelectField("组长", coerce=_optional_int)
    deputies = MultiCheckboxField("副组长", coerce=int)
    members = MultiCheckboxField("成员", coerce=int)
    approvers = MultiCheckboxField("领导小组审批人", coerce=int)
    policy = SelectField(
        "审批规则",
        choices=options(
            [
                ("all", POLICY_LABELS["all"]),
                ("any", POLICY_LABELS["any"]),
                ("quorum", "指定人数同意"),
            ]
        ),
    )
    quorum = IntegerField(
        "同意人数", validators=[Optional(), NumberRange(min=1, message="同意人数至少为 1")]
    )
    version = HiddenField()

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if valid and self.policy.data == "quorum" and not self.quorum.data:
            self.quorum.errors.append("选择“指定人数同意”时请填写同意人数")
            return False
        return valid

    def approval_policy(self) -> str:
        return f"quorum:{self.quorum.data}" if self.policy.data == "quorum" else self.policy.data


class DocumentForm(Form):
    category = SelectField("文件类别", choices=options(DOCUMENT_CATEGORIES.items()))
    file = FileField("文件", validators=[FileRequired("请选择要上传的文件")])


class ActionForm(Form):
    """One workflow action button: a reason, a return target, and the page's version."""

    comment = TextAreaField("意见 / 理由")
    to = StringField("退回到")
    version = HiddenField()
    next = HiddenField()  # the page to come back to (the report page, or the evaluation)


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
    role = SelectField("系统角色", choices=options((r, ROLE_LABELS[r]) for r in SYSTEM_ROLES))
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
