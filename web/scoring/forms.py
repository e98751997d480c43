"""The score form of one leaf and the survey-option text it reads."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    FieldList,
    FormField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms import Form as SubForm

from web.forms import Form, options
from web.indicators.forms import _text
from workflow.scoring.rules import (
    BANDS,
)

SURVEY_MODES = {"answers": "按选项份数", "counts": "按回收/满意份数", "csv": "上传问卷（CSV）"}


class DeductionRow(SubForm):
    points = StringField("扣分")
    reason = StringField("扣分原因")


class ScoreForm(Form):
    """A leaf's inputs: only the fields of its rule are read (see `score_inputs`)."""

    actual = StringField("完成值")
    band = SelectField(
        "评价档次", choices=options((k, v[2]) for k, v in BANDS.items()), validate_choice=False
    )
    value = StringField("档内得分")
    deductions = FieldList(FormField(DeductionRow))
    survey_mode = SelectField(
        "录入方式", choices=options(SURVEY_MODES.items()), validate_choice=False
    )
    counts = FieldList(StringField())
    respondents = StringField("回收问卷（份）")
    satisfied = StringField("满意（份）")
    file = FileField("问卷文件（CSV，每行一个答案）")
    score = StringField("得分")
    reason = TextAreaField("扣分理由")
    deviation_note = TextAreaField("偏差说明")
    not_applicable = BooleanField("本指标不适用")
    op = StringField()  # "add_row": one more deduction row, nothing saved


@dataclass
class ScoreInput:
    """What the view hands to the service: the rule's inputs, or a CSV file for a survey."""

    inputs: dict[str, Any]
    csv: bytes | None = None


def score_inputs(form: ScoreForm, rule_type: str, option_names: list[str]) -> ScoreInput:
    """The rule's inputs from the form, as the API takes them."""
    if rule_type == "completion":
        return ScoreInput({"actual": _text(form.actual.data)})
    if rule_type == "tiered":
        inputs = {"band": form.band.data, "value": _text(form.value.data)}
        return ScoreInput(inputs | _given_actual(form))
    if rule_type == "deduction":
        items = [
            {"points": _text(row.points.data), "reason": _text(row.reason.data)}
            for row in form.deductions
            if _text(row.points.data) or _text(row.reason.data)
        ]
        return ScoreInput({"deductions": items})
    if rule_type == "survey":
        return _survey_inputs(form, option_names)
    if rule_type == "manual":
        return ScoreInput({"score": _text(form.score.data)} | _given_actual(form))
    return ScoreInput({})  # rate: computed from the project's amounts


def _given_actual(form: ScoreForm) -> dict[str, str]:
    """完成值 beside a 定性 or hand-typed score, when the scorer wrote one ("有效", "735")."""
    actual = _text(form.actual.data)
    return {"actual": actual} if actual else {}


def _survey_inputs(form: ScoreForm, option_names: list[str]) -> ScoreInput:
    if form.survey_mode.data == "csv":
        upload = form.file.data
        return ScoreInput({}, upload.read() if hasattr(upload, "read") else b"")
    if form.survey_mode.data == "counts":
        return ScoreInput(
            {"respondents": _text(form.respondents.data), "satisfied": _text(form.satisfied.data)}
        )
    counts = [_text(field.data) for field in form.counts]
    answers = {name: count or "0" for name, count in zip(option_names, counts, strict=False)}
    return ScoreInput({"answers": answers})


def score_form_data(inputs: dict[str, Any] | None, option_names: list[str]) -> dict[str, Any]:
    """A stored score's inputs as form data, so a scorer edits what they entered before."""
    inputs = inputs or {}
    data: dict[str, Any] = {
        key: str(inputs[key]) for key in ("actual", "value", "score", "band") if key in inputs
    }
    data["deductions"] = [
        {"points": str(item.get("points", "")), "reason": item.get("reason", "")}
        for item in inputs.get("deductions", [])
    ]
    answers = inputs.get("answers") or {}
    data["counts"] = [str(answers.get(name, "")) for name in option_names]
    if "respondents" in inputs:
        data.update(
            survey_mode="counts",
            respondents=str(inputs["respondents"]),
            satisfied=str(inputs.get("satisfied", "")),
        )
    return data
