"""Forms of 结果应用 and 评价结果公开: the decision card, the publication switch, the rules."""

from __future__ import annotations

from typing import ClassVar

from wtforms import DecimalField, FormField, HiddenField, SelectField, TextAreaField
from wtforms.validators import Length, NumberRange, Optional

from web.forms import Form, options
from workflow.results.rules import DECISIONS, MAX_PERCENTAGE
from workflow.scoring.rules import GRADE_TITLES

PERCENT_HELP = "压减须填写；增加可填写；其余不填"


class DecisionForm(Form):
    """结果应用: the decision (the 等级's suggestion preselected), its percentage, a comment."""

    decision = SelectField("结果应用", choices=options(DECISIONS.items()))
    percentage = DecimalField(
        "比例（%）",
        places=2,
        validators=[
            Optional(),
            NumberRange(min=0, max=MAX_PERCENTAGE, message="比例应在 0 至 100 之间"),
        ],
        description=PERCENT_HELP,
    )
    comment = TextAreaField("说明", validators=[Length(max=2000)])


class PublicationForm(Form):
    """评价结果公开 on or off."""

    published = HiddenField()


class RuleForm(Form):
    """One 等级's default decision (a sub-form of `RulesForm`, without its own CSRF token)."""

    class Meta:
        csrf = False

    decision = SelectField("默认结果应用", choices=options(DECISIONS.items()))
    percentage = DecimalField(
        "比例（%）",
        places=2,
        validators=[
            Optional(),
            NumberRange(min=0, max=MAX_PERCENTAGE, message="比例应在 0 至 100 之间"),
        ],
    )


class RulesForm(Form):
    """结果应用规则: one sub-form per 等级 (优 良 中 差)."""

    excellent = FormField(RuleForm, label="优")
    good = FormField(RuleForm, label="良")
    fair = FormField(RuleForm, label="中")
    poor = FormField(RuleForm, label="差")

    #: sub-form name → its 等级, in the order of GRADE_TITLES
    GRADES: ClassVar[dict[str, str]] = dict(
        zip(("excellent", "good", "fair", "poor"), GRADE_TITLES, strict=True)
    )
