"""Forms of the evaluation pages: project facts, the group, uploads, workflow actions."""

from __future__ import annotations

from flask_wtf.file import FileRequired, MultipleFileField
from wtforms import (
    DateField,
    FormField,
    HiddenField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms import Form as SubForm
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
)

from web.forms import (
    Form,
    IntegerField,
    MoneyField,
    MultiCheckboxField,
    _optional_int,
    options,
    whole,
)
from workflow.documents.models import DOCUMENT_CATEGORIES
from workflow.lifecycle.approvals import POLICY_LABELS
from workflow.lifecycle.funds import FUND_SOURCES, FundSource, sources_of
from workflow.lifecycle.models import EVALUATION_KINDS
from workflow.scoring.rules import DEFAULT_EXECUTION_BASIS, EXECUTION_BASES, execution_label


class FundRow(SubForm):
    """One 资金来源 row of 项目资金: its 年初预算数, 全年预算数 and 全年执行数 (万元)."""

    initial_budget = MoneyField("年初预算数")
    budget = MoneyField("全年预算数")
    spent = MoneyField("全年执行数")


class ProjectForm(Form):
    """项目与资金情况 (amounts in 万元, exact to the 分), as the 自评表 asks for them."""

    project_name = StringField(
        "项目名称", validators=[DataRequired("请填写项目名称"), Length(max=300)]
    )
    year = IntegerField("评价年度", validators=[InputRequired("请填写评价年度")])
    kind = SelectField("评价类型", choices=options(EVALUATION_KINDS.items()))
    competent_department = StringField("主管部门", validators=[Length(max=200)])
    initial_budget = MoneyField("年初预算数（万元）")
    budget = MoneyField("全年预算数 / 预算金额（万元）")
    funds_received = MoneyField("到位资金（万元）")
    funds_spent = MoneyField("全年执行数 / 实际支出（万元）")
    execution_basis = SelectField(
        "预算执行率口径",
        choices=options((key, execution_label(key)) for key in EXECUTION_BASES),
        default=DEFAULT_EXECUTION_BASIS,
        description="部门评价可按共性指标框架以到位资金为分母；评分规则和报告按此口径计算",
    )
    fiscal = FormField(FundRow, FUND_SOURCES["fiscal"])
    carryover = FormField(FundRow, FUND_SOURCES["carryover"])
    other = FormField(FundRow, FUND_SOURCES["other"])
    due_date = DateField("完成期限", validators=[Optional()])
    targets = TextAreaField("绩效目标（年度总体目标：预期目标，总目标 / 阶段性目标）")
    targets_achieved = TextAreaField("年度总体目标：实际完成情况")
    version = HiddenField()

    def source_rows(self) -> list[tuple[str, FormField]]:
        """The 资金来源 rows, in the form's order."""
        return [(key, self[key]) for key in FUND_SOURCES]

    def fund_sources(self) -> list[FundSource]:
        """The rows the unit filled in (a row left blank is no source)."""
        rows = []
        for key, row in self.source_rows():
            amounts = {name: row[name].data for name in ("initial_budget", "budget", "spent")}
            if any(value is not None for value in amounts.values()):
                rows.append(FundSource(key, **amounts))
        return rows


def fund_rows_data(stored: list | None) -> dict[str, dict]:
    """An evaluation's stored 资金来源 as the form's rows (`ProjectForm(obj=…, **this)`)."""
    return {
        row.source: {"initial_budget": row.initial_budget, "budget": row.budget, "spent": row.spent}
        for row in sources_of(stored)
    }


class EvaluationForm(ProjectForm):
    """开展评价: the project plus the budget unit that owns it."""

    unit_id = SelectField("预算单位", coerce=_optional_int, validate_choice=True)


class GroupForm(Form):
    """评价工作组 and the 领导小组 approval policy."""

    leader = SelectField("组长", coerce=_optional_int)
    deputies = MultiCheckboxField("副组长", coerce=whole)
    members = MultiCheckboxField("成员", coerce=whole)
    approvers = MultiCheckboxField("领导小组审批人", coerce=whole)
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
    """上传文件: one category for the files chosen (several at once, each checked alone)."""

    problems_at = "file"  # a file's refusal beside the files chosen
    category = SelectField("文件类别", choices=options(DOCUMENT_CATEGORIES.items()))
    file = MultipleFileField("文件（可多选）", validators=[FileRequired("请选择要上传的文件")])


class ActionForm(Form):
    """One workflow action button: a reason, a return target, and the page's version."""

    comment = TextAreaField("意见 / 理由")
    to = StringField("退回到")
    version = HiddenField()
    next = HiddenField()  # the page to come back to (the report page, or the evaluation)
