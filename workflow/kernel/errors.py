"""Typed errors of the workflow core; `web/` maps them once to HTTP statuses and flash messages."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

# The Chinese name of each input field (its API name), for the text people read: `field` in
# the API keeps the name, the message says the label ("完成期限：应为日期", never "due_date：…").
FIELD_LABELS = {
    "action": "事件类型",
    "active": "启用状态",
    "actor": "操作人",
    "actual": "完成值",
    "answers": "问卷份数",
    "approval_policy": "审核方式",
    "approvers": "审核人",
    "assignee": "负责人",
    "band": "档次",
    "body": "内容",
    "budget": "预算",
    "bureau_id": "所属财政局",
    "category": "文件类别",
    "cause": "原因",
    "children": "下级指标",
    "code": "代码",
    "comment": "意见",
    "competent_department": "主管部门",
    "current": "当前密码",
    "daily_digest": "每日汇总",
    "deadlines": "阶段期限",
    "decision": "结果运用方式",
    "deductions": "扣分项",
    "deleted": "已删除",
    "deputies": "副组长",
    "description": "说明",
    "deviation_note": "偏差说明",
    "digest_time": "汇总时间",
    "direction": "方向",
    "display_name": "姓名",
    "documents": "附件",
    "due_date": "完成期限",
    "email": "电子邮箱",
    "enabled": "开启",
    "evidence": "佐证材料",
    "execution_basis": "预算执行率口径",
    "file": "文件",
    "finance_review": "财政局审核",
    "from": "起始日期",
    "fund_sources": "资金来源",
    "funds_received": "到位资金",
    "funds_spent": "实际支出",
    "grade": "等级",
    "group_review": "领导小组审核",
    "indicators": "指标",
    "initial_budget": "年初预算数",
    "items": "项目",
    "json": "请求内容",
    "key": "键",
    "kind": "类型",
    "kinds": "类型",
    "leader": "组长",
    "limit": "条数",
    "measure": "措施",  # 整改措施 of a problem, 具体措施 of a suggestion
    "members": "成员",
    "mine": "仅看我的",
    "name": "名称",
    "new": "新密码",
    "not_applicable": "不适用",
    "note": "说明",
    "options": "选项",
    "other_id": "来源评价",
    "overdue": "逾期",
    "owner": "责任人",
    "page": "页码",
    "password": "密码",
    "per_page": "每页条数",
    "percentage": "比例",
    "previous_actual": "上年完成值",
    "previous_score": "上年得分",
    "problem": "问题",
    "project_name": "项目名称",
    "published": "公开",
    "q": "搜索词",
    "reason": "理由",
    "rectification_due_days": "整改期限天数",
    "region": "地区",
    "required": "必填项",
    "respondents": "回收份数",
    "review_escalation_factor": "审核升级倍数",
    "review_waiting_days": "审核等待天数",
    "role": "角色",
    "rule": "评分规则",
    "rules": "规则",
    "satisfied": "满意份数",
    "score": "得分",
    "scorer": "评分人",
    "section": "报告章节",
    "sort": "排序",
    "source": "来源",
    "spent": "执行数",
    "stage": "阶段",
    "stage_due_days": "阶段期限天数",
    "stage_overdue_daily": "阶段逾期每日提醒",
    "standard": "评分标准",
    "state": "状态",
    "status": "状态",
    "target": "指标值",
    "target_rate": "目标满意度",
    "targets": "预期目标",
    "targets_achieved": "实际完成情况",
    "task_due_days": "任务期限天数",
    "task_escalation_days": "任务升级天数",
    "task_overdue_daily": "任务逾期每日提醒",
    "template": "指标模板",
    "title": "标题",
    "to": "转交或退回对象",
    "unit": "单位",
    "unit_id": "预算单位",
    "unread": "未读",
    "url": "Webhook 地址",
    "username": "用户名",
    "value": "值",
    "version": "版本",
    "weekends": "周末",
    "weight": "分值",
    "work_end": "下班时间",
    "work_start": "上班时间",
    "year": "年度",
}


def field_label(field: str | None) -> str:
    """The Chinese name of a field or path ("deductions.0.reason" → "扣分项第1项理由"); a part
    without a label is left out, so an internal name never reaches the text."""
    parts = []
    for part in (field or "").split("."):
        if re.fullmatch(r"\d+", part):
            parts.append(f"第{int(part) + 1}项")
        elif part in FIELD_LABELS:
            parts.append(FIELD_LABELS[part])
    return "".join(parts)


class JixiaoError(Exception):
    """Base error: a machine code and a Chinese message for people."""

    code = "error"

    def __init__(self, message: str, code: str | None = None, details: object = None) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.details = details


@dataclass(frozen=True)
class FieldError:
    """One problem with the input: the field it concerns (its name in the API; None for the
    input as a whole) and what is wrong, in Chinese."""

    field: str | None
    message: str

    def __str__(self) -> str:
        """The problem on one line, as `details` has always listed it ("reason：须写明理由")."""
        return f"{self.field}：{self.message}" if self.field else self.message

    @property
    def text(self) -> str:
        """The problem as people read it: the field's Chinese label, unless the message names
        it already ("完成期限：应为日期", "须写明理由"); never the field's API name."""
        label = field_label(self.field)
        return f"{label}：{self.message}" if label and label not in self.message else self.message

    def as_dict(self) -> dict[str, str | None]:
        return {"field": self.field, "message": self.message}


class InvalidInput(JixiaoError):
    """输入有误 (400): `errors` says which field is wrong and why, one `FieldError` each.

    Give the problems (`FieldError`s; a plain string is a problem of no one field) and the
    message and `details` follow: the problems joined by "；" (in words, `FieldError.text`),
    and listed one a line with their API names, as `details` always was. A single
    field's problem is `InvalidInput.field(name, message)`. Without problems, the message is the
    one problem.
    """

    code = "invalid_input"

    def __init__(
        self,
        message: str | None = None,
        code: str | None = None,
        details: object = None,
        errors: Iterable[FieldError | str] = (),
    ) -> None:
        problems = [e if isinstance(e, FieldError) else FieldError(None, e) for e in errors]
        if message is None:
            message = "；".join(p.text for p in problems)
        if details is None and problems:
            details = [str(p) for p in problems]
        super().__init__(message, code, details)
        self.errors: list[FieldError] = problems or [FieldError(None, message)]

    @classmethod
    def field(cls, name: str, message: str, code: str | None = None) -> InvalidInput:
        """One field's problem (`details` names the field, as it always has)."""
        return cls(message, code=code, details=[name], errors=[FieldError(name, message)])


class Unauthenticated(JixiaoError):
    """身份验证失败 (401): a wrong username or password, a missing or revoked token."""

    code = "unauthorized"


class TooManyAttempts(JixiaoError):
    """登录失败次数过多 (429): logins from this account or address are locked for a while."""

    code = "too_many_attempts"


class NotAllowed(JixiaoError):
    """无权操作 (403)."""

    code = "forbidden"


class NotFound(JixiaoError):
    """不存在或不可见 (404): an invisible object is reported as missing, never as forbidden."""

    code = "not_found"


class GuardFailed(JixiaoError):
    """条件未满足 (409): `details` lists every unmet guard in Chinese."""

    code = "guard_failed"


class Conflict(JixiaoError):
    """并发冲突 (409): somebody else acted first."""

    code = "conflict"
