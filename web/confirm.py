"""不可撤销的操作 (irreversible actions) ask first: each names its consequence next to a
"我已知晓" checkbox that the browser requires (`required`) and the view checks again, so the
question works without JavaScript under a strict Content-Security-Policy, and a form posted
without it changes nothing. The API does not ask: a program says what it means.
"""

from __future__ import annotations

from flask import request

#: (action, state or "*") → what cannot be undone, as the person is told before doing it.
CONSEQUENCES: dict[tuple[str, str], str] = {
    ("finalize_scores", "*"): "定稿后分数锁定，不能再修改；如确需修改，组长须写明理由解除定稿",
    ("cancel", "*"): "终止后评价不再流转，且不能恢复",
    ("approve", "finance_review"): "审核通过后评价即归档：报告、评分和文件锁定，不能再修改",
    ("withdraw", "*"): "撤回后评价回到报告撰写阶段，须重新提交领导小组审核",
    ("delete_problem", "*"): "删除后该问题或建议从报告中移除，不能恢复",
}

FIELD = "confirm"


def consequence(action: str, state: str = "*") -> str | None:
    """What `action` in `state` cannot undo, or None if it needs no confirmation."""
    return CONSEQUENCES.get((action, state)) or CONSEQUENCES.get((action, "*"))


def unconfirmed(action: str, state: str = "*") -> str | None:
    """The message for a posted form of an irreversible action whose box was not ticked, else
    None (confirmed, or nothing to confirm)."""
    warning = consequence(action, state)
    if warning is None or request.form.get(FIELD) == "y":
        return None
    return f"请先勾选“我已知晓”确认：{warning}"
