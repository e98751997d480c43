"""Until every leaf is scored, the evaluation page and the 评分表 say 进行中 instead of a total
and a grade that are not the evaluation's (13 of 15 leaves gave "65.54 / 中")."""

from __future__ import annotations

import re

import pytest
from conftest import FULL_MARKS, fill_indicators, put_in_state, score_everything
from page_helpers import Browser, page

from workflow.indicators import queries as indicator_queries
from workflow.scoring import operations as scoring


@pytest.fixture
def analysis(session, team):
    ev = put_in_state(session, team.evaluation, "implementation")
    fill_indicators(session, ev, actor=team.leader)
    return put_in_state(session, ev, "analysis")


def text_of(html: str, element_id: str) -> str:
    match = re.search(rf'id="{element_id}"[^>]*>(.*?)</span>', html, re.S)
    assert match, element_id
    return re.sub(r"<[^>]+>", "", match.group(1)).strip()


def score_one(session, team, ev):
    leaf = indicator_queries.leaves(indicator_queries.load_nodes(session, ev))[1]
    inputs = FULL_MARKS[leaf.rule_type](indicator_queries.leaf_dict(leaf))
    entry = scoring.ScoreEntry(inputs, reason="测试", deviation_note="测试")
    scoring.score_leaf(session, team.leader, ev.id, leaf.code, entry)


def test_a_member_sees_in_progress_until_every_leaf_is_scored(
    client, auth, team, session, analysis
):
    score_one(session, team, analysis)
    member = Browser(client, auth, team.members[0])
    html = page(member.get(f"/evaluations/{analysis.id}"))
    assert text_of(html, "panel-total") == "进行中"
    card = page(member.get(f"/evaluations/{analysis.id}/scorecard"))
    assert text_of(card, "total") == "进行中" and text_of(card, "grade") == "—"
    scores = page(member.get(f"/evaluations/{analysis.id}/scores"))
    assert "总分（进行中）" in scores  # the scorers' running total, labelled as such

    score_everything(session, analysis, actor=team.leader, finalize=False)
    html = page(member.get(f"/evaluations/{analysis.id}"))
    assert re.fullmatch(r"\d+\.\d\d", text_of(html, "panel-total"))
    card = page(member.get(f"/evaluations/{analysis.id}/scorecard"))
    assert re.fullmatch(r"\d+\.\d\d", text_of(card, "total"))
    assert text_of(card, "grade") in {"优", "良", "中", "差"}
