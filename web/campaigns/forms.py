"""自评任务 page forms: 下达 (a textarea, one "单位, 项目名称, 预算" line per item), 取消下达."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Optional

from workflow.campaigns.operations import ItemSpec


class DispatchForm(FlaskForm):
    title = StringField("任务名称", validators=[DataRequired("请填写任务名称")])
    year = IntegerField("年度", validators=[DataRequired("请填写年度")])
    due_date = DateField("完成期限", validators=[DataRequired("请填写完成期限")])
    template = SelectField("指标模板")
    lines = TextAreaField(
        "下达项目",
        description="每行一个项目：单位名称, 项目名称, 预算（万元，可省略）",
        validators=[DataRequired("请至少填写一个项目")],
    )


class WithdrawForm(FlaskForm):
    reason = StringField("取消理由", validators=[Optional()])


def parse_lines(text: str, units_by_name: dict[str, int]) -> list[ItemSpec]:
    """The textarea as items; an unknown unit name becomes no unit, named by the operation."""
    items = []
    for line in text.splitlines():
        parts = [p.strip() for p in line.replace("，", ",").split(",")]
        if not any(parts):
            continue
        unit, name = parts[0], parts[1] if len(parts) > 1 else ""
        budget = parts[2] if len(parts) > 2 and parts[2] else None
        items.append(ItemSpec(unit_id=units_by_name.get(unit), project_name=name, budget=budget))
    return items
