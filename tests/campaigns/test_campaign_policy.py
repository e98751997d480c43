"""The permission table of a campaign's evaluations (自评任务), asked of `roles/` directly:
the bureau that dispatched it may 取消下达 (终止) but holds no 创建人 rights; while it has no
组长, any user of its unit may form the group, and becomes its 组长."""

from __future__ import annotations

import pytest
from sqlalchemy.orm.attributes import set_committed_value

import roles
import workflow.models
from workflow.accounts.models import Unit, User
from workflow.campaigns.models import Campaign
from workflow.lifecycle.states import STATES, UNIT_SELF_VERSION

UNIT, OTHER_UNIT, BUREAU, OTHER_BUREAU = 1, 2, 1, 2
OPEN = ("preparation", "implementation", "analysis", "reporting", "group_review",
        "finance_review")  # fmt: skip
WORKING = OPEN[:4]

PEOPLE = {
    "leader": User(id=1, role="unit_user", unit_id=UNIT),
    "colleague": User(id=2, role="unit_user", unit_id=UNIT),
    "admin": User(id=3, role="admin"),
    "reviewer": User(id=4, role="finance_reviewer", bureau_id=BUREAU),  # dispatched it
    "other_unit_user": User(id=5, role="unit_user", unit_id=OTHER_UNIT),
    "other_bureau_reviewer": User(id=6, role="finance_reviewer", bureau_id=OTHER_BUREAU),
}
for _user in PEOPLE.values():
    _user.active = True


def campaign_evaluation(state: str, group: str = "") -> workflow.models.Evaluation:
    ev = workflow.models.Evaluation(
        id=1,
        unit_id=UNIT,
        unit=Unit(id=UNIT, name="单位", bureau_id=BUREAU),
        state=state,
        machine_version=UNIT_SELF_VERSION,
        campaign_id=7,
        created_by_id=PEOPLE["reviewer"].id,
    )
    set_committed_value(ev, "group_roles", group)
    return ev


LED = "1:leader:1"


@pytest.mark.parametrize("state", list(STATES))
def test_the_dispatching_bureau_and_admins_may_withdraw_an_open_item(state):
    ev = campaign_evaluation(state, LED)
    may = {p for p, u in PEOPLE.items() if "cancel" in roles.allowed_actions(u, ev, lambda: [])}
    assert may == ({"admin", "reviewer"} if state in OPEN else set())


@pytest.mark.parametrize("state", list(STATES))
@pytest.mark.parametrize("permission", ["edit_project", "edit_group", "manage_documents"])
def test_the_dispatching_reviewer_gains_no_creator_rights(permission, state):
    ev = campaign_evaluation(state, LED)
    assert not roles.can(PEOPLE["reviewer"], permission, ev)


@pytest.mark.parametrize("state", list(STATES))
def test_without_a_leader_any_user_of_the_unit_may_form_the_group(state):
    ev = campaign_evaluation(state)
    may = {p for p, u in PEOPLE.items() if roles.can(u, "edit_group", ev)}
    assert may == ({"leader", "colleague", "admin"} if state in WORKING else set())
    assert roles.must_lead_group(PEOPLE["colleague"], ev) is (state in WORKING)
    assert not roles.must_lead_group(PEOPLE["admin"], ev)


def test_once_there_is_a_leader_only_the_leader_and_admins_edit_the_group():
    ev = campaign_evaluation("preparation", LED)
    may = {p for p, u in PEOPLE.items() if roles.can(u, "edit_group", ev)}
    assert may == {"leader", "admin"}
    assert not roles.must_lead_group(PEOPLE["leader"], ev)


def test_who_dispatches_and_manages_campaigns():
    dispatch = {p for p, u in PEOPLE.items() if roles.can_dispatch_campaigns(u)}
    assert dispatch == {"admin", "reviewer", "other_bureau_reviewer"}
    manage = {p for p, u in PEOPLE.items() if roles.can_manage_campaign(u, BUREAU)}
    assert manage == {"admin", "reviewer"}
    unit = Unit(id=OTHER_UNIT, name="外县", bureau_id=OTHER_BUREAU)
    to_other = {p for p, u in PEOPLE.items() if roles.can_dispatch_to(u, unit)}
    assert to_other == {"admin", "other_bureau_reviewer"}


def test_campaigns_are_seen_by_their_bureau_admins_and_units_dispatched_to(session, make):
    from workflow.campaigns import operations as campaigns

    reviewer = make.make_user("finance_reviewer")
    other_unit = make.make_unit()
    colleague = make.make_user(unit=other_unit)
    here = make.make_user()
    far = make.make_user("finance_reviewer", bureau=make.make_bureau())
    spec = campaigns.CampaignSpec(
        "自评", 2024, __import__("datetime").date(2025, 3, 31), "unit_self",
        [campaigns.ItemSpec(make.unit.id, "项目")],
    )  # fmt: skip
    campaign, _ = campaigns.dispatch(session, reviewer, spec)
    seen = {
        name: session.query(Campaign).filter(roles.visible_campaigns(u)).count()
        for name, u in [("reviewer", reviewer), ("admin", make.admin), ("here", here),
                        ("colleague", colleague), ("far", far)]
    }  # fmt: skip
    assert seen == {"reviewer": 1, "admin": 1, "here": 1, "colleague": 0, "far": 0}
    assert campaign.bureau_id == make.bureau.id
