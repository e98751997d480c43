"""Forms of the 工作任务 pages: 分派、领取、转交、完成、重新打开, 指定报告章节."""

from __future__ import annotations

from flask_wtf.file import MultipleFileField
from wtforms import BooleanField, DateField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from web.forms import Form, _optional_int, options
from workflow.tasks.models import TASK_KINDS


class TaskForm(Form):
    """分派任务 (组长): to a member, or to the 任务池 for anyone in the group to claim."""

    kind = SelectField("任务类型", choices=options(TASK_KINDS.items()))
    section = SelectField("报告章节", validate_choice=False)
    title = StringField("任务标题", validators=[DataRequired("请填写任务标题"), Length(max=200)])
    description = TextAreaField("任务说明")
    assignee = SelectField("负责人", coerce=_optional_int, validate_choice=False)
    due_date = DateField("完成期限", validators=[Optional()])
    required = BooleanField("必做任务（推进至分析评价前须完成）", default=True)


class SectionForm(Form):
    """指定报告章节 (组长) of a 报告章节 task."""

    section = SelectField("报告章节", validate_choice=False)
    version = HiddenField()


class ClaimForm(Form):
    version = HiddenField()


class TransferForm(Form):
    to = SelectField("转交给", coerce=_optional_int, validate_choice=False)
    reason = TextAreaField("转交理由", validators=[DataRequired("请写明转交理由")])
    version = HiddenField()

    def validate_to(self, field) -> None:
        if field.data is None:
            raise ValidationError("请选择接收人")


class CompleteForm(Form):
    problems_at = "files"  # a file's refusal beside the files chosen
    note = TextAreaField("结果说明", validators=[DataRequired("请填写结果说明")])
    files = MultipleFileField("佐证材料（可多选）")
    version = HiddenField()


class ReopenForm(Form):
    reason = TextAreaField("重新打开的理由", validators=[DataRequired("请写明重新打开的理由")])
    version = HiddenField()
