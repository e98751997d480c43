"""Forms of the evaluation pages: project facts, the group, uploads, workflow actions."""

from __future__ import annotations

from flask_wtf.file import FileField, FileRequired
from wtforms import (
    DateField,
    DecimalField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
)

from web.forms import Form, MultiCheckboxField, _optional_int, options
from workflow.documents.models import DOCUMENT_CATEGORIES
from workflow.lifecycle.approvals import POLICY_LABELS
from workflow.lifecycle.models import EVALUATION_KINDS


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
