"""Every page and API list costs a fixed number of SQL statements, whatever the data size.

One world is measured, then grown (more evaluations in every stage, more tasks, audit events,
notifications and users) and measured again: a count that grows is a query per row (N+1).
"""

from __future__ import annotations

from datetime import date

from conftest import Team, fill_indicators, put_in_state, recorded_statements
from page_helpers import Browser

from workflow.campaigns import operations as campaigns
from workflow.lifecycle import operations as lifecycle
from workflow.rectifications import operations as rectifications
from workflow.rectifications.models import Rectification
from workflow.reminders.models import Notification
from workflow.tasks import operations as tasks

STAGES = ["preparation", "implementation", "analysis", "group_review", "finance_review"]

PAGES = [
    "/",
    "/done",
    "/evaluations",
    "/evaluations?state=group_review",
    "/evaluations?q=项目&sort=due_date",
    "/evaluations/{subject}",
    "/evaluations/{subject}/indicators",
    "/tasks/{task}",
    "/notifications",
    "/rectifications",
    "/rectifications?overdue=1&status=in_progress",
    "/rectifications/{rectification}",
    "/rectifications/export.xlsx?overdue=1",
    "/evaluations/{archived}",
]
ADMIN_PAGES = ["/admin/users", "/admin/units"]
REVIEWER_PAGES = [
    "/",
    "/evaluations",
    "/evaluations/{subject}",
    "/portfolio",
    "/portfolio?grade=优",
    "/rectifications",
    "/rectifications/{rectification}",
    "/rectifications/export.csv",
    "/campaigns",
    "/campaigns/{campaign}",
]
CAMPAIGN_API = ["/api/v1/campaigns", "/api/v1/campaigns/{campaign}"]
PORTFOLIO_API = [
    "/api/v1/portfolio",
    "/api/v1/portfolio?overdue=1",
    "/api/v1/units/{unit}/overview",
]
API = [
    "/api/v1/evaluations",
    "/api/v1/evaluations?state=group_review&per_page=200",
    "/api/v1/evaluations/{subject}",
    "/api/v1/evaluations/{subject}/audit",
    "/api/v1/evaluations/{subject}/tasks",
    "/api/v1/evaluations/{subject}/documents",
    "/api/v1/evaluations/{subject}/indicators",
    "/api/v1/tasks",
    "/api/v1/tasks?mine=1",
    "/api/v1/notifications",
    "/api/v1/me/todo",
    "/api/v1/me/done",
    "/api/v1/rectifications.csv?status=in_progress",
    "/api/v1/rectifications",
    "/api/v1/rectifications?overdue=1",
    "/api/v1/rectifications/{rectification}",
]
ADMIN_API = ["/api/v1/users", "/api/v1/units", "/api/v1/bureaus"]


class World:
    """A unit's working group with one evaluation in 组织实施 (the subject: indicators, tasks,
    a long audit trail) and others in every stage; `grow` adds more of everything."""

    def __init__(self, make) -> None:
        self.make = make
        self.team = Team(make)
        self.subject = self.team.evaluation
        put_in_state(make.session, self.subject, "implementation")
        fill_indicators(make.session, self.subject, actor=self.team.leader)
        self.task = None
        self.archived = None
        self.rectification = None
        self.grow(2)

    def grow(self, n: int) -> None:
        make, team = self.make, self.team
        self.size = getattr(self, "size", 0) + n
        self.items: list = []
        for k in range(n):
            for stage in STAGES:
                evaluation = make.make_evaluation(creator=team.leader, project_name=f"项目{k}")
                spec = lifecycle.GroupSpec(
                    team.leader.id, [team.deputies[0].id], [team.members[0].id], []
                )
                lifecycle.set_group(make.session, team.leader, evaluation.id, spec)
                put_in_state(make.session, evaluation, stage, submitted_by=team.leader)
            for holder in (team.leader, team.members[0], None):
                spec = tasks.TaskSpec(
                    kind="collect",
                    title=f"收集资料{k}",
                    assignee_id=holder.id if holder else None,
                )
                task = tasks.create_task(make.session, team.leader, self.subject.id, spec)
                self.task = self.task or task
            self._archive_with_rectifications(k)
            make.make_user(unit=make.unit)
            self.items.append(campaigns.ItemSpec(make.unit.id, f"自评项目{self.size}-{k}"))
            make.session.add(
                Notification(
                    dedupe_key=f"statements-{self.subject.id}-{k}-{self.size}",
                    user_id=team.leader.id,
                    kind="task_due",
                    target_type="task",
                    target_id=self.task.id,
                    evaluation_id=self.subject.id,
                    title="任务即将到期",
                )
            )
            make.session.commit()

        # a campaign of all the items so far: its page and list must not cost a query per item
        spec = campaigns.CampaignSpec(
            f"自评{self.size}", 2024, date(2025, 3, 31), "unit_self", self.items
        )
        self.campaign, opened = campaigns.dispatch(make.session, team.reviewer, spec)
        put_in_state(make.session, opened[0], "finance_review")

    def _archive_with_rectifications(self, k: int) -> None:
        """An archived evaluation with two 整改事项, one of them started (a history entry)."""
        make, team = self.make, self.team
        evaluation = make.make_evaluation(creator=team.leader, project_name=f"已归档{k}")
        put_in_state(make.session, evaluation, "archived")
        items = [
            Rectification(
                evaluation_id=evaluation.id,
                kind="problem",
                problem=f"问题{k}-{n}",
                owner_id=team.members[0].id if n else None,
                owner_text="" if n else "办公室",
                due_date=date(2020, 1, 1),
            )
            for n in range(2)
        ]
        make.session.add_all(items)
        make.session.commit()
        rectifications.update_item(
            make.session,
            team.members[0],
            items[1].id,
            rectifications.Changes(status="in_progress"),
            None,
        )
        self.archived = self.archived or evaluation
        self.rectification = self.rectification or items[1]

    def urls(self, templates: list[str]) -> list[str]:
        ids = {
            "subject": self.subject.id,
            "task": self.task.id,
            "unit": self.subject.unit_id,
            "archived": self.archived.id,
            "rectification": self.rectification.id,
            "campaign": self.campaign.id,
        }
        return [t.format(**ids) for t in templates]


def _count(app, call, url: str) -> int:
    call(url)  # warm: the first request of a kind may fill caches
    with recorded_statements(app.extensions["jixiao.engine"]) as statements:
        res = call(url)
    assert res.status_code == 200, (url, res.status_code, res.get_data(as_text=True)[:300])
    return len(statements)


def _measure(app, client, auth, api, world) -> dict[tuple[str, str], int]:
    team, admin = world.team, world.make.admin
    counts = {}
    for who, user, pages, api_urls in [
        ("组长", team.leader, PAGES, API),
        (
            "财政局",
            team.reviewer,
            [*REVIEWER_PAGES],
            [*API[:4], *API[-4:], *PORTFOLIO_API, *CAMPAIGN_API],
        ),
        ("管理员", admin, [*PAGES[:5], *ADMIN_PAGES, "/portfolio"], [*API[:4], *ADMIN_API]),
    ]:
        browser = Browser(client, auth, user)
        # keyed by the URL's template: the campaign measured is the newest, a bigger one
        for template, url in zip(pages, world.urls(pages), strict=True):
            counts[who, template] = _count(app, browser.get, url)
        as_user = api.as_(user)
        for template, url in zip(api_urls, world.urls(api_urls), strict=True):
            counts[who, template] = _count(app, as_user.get, url)
        auth.logout()
    return counts


def test_pages_and_api_lists_cost_the_same_statements_at_two_sizes(app, client, auth, api, make):
    world = World(make)
    small = _measure(app, client, auth, api, world)
    world.grow(5)
    large = _measure(app, client, auth, api, world)

    grown = {key: (small[key], large[key]) for key in small if large[key] != small[key]}
    assert not grown, f"statements grew with the data (small, large): {grown}"
    assert max(small.values()) <= 40, small  # and none is a long way round


# --- 结果应用 and 评价结果公开 ----------------------------------------------------------------


class ResultsWorld:
    """Archived evaluations of one bureau with 评分定稿, 整改 items, decisions and publication;
    the subject is this year's, its project archived last year too; `grow` adds more."""

    def __init__(self, make) -> None:
        from decimal import Decimal

        from workflow.scoring.models import ScoreFinalization

        self.make, self.team = make, Team(make)
        self.Decimal, self.ScoreFinalization = Decimal, ScoreFinalization
        self.subject = self._archived(self.team.evaluation, "72.50", "中")
        self._archived(make.make_evaluation(creator=self.team.leader, year=2022), "85.00", "良")
        self.token = self._publish(self.subject)
        self.grow(2)

    def _archived(self, evaluation, total: str, grade: str):
        session = self.make.session
        evaluation = put_in_state(session, evaluation, "archived")
        session.add(
            self.ScoreFinalization(
                evaluation_id=evaluation.id,
                finalized_by_id=self.team.leader.id,
                round=1,
                total=self.Decimal(total),
                grade=grade,
            )
        )
        session.commit()
        return evaluation

    def _publish(self, evaluation) -> str:
        from workflow.results import operations as results

        row = results.set_publication(self.make.session, self.team.reviewer, evaluation.id, True)
        return row.token

    def grow(self, n: int) -> None:
        from workflow.rectifications.models import Rectification
        from workflow.results import operations as results

        make, team = self.make, self.team
        for k in range(n):
            for year in (2022, 2023):
                evaluation = make.make_evaluation(
                    creator=team.leader, project_name=f"结果{k}-{year}", year=year
                )
                self._archived(evaluation, "91.00", "优")
                spec = results.DecisionSpec("reduce", self.Decimal(5), "说明")
                results.decide_result(make.session, team.reviewer, evaluation.id, spec)
                self._publish(evaluation)
                make.session.add(
                    Rectification(evaluation_id=evaluation.id, kind="problem", problem="问题")
                )
            make.session.commit()

    def urls(self, templates: list[str]) -> list[str]:
        ids = {
            "subject": self.subject.id,
            "token": self.token,
            "bureau": self.make.bureau.id,
        }
        return [t.format(**ids) for t in templates]


RESULT_PAGES = ["/evaluations/{subject}"]
PUBLIC_PAGES = ["/public/{token}", "/public/bureaus/{bureau}/2023"]
RESULT_API = [
    "/api/v1/evaluations/{subject}",
    "/api/v1/evaluations/{subject}/decision",
    "/api/v1/evaluations/{subject}/publication",
    "/api/v1/decisions.xlsx?year=2023",
]


def _measure_results(app, client, auth, api, world) -> dict[tuple[str, str], int]:
    team, admin = world.team, world.make.admin
    counts = {}
    for url in world.urls(PUBLIC_PAGES):
        counts["公众", url] = _count(app, client.get, url)
    for who, user, pages, api_urls in [
        ("财政局", team.reviewer, RESULT_PAGES, RESULT_API),
        ("单位", team.leader, RESULT_PAGES, RESULT_API),
        ("管理员", admin, [*RESULT_PAGES, "/admin/decision-rules"], ["/api/v1/decision-rules"]),
    ]:
        browser = Browser(client, auth, user)
        for url in world.urls(pages):
            counts[who, url] = _count(app, browser.get, url)
        as_user = api.as_(user)
        for url in world.urls(api_urls):
            counts[who, url] = _count(app, as_user.get, url)
        auth.logout()
    return counts


def test_result_pages_and_lists_cost_the_same_statements_at_two_sizes(app, client, auth, api, make):
    world = ResultsWorld(make)
    small = _measure_results(app, client, auth, api, world)
    world.grow(5)
    large = _measure_results(app, client, auth, api, world)

    grown = {key: (small[key], large[key]) for key in small if large[key] != small[key]}
    assert not grown, f"statements grew with the data (small, large): {grown}"
    assert max(small.values()) <= 40, small
    assert small["公众", f"/public/{world.token}"] <= 8, small
