"""Forms of the reminder settings pages: 阶段期限, 提醒规则, 单位群机器人."""

from __future__ import annotations

import re
from typing import Any

from wtforms import BooleanField, DateField, StringField, ValidationError
from wtforms.validators import InputRequired, NumberRange, Optional, Regexp

from web.forms import Form, IntegerField
from workflow.lifecycle.states import STATES
from workflow.reminders.models import DEADLINE_STAGES
from workflow.reminders.policy import DAYS_RANGE, FACTOR_RANGE, HHMM_PATTERN

_LOW, _HIGH = DAYS_RANGE
DAYS_MESSAGE = f"请填写 {_LOW} 至 {_HIGH} 之间的整数"
TIME_MESSAGE = "请写作 HH:MM（北京时间，如 08:30）"


class DeadlinesForm(Form):
    """阶段期限: one date per stage before 已归档; a blank one has no deadline of its own."""

    def stage_fields(self) -> list[Any]:
        return [self[stage] for stage in DEADLINE_STAGES]

    def deadlines(self) -> dict[str, Any]:
        """Every stage's date (None: none), as `set_stage_deadlines` takes them."""
        return {stage: self[stage].data for stage in DEADLINE_STAGES}


for _stage in DEADLINE_STAGES:
    setattr(
        DeadlinesForm,
        _stage,
        DateField(STATES[_stage], validators=[Optional()], format="%Y-%m-%d"),
    )


class DaysField(StringField):
    """A list of days typed as "7, 3, 1" (commas, 顿号 or spaces between); blank is none.
    `days` holds the list once the form is validated."""

    days: list[int] | None = None

    def _value(self) -> str:
        if isinstance(self.data, list):
            return ", ".join(str(day) for day in self.data)
        return super()._value()

    def pre_validate(self, form) -> None:
        if isinstance(self.data, list):  # shown from the policy, not typed
            self.days = self.data
            return
        parts = [p for p in re.split(r"[\s,，、;；]+", self.data or "") if p]
        if not all(p.isdigit() and _LOW <= int(p) <= _HIGH for p in parts):
            raise ValidationError(f"{DAYS_MESSAGE}，用逗号分隔（如 7, 3, 1）")
        self.days = [int(p) for p in parts]


def _days(label: str, **kwargs) -> IntegerField:
    return IntegerField(
        label,
        validators=[InputRequired("请填写天数"), NumberRange(_LOW, _HIGH, DAYS_MESSAGE)],
        **kwargs,
    )


def _time(label: str, **kwargs) -> StringField:
    return StringField(
        label,
        validators=[InputRequired(TIME_MESSAGE), Regexp(HHMM_PATTERN, message=TIME_MESSAGE)],
        **kwargs,
    )


class ReminderPolicyForm(Form):
    """提醒规则 (管理员): the same settings as `PUT /api/v1/reminder-policy`."""

    task_due_days = DaysField(
        "任务到期前几天提醒（天）", description="如 3, 1：到期前 3 天和 1 天各提醒一次"
    )
    task_overdue_daily = BooleanField("任务逾期后每个工作日提醒承办人")
    task_escalation_days = _days("任务逾期几天后提醒组长（天）")
    stage_due_days = DaysField("阶段期限前几天提醒组长（天）", description="如 7, 3, 1")
    stage_overdue_daily = BooleanField("阶段期限已过时每个工作日提醒组长")
    rectification_due_days = DaysField("整改期限前几天提醒（天）", description="如 7, 1")
    group_review_days = _days("领导小组审核等待几天后提醒审批人（天）")
    finance_review_days = _days("财政局审核等待几天后提醒审核人（天）")
    review_escalation_factor = IntegerField(
        "审核等待达到上述天数的几倍时提醒组长和管理员",
        validators=[
            InputRequired("请填写倍数"),
            NumberRange(*FACTOR_RANGE, f"请填写 {FACTOR_RANGE[0]} 至 {FACTOR_RANGE[1]} 之间的整数"),
        ],
    )
    work_start = _time("工作时段开始", description="邮件和群机器人只在工作时段内发送（北京时间）")
    work_end = _time("工作时段结束", description="可写 24:00")
    weekends = BooleanField("周末也发送")
    daily_digest = BooleanField("每人每天至多一封汇总邮件")
    digest_time = _time("每日汇总邮件时间")

    @classmethod
    def of(cls, policy: dict[str, Any], **kwargs) -> ReminderPolicyForm:
        """The form showing `policy` (its input, when one was posted)."""
        waiting = policy["review_waiting_days"]
        data = {
            **policy,
            "group_review_days": waiting["group_review"],
            "finance_review_days": waiting["finance_review"],
        }
        return cls(data=data, **kwargs)

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if valid and _minutes(self.work_start.data) >= _minutes(self.work_end.data):
            self.work_end.errors = [*self.work_end.errors, "工作时段的结束时间应晚于开始时间"]
            return False
        return valid

    def changes(self) -> dict[str, Any]:
        """The settings as `update_policy` takes them."""
        return {
            "task_due_days": self.task_due_days.days,
            "task_overdue_daily": self.task_overdue_daily.data,
            "task_escalation_days": self.task_escalation_days.data,
            "stage_due_days": self.stage_due_days.days,
            "stage_overdue_daily": self.stage_overdue_daily.data,
            "rectification_due_days": self.rectification_due_days.days,
            "review_waiting_days": {
                "group_review": self.group_review_days.data,
                "finance_review": self.finance_review_days.data,
            },
            "review_escalation_factor": self.review_escalation_factor.data,
            "work_start": self.work_start.data,
            "work_end": self.work_end.data,
            "weekends": self.weekends.data,
            "digest_time": self.digest_time.data,
            "daily_digest": self.daily_digest.data,
        }


def _minutes(hhmm: str) -> int:
    hours, minutes = hhmm.split(":")
    return int(hours) * 60 + int(minutes)


class SecretField(StringField):
    """A webhook address typed in: never shown back (its key is a secret), not even after a
    refusal; blank means "keep the one saved"."""

    def _value(self) -> str:
        return ""


class WebhookForm(Form):
    """单位群机器人 (管理员): a new address, on or off, or the saved address removed."""

    url = SecretField(
        "新的 Webhook 地址",
        description="以 http:// 或 https:// 开头；留空则保留已保存的地址。"
        "保存后只显示开头和末尾几位",
    )
    enabled = BooleanField("开启单位群机器人提醒")
    clear = BooleanField("删除已保存的地址")

    def url_to_save(self, saved: str | None) -> str | None:
        """The address `set_unit_webhook` is given: the new one, none, or the saved one."""
        if self.clear.data:
            return None
        return (self.url.data or "").strip() or saved
