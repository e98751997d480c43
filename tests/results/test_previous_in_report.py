"""上年评价结果及整改情况 in the drafted report of next year's evaluation of the same project."""

from __future__ import annotations

import pytest
from report_helpers import to_reporting
from test_results_api import archive_with

from workflow.rectifications.models import Rectification
from workflow.reports import checks as report_checks
from workflow.reports import page as report_page


def basic_section(session, team, evaluation) -> str:
    view = report_page.report_view(session, team.leader, evaluation.id)
    return next(s["body"] for s in view["sections"] if s["key"] == "basic")


@pytest.mark.parametrize(("kind", "number"), [("department", "（三）"), ("unit_self", "（四）")])
def test_the_draft_states_last_years_result_and_open_items(
    session, make, team, store, kind, number
):
    last = make.make_evaluation(creator=team.leader, year=2022, kind=kind)
    archive_with(session, last, team.leader, "85.00", "良")
    session.add_all(
        Rectification(evaluation_id=last.id, kind="problem", problem=f"问题{n}", status=status)
        for n, status in enumerate(["open", "done", "open"])
    )
    session.commit()
    evaluation = to_reporting(session, team, store, kind=kind)

    body = basic_section(session, team, evaluation)
    assert f"{number}上年评价结果及整改情况" in body
    assert "本项目2022年度评价得分85.00分，评价结果为“良”；尚有2项整改事项未完成。" in body
    # last year's 85 / 良 is not taken for a wrong statement of this year's total or grade
    codes = {c.code for c in report_checks.checks_of(session, evaluation)}
    assert not codes & {"total_mismatch", "grade_mismatch", "stale_figure"}, codes


def test_an_item_done_since_the_draft_makes_the_words_stale(session, make, team, store):
    last = make.make_evaluation(creator=team.leader, year=2022)
    archive_with(session, last, team.leader, "85.00", "良")
    item = Rectification(evaluation_id=last.id, kind="problem", problem="问题")
    session.add(item)
    session.commit()
    evaluation = to_reporting(session, team, store)
    assert "尚有1项整改事项未完成" in basic_section(session, team, evaluation)

    item.status = "done"
    session.commit()
    stale = [
        c.message for c in report_checks.checks_of(session, evaluation) if c.code == "stale_figure"
    ]
    assert stale == [
        "“一、项目基本情况”中的“尚有1项整改事项未完成”与当前数据不符，应为“上年评价提出的整改事项无未完成项”"
    ]


def test_without_last_year_the_draft_says_nothing_of_it(session, team, store):
    evaluation = to_reporting(session, team, store)
    assert "上年评价结果" not in basic_section(session, team, evaluation)
