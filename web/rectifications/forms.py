"""Forms of the 整改 pages: 修改, 开始整改, 上传佐证材料, 整改完成, 验收通过, 退回重新整改."""

from __future__ import annotations

from typing import ClassVar

from flask_wtf.file import MultipleFileField
from wtforms import DateField, HiddenField, TextAreaField
from wtforms.validators import DataRequired, Optional

from web.forms import Form


class EditForm(Form):
    """修改整改措施、期限与说明 (the owner or the 组长)."""

    measure = TextAreaField("整改措施", validators=[DataRequired("请填写整改措施")])
    due_date = DateField("整改期限", validators=[Optional()])
    note = TextAreaField("整改说明")
    version = HiddenField()


class VersionForm(Form):
    """A button with nothing to fill in (开始整改, 验收通过)."""

    version = HiddenField()


class EvidenceForm(Form):
    service_names: ClassVar[dict[str, str]] = {"file": "files"}
    problems_at = "files"  # a file's refusal beside the files chosen
    files = MultipleFileField("佐证材料（可多选）")
    version = HiddenField()


class FinishForm(Form):
    """整改完成: the 整改说明 and the 佐证材料 (those handed in before count too)."""

    service_names: ClassVar[dict[str, str]] = {"evidence": "files"}
    problems_at = "files"
    note = TextAreaField("整改说明", validators=[DataRequired("请填写整改说明")])
    files = MultipleFileField("佐证材料（可多选）")
    version = HiddenField()


class ReopenForm(Form):
    reason = TextAreaField("退回理由", validators=[DataRequired("请写明退回重新整改的理由")])
    version = HiddenField()
