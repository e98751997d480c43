"""Forms of the 评价报告 pages: 编辑章节, 问题与建议, 审核意见, 版本比较."""

from __future__ import annotations

from typing import ClassVar

from wtforms import DateField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from web.forms import Form, _optional_int, options
from workflow.reports.models import PROBLEM_KINDS
from workflow.reports.operations import ProblemSpec


class SectionForm(Form):
    """编辑章节: the body as plain text, and the version it was read at."""

    body = TextAreaField("章节内容")
    version = HiddenField()


class RegenerateForm(Form):
    """按最新数据重新生成本章: the version the page showed (a newer save is not overwritten)."""

    version = HiddenField()


class ProblemForm(Form):
    """存在的问题 / 有关建议: the owner is a user of the unit or a name typed in."""

    kind = SelectField("类别", choices=options(PROBLEM_KINDS.items()))
    problem = TextAreaField(
        "问题或建议", validators=[DataRequired("请填写问题或建议的内容"), Length(max=2000)]
    )
    cause = TextAreaField("原因分析")
    measure = TextAreaField("整改措施 / 具体措施")
    owner_user = SelectField("责任人（本单位用户）", coerce=_optional_int, validate_choice=False)
    owner_text = StringField("或填写责任人 / 责任科室", validators=[Length(max=200)])
    due_date = DateField("完成时限", validators=[Optional()])
    # the service's name for a field: its problem is shown here
    service_names: ClassVar[dict[str, str]] = {"owner": "owner_user"}

    def spec(self) -> ProblemSpec:
        owner: int | str | None = self.owner_user.data or (self.owner_text.data or "").strip()
        return ProblemSpec(
            problem=self.problem.data or "",
            cause=self.cause.data or "",
            measure=self.measure.data or "",
            owner=owner or None,
            due_date=self.due_date.data,
            kind=self.kind.data,
        )

    @classmethod
    def of(cls, problem: dict, **kwargs) -> ProblemForm:
        """The form filled from a problem as the service returns it."""
        owner = problem["owner"]
        return cls(
            kind=problem["kind"],
            problem=problem["problem"],
            cause=problem["cause"],
            measure=problem["measure"],
            owner_user=owner if isinstance(owner, int) else None,
            owner_text=owner if isinstance(owner, str) else "",
            due_date=problem["due_date"],
            **kwargs,
        )


class CommentForm(Form):
    """审核意见 on one section."""

    section = HiddenField()
    body = TextAreaField("提出审核意见", validators=[DataRequired("请填写审核意见")])


class DeleteForm(Form):
    """A delete button: only the CSRF token."""


class CompareForm(Form):
    """版本比较 (a GET form: reading only, no CSRF token)."""

    class Meta:
        csrf = False

    old = SelectField("原版本", coerce=_optional_int, validate_choice=False, name="from")
    new = SelectField("新版本", coerce=_optional_int, validate_choice=False, name="to")
