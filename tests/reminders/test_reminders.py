"""提醒规则: each rule fires at the right moments and not outside them, exactly once.

The clock moves across days, nights and weekends (2024-03-18 is a Monday; times are Beijing).
"""

from __future__ import annotations

from datetime import date, datetime

import pytest
from conftest import forget_event_notices, put_in_state
from sqlalchemy import select

from notifications import outbox
from workflow.kernel import audit as audit_trail
from workflow.kernel import clock
from workflow.lifecycle import operations as lifecycle
from workflow.reminders import deadlines, inbox
from workflow.reminders import policy as reminder_policy
from workflow.reminders import sweep as reminder_sweep
from workflow.reminders.models import Notification, OutboxMessage, StageDeadline
from workflow.tasks import operations as tasks

MON, TUE, WED, THU, FRI, SAT, SUN = (date(2024, 3, d) for d in range(18, 25))


@pytest.fixture(autouse=True)
def restore_clock():
    yield
    clock.set_now(None)


def set_clock(day: date, hour: int = 10, minute: int = 0) -> datetime:
    moment = datetime(day.year, day.month, day.day, hour, minute, tzinfo=clock.LOCAL_TZ)
    clock.set_now(lambda: moment)
    return clock.now()


def sweep(session, day: date, hour: int = 10, minute: int = 0) -> list[tuple[str, int]]:
    """Sweep at that local time; return the new notifications as (kind, recipient id)."""
    set_clock(day, hour, minute)
    result = reminder_sweep.sweep(session)
    rows = session.scalars(
        select(Notification)
        .where(Notification.sweep_id == result.sweep_id)
        .order_by(Notification.kind, Notification.user_id)
    )
    return [(n.kind, n.user_id) for n in rows]


@pytest.fixture
def ev(session, team):
    """The team's evaluation in 组织实施, due as a whole far away (2024-04-30)."""
    return put_in_state(session, team.evaluation, "implementation")


def make_task(session, team, ev, due: date | None, assignee="member", **kw):
    holder = {"member": team.members[0], "leader": team.leader, "pool": None}[assignee]
    set_clock(date(2024, 3, 1))
    task = tasks.create_task(
        session,
        team.leader,
        ev.id,
        tasks.TaskSpec(
            kind="collect",
            title="收集项目合同",
            assignee_id=holder and holder.id,
            due_date=due,
            **kw,
        ),
    )
    forget_event_notices(session)  # what is counted here is the sweep's
    return task


# --- tasks ----------------------------------------------------------------------------------


def test_task_due_reminds_the_assignee_three_and_one_day_before(session, team, ev):
    make_task(session, team, ev, due=FRI)
    member = team.members[0].id
    assert sweep(session, MON) == []
    assert sweep(session, TUE, 0, 5) == [("task_due", member)]
    assert sweep(session, TUE, 16) == []  # the same window: once
    assert sweep(session, WED) == []
    assert sweep(session, THU) == [("task_due", member)]
    assert sweep(session, THU) == []
    assert sweep(session, FRI) == []
    note = inbox.inbox(session, team.members[0])[0]
    assert note.title == "任务即将到期：收集项目合同"
    assert "2024-03-22 到期" in note.body
    assert (note.target_type, note.link) == ("task", f"/tasks/{note.target_id}")


def test_a_missed_three_day_reminder_is_caught_up_once(session, team, ev):
    make_task(session, team, ev, due=FRI)
    member = team.members[0].id
    assert sweep(session, WED) == [("task_due", member)]  # the sweeper was down on Tuesday
    assert sweep(session, WED, 15) == []
    assert sweep(session, THU) == [("task_due", member)]


def test_overdue_task_reminds_every_working_day_and_escalates_after_two_days(session, team, ev):
    make_task(session, team, ev, due=WED)
    member, leader = team.members[0].id, team.leader.id
    assert ("task_overdue", member) not in sweep(session, WED, 23)  # due today: not overdue
    assert sweep(session, THU) == [("task_overdue", member)]
    assert sweep(session, FRI) == [("task_escalation", leader), ("task_overdue", member)]
    assert sweep(session, FRI, 17) == []
    assert sweep(session, SAT) == []
    assert sweep(session, SUN, 20) == []
    assert sweep(session, date(2024, 3, 25), 0, 10) == [
        ("task_escalation", leader),
        ("task_overdue", member),
    ]
    escalation = next(n for n in inbox.inbox(session, team.leader) if n.kind == "task_escalation")
    assert "逾期超过 2 天" in escalation.body and team.members[0].display_name in escalation.body


def test_unclaimed_pool_task_overdue_is_escalated_to_the_leader(session, team, ev):
    make_task(session, team, ev, due=MON, assignee="pool")
    assert sweep(session, TUE) == []
    assert sweep(session, WED) == [("task_escalation", team.leader.id)]
    assert "任务池" in inbox.inbox(session, team.leader)[0].body


def test_leader_holding_an_overdue_task_is_not_told_twice(session, team, ev):
    make_task(session, team, ev, due=MON, assignee="leader")
    assert sweep(session, THU) == [("task_overdue", team.leader.id)]


def test_done_tasks_tasks_without_due_date_and_cancelled_evaluations_stay_quiet(
    session, team, ev, make
):
    done = make_task(session, team, ev, due=WED)
    make_task(session, team, ev, due=None)
    tasks.complete_task(session, team.members[0], done.id, "已收集")
    assert sweep(session, TUE) == []
    assert sweep(session, FRI) == []
    other = make_task(session, team, ev, due=FRI)
    lifecycle.perform(session, make.admin, ev.id, "cancel", comment="项目撤销")
    assert other.status == "closed"  # closed with the evaluation (终止)
    assert sweep(session, THU) == []
    assert sweep(session, date(2024, 3, 27)) == []


# --- stage deadlines ------------------------------------------------------------------------


def test_stage_deadline_reminds_the_leader_7_3_1_days_before_then_daily(session, team, ev):
    deadline = date(2024, 3, 29)  # Friday: 组织实施 to be finished by then
    deadlines.set_stage_deadline(session, team.leader, ev.id, "implementation", deadline)
    leader = team.leader.id
    fired = {d: sweep(session, d) for d in (date(2024, 3, d) for d in range(21, 30))}
    assert {d.day for d, got in fired.items() if got} == {22, 26, 28}
    assert all(got == [("stage_due", leader)] for got in fired.values() if got)
    assert sweep(session, SAT.replace(day=30)) == []  # Saturday: no overdue reminder
    assert sweep(session, date(2024, 4, 1)) == [("stage_overdue", leader)]
    assert sweep(session, date(2024, 4, 1), 17) == []
    assert sweep(session, date(2024, 4, 2)) == [("stage_overdue", leader)]
    note = inbox.inbox(session, team.leader)[0]
    assert "「组织实施」阶段的期限 2024-03-29 已过" in note.body
    put_in_state(session, ev, "analysis")  # the stage is done: no more reminders about it
    assert sweep(session, date(2024, 4, 3)) == []


def test_a_later_stage_deadline_counts_while_the_evaluation_has_not_passed_it(session, team, ev):
    deadlines.set_stage_deadline(session, team.leader, ev.id, "reporting", date(2024, 3, 25))
    assert sweep(session, date(2024, 3, 22)) == [("stage_due", team.leader.id)]
    assert session.scalar(select(StageDeadline.stage)) == "reporting"
    deadlines.set_stage_deadline(session, team.leader, ev.id, "reporting", None)
    assert session.scalar(select(StageDeadline.stage)) is None


def test_the_evaluation_due_date_is_the_overall_deadline_until_archived(session, team, ev):
    # the evaluation is due 2024-04-30 (a Tuesday)
    assert sweep(session, date(2024, 4, 22)) == []
    assert sweep(session, date(2024, 4, 23)) == [("stage_due", team.leader.id)]
    assert "评价整体须于 2024-04-30 前完成" in inbox.inbox(session, team.leader)[0].body
    assert sweep(session, date(2024, 5, 6)) == [("stage_overdue", team.leader.id)]
    put_in_state(session, ev, "archived")
    assert sweep(session, date(2024, 5, 7)) == []


# --- reviews --------------------------------------------------------------------------------


def submit(session, team, ev, day: date, hour: int = 10):
    """The 组长 submits to 领导小组审核 at that time (past the reporting stage's own guards,
    which are tested with `advance`): the state and the audit event the sweep reads."""
    set_clock(day, hour)
    ev = put_in_state(session, ev, "group_review", submitted_by=team.leader)
    audit_trail.audit(
        session,
        ev,
        team.leader,
        "advance",
        role="leader",
        from_state="reporting",
        to_state="group_review",
    )
    session.commit()
    return ev


@pytest.fixture
def in_group_review(session, team, ev):
    """Submitted to 领导小组审核 on Monday 10:00 (approvers: the 组长 and both 副组长)."""
    return submit(session, team, ev, MON)


def test_group_review_waiting_reminds_approvers_who_have_not_approved(
    session, team, in_group_review, make
):
    set_clock(MON, 11)
    lifecycle.perform(session, team.deputies[0], in_group_review.id, "approve")
    waiting = [team.leader.id, team.deputies[1].id]
    assert sweep(session, TUE, 17) == []
    assert sweep(session, WED, 9, 59) == []  # not yet two days
    assert sweep(session, WED, 10) == [("review_waiting", u) for u in waiting]
    assert sweep(session, WED, 15) == []
    assert sweep(session, THU) == [("review_waiting", u) for u in waiting]
    escalation = sweep(session, date(2024, 3, 22), 10)  # four days: 组长 and the administrators
    assert ("review_escalation", team.leader.id) in escalation
    assert ("review_escalation", make.admin.id) in escalation
    assert ("review_escalation", team.deputies[0].id) not in escalation
    note = next(n for n in inbox.inbox(session, make.admin) if n.kind == "review_escalation")
    assert team.deputies[1].display_name in note.body
    assert team.deputies[0].display_name not in note.body
    assert sweep(session, SAT) == []


def test_a_returned_and_resubmitted_review_starts_waiting_afresh(session, team, in_group_review):
    assert ("review_waiting", team.leader.id) in sweep(session, WED)
    set_clock(WED, 11)
    lifecycle.perform(
        session,
        team.deputies[0],
        in_group_review.id,
        "return",
        comment="请补充佐证",
        to="reporting",
    )
    assert sweep(session, THU) == []
    submit(session, team, in_group_review, THU, 12)
    assert sweep(session, FRI) == []
    assert sweep(session, SAT, 12) == []  # two days in round 2, but a weekend
    # Waiting is counted in calendar days: by Monday noon round 2 has waited four.
    kinds = [kind for kind, _ in sweep(session, date(2024, 3, 25), 12)]
    assert kinds.count("review_waiting") == 3 and kinds.count("review_escalation") == 2


def test_finance_review_waiting_reminds_the_covering_bureau_after_three_days(
    session, team, in_group_review, make
):
    other_bureau_reviewer = make.make_user("finance_reviewer", bureau=make.make_bureau())
    set_clock(MON, 12)
    for approver in team.approvers:
        lifecycle.perform(session, approver, in_group_review.id, "approve")
    assert session.get(type(in_group_review), in_group_review.id).state == "finance_review"
    assert sweep(session, THU, 11) == []
    assert sweep(session, THU, 12) == [("review_waiting", team.reviewer.id)]
    assert other_bureau_reviewer.id not in {u for _, u in sweep(session, FRI)}


# --- exactly once, quiet hours, digests ------------------------------------------------------


def test_sweeping_twice_creates_each_reminder_and_each_email_once(session, team, ev):
    team.members[0].email = "member@example.gov.cn"
    session.commit()
    make_task(session, team, ev, due=WED)
    set_clock(FRI)
    first, second = reminder_sweep.sweep(session), reminder_sweep.sweep(session)
    assert first.notifications == {"task_overdue": 1, "task_escalation": 1}
    assert second.total == 0
    assert first.outbox == {"email": 1} and second.outbox == {}
    keys = session.scalars(select(OutboxMessage.key)).all()
    assert len(keys) == len(set(keys)) == 1


class Mailbox:
    def __init__(self) -> None:
        self.sent: list[tuple[str, str, str]] = []

    def send(self, to: str, subject: str, body: str) -> None:
        self.sent.append((to, subject, body))


def run(session, day: date, hour: int, minute: int = 0) -> tuple[Mailbox, outbox.Delivery]:
    """A scheduler tick at that local time: sweep, then deliver within the policy's window."""
    now = set_clock(day, hour, minute)
    reminder_sweep.sweep(session)
    policy = reminder_policy.load_policy(session)
    box = Mailbox()
    delivery = outbox.deliver(
        session,
        now,
        outbox.Outbound(box, None, "https://jx.example"),
        digest_day=reminder_policy.local(now).date(),
        open_window=reminder_policy.delivery_window(policy, now),
    )
    return box, delivery


def test_nights_and_weekends_record_in_app_but_email_waits_for_one_morning_digest(
    session, team, ev
):
    member = team.members[0]
    member.email = "member@example.gov.cn"
    session.commit()
    make_task(session, team, ev, due=date(2024, 3, 26))  # Tuesday: 3-day reminder on Saturday
    make_task(session, team, ev, due=date(2024, 3, 21))  # Thursday: overdue from Friday
    box, _ = run(session, FRI, 23)  # night: the overdue reminder is recorded, not sent
    assert box.sent == [] and inbox.unread_count(session, member) == 1
    box, _ = run(session, SAT, 10)  # weekend: the due reminder is recorded, not sent
    assert box.sent == [] and inbox.unread_count(session, member) == 2
    box, _ = run(session, date(2024, 3, 25), 8, 45)  # Monday, before the digest hour
    assert box.sent == []
    box, delivery = run(session, date(2024, 3, 25), 9, 0)
    # one e-mail: Friday's overdue, Saturday's 3-day, Monday's overdue and 1-day reminders
    assert len(box.sent) == 1 and delivery.sent == 4
    to, subject, body = box.sent[0]
    assert to == "member@example.gov.cn" and subject == "【绩效评价提醒】4 项待办"
    assert body.count("查看：https://jx.example/tasks/") == 4
    box, _ = run(session, date(2024, 3, 25), 11)  # one digest a day
    assert box.sent == []
    box, _ = run(session, date(2024, 3, 26), 9, 30)  # Tuesday: the next digest
    assert len(box.sent) == 1


def test_no_email_for_users_who_switched_it_off(session, team, ev):
    member = team.members[0]
    member.email = "member@example.gov.cn"
    session.commit()
    make_task(session, team, ev, due=WED)
    set_clock(THU, 7)
    reminder_sweep.sweep(session)  # queued before the working window
    inbox.set_email_preference(session, member, False)
    box, delivery = run(session, THU, 10)
    assert box.sent == [] and delivery.sent == 0
    assert session.scalar(select(OutboxMessage.status)) == "skipped"
    assert sweep(session, FRI) == [("task_escalation", team.leader.id), ("task_overdue", member.id)]
    assert session.scalar(select(OutboxMessage).where(OutboxMessage.status == "pending")) is None


def test_policy_changes_take_effect(session, team, ev, make):
    with pytest.raises(Exception, match="管理员"):
        reminder_policy.update_policy(session, team.leader, {"task_due_days": [5]})
    reminder_policy.update_policy(session, make.admin, {"task_due_days": [5], "weekends": True})
    make_task(session, team, ev, due=date(2024, 3, 27))
    assert sweep(session, date(2024, 3, 21)) == []
    assert sweep(session, date(2024, 3, 22)) == [("task_due", team.members[0].id)]
    assert sweep(session, date(2024, 3, 26)) == []  # 1 day is no longer an offset
    assert sweep(session, date(2024, 3, 30)) == [  # Saturday counts now
        ("task_escalation", team.leader.id),
        ("task_overdue", team.members[0].id),
    ]


def test_rectification_owner_is_reminded_before_the_due_date_only(session, team):
    """整改事项 of an archived report: 7 and 1 days before the due date, to its owner, once;
    an owner only named in text is outside the system, so the 组长 is reminded instead."""
    from workflow.rectifications.models import Rectification

    archived = put_in_state(session, team.evaluation, "archived")
    owner = team.deputies[0]
    due = date(2024, 3, 29)
    items = [
        Rectification(
            evaluation_id=archived.id,
            kind="problem",
            problem="前端点位在线率偏低",
            measure="签订运维协议",
            owner_id=owner.id,
            due_date=due,
            status="in_progress",
        ),
        Rectification(  # owner only named in text: the 组长 is reminded
            evaluation_id=archived.id,
            kind="problem",
            problem="台账不全",
            measure="补建台账",
            owner_text="办公室",
            due_date=due,
        ),
        *(
            Rectification(  # handed in or accepted: nothing left to remind of
                evaluation_id=archived.id,
                kind="problem",
                problem="已整改",
                measure="x",
                owner_id=owner.id,
                due_date=due,
                status=status,
            )
            for status in ("done", "accepted")
        ),
    ]
    session.add_all(items)
    session.commit()
    both = sorted([("rectification_due", owner.id), ("rectification_due", team.leader.id)])
    assert sweep(session, MON) == []  # 11 days ahead
    assert sorted(sweep(session, FRI)) == both  # 7 days ahead
    assert sweep(session, FRI, 15) == []  # once per window
    assert sorted(sweep(session, date(2024, 3, 28))) == both  # the day before
    assert sweep(session, date(2024, 3, 30)) == []  # past due: the 整改 follow-up is the bureau's
    note = session.scalars(select(Notification).where(Notification.user_id == owner.id)).first()
    assert note.link == f"/rectifications/{items[0].id}"
    assert "前端点位在线率偏低" in note.title
    to_leader = session.scalars(
        select(Notification).where(
            Notification.user_id == team.leader.id, Notification.kind == "rectification_due"
        )
    ).first()
    assert "台账不全" in to_leader.title and "责任人办公室不在系统中，请组长跟进" in to_leader.body
