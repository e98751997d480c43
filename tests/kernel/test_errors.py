"""Errors as people and integrations get them: a field's problem is structured (`fields` in the
API beside `details` as it was, next to the field on a page), a name already taken says so even
when it slips past the operation's own check, and only a lost race says "已被他人处理，请刷新"."""

from __future__ import annotations

import re

import pytest
from conftest import AuthActions, put_in_state

from workflow.accounts import operations as accounts
from workflow.accounts.models import Bureau
from workflow.indicators import operations as indicator_ops
from workflow.indicators.builtin import get_template
from workflow.kernel.db import CONFLICT_MESSAGE, make_engine, make_sessionmaker
from workflow.kernel.errors import Conflict, FieldError, InvalidInput
from workflow.lifecycle import operations as lifecycle
from workflow.lifecycle.models import Approval

ASSIGNEE = "任务只能分派给本评价工作组的组长、副组长或成员"


def page(res) -> str:
    return res.get_data(as_text=True)


class Person:
    """A logged-in user posting the pages' forms (CSRF token taken from a page)."""

    def __init__(self, app, user) -> None:
        self.client = app.test_client()
        auth = AuthActions(self.client)
        assert auth.login(user.username).status_code == 302
        self.token = auth.csrf_token("/")

    def post(self, url: str, data: dict):
        return self.client.post(url, data={"csrf_token": self.token, **data})


def field_errors(html: str, name: str) -> list[str]:
    """The messages shown in the field block (`<div class="field …">`) of the input `name`."""
    for block in re.findall(r'<div class="field [^"]*">(.*?)</div>', html, re.S):
        if f'name="{name}"' in block:
            return re.findall(r'<p class="field-error">(.*?)</p>', block, re.S)
    raise AssertionError(f"no field {name} on the page")


def alert(html: str) -> str:
    match = re.search(r'<div class="alert alert-error" role="alert">(.*?)</div>', html, re.S)
    assert match, "no alert on the page"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(1))).strip()


@pytest.fixture
def ev(session, team):
    return put_in_state(session, team.evaluation, "implementation")


# --- the error type -------------------------------------------------------------------------


def test_one_fields_problem_names_the_field():
    exc = InvalidInput.field("reason", "扣分须说明理由")
    assert exc.message == "扣分须说明理由"
    assert exc.errors == [FieldError("reason", "扣分须说明理由")]
    assert exc.details == ["reason"]  # as `details` always named a single field


def test_problems_give_the_message_and_details_as_before():
    exc = InvalidInput(errors=[FieldError("title", "任务标题不能为空"), "预算金额不能为负数"])
    assert exc.errors == [
        FieldError("title", "任务标题不能为空"),
        FieldError(None, "预算金额不能为负数"),
    ]
    assert exc.details == ["title：任务标题不能为空", "预算金额不能为负数"]
    assert exc.message == "任务标题不能为空；预算金额不能为负数"  # words only: no field names


def test_the_message_names_a_field_by_its_chinese_label():
    exc = InvalidInput(errors=[FieldError("due_date", "应为日期"), FieldError("x_y", "必填")])
    assert exc.message == "完成期限：应为日期；必填"  # an unknown name is left out, never shown
    assert [p.text for p in exc.errors] == ["完成期限：应为日期", "必填"]
    nested = FieldError("deductions.0.reason", "必填")
    assert nested.text == "扣分项第1项理由：必填"


def test_a_plain_message_is_a_problem_of_the_whole_input():
    exc = InvalidInput("文件为空", code="file_empty")
    assert exc.details is None and exc.errors == [FieldError(None, "文件为空")]


# --- the API --------------------------------------------------------------------------------


def test_a_bad_field_is_a_400_naming_the_field_in_chinese(api, make, team, ev):
    res = api.as_(team.leader).post(
        f"/api/v1/evaluations/{ev.id}/tasks",
        json={"kind": "collect", "title": "收集资料", "assignee": make.make_user().id},
    )
    assert res.status_code == 400
    assert res.json == {
        "code": "invalid_input",
        "message": f"负责人：{ASSIGNEE}",  # in words: the field's Chinese label
        "details": [f"assignee：{ASSIGNEE}"],  # the contract as it was
        "fields": [{"field": "assignee", "message": ASSIGNEE}],
    }


def test_every_problem_is_listed_with_its_field(api, make, team, ev):
    res = api.as_(team.leader).post(
        f"/api/v1/evaluations/{ev.id}/tasks",
        json={"kind": "collect", "title": " ", "assignee": make.make_user().id},
    )
    assert res.status_code == 400
    assert res.json["fields"] == [
        {"field": "title", "message": "任务标题不能为空"},
        {"field": "assignee", "message": ASSIGNEE},
    ]


def test_a_problem_of_no_one_field_has_field_null(api, make, team):
    res = api.as_(team.leader).put(
        f"/api/v1/evaluations/{team.evaluation.id}/group",
        json={"leader": team.leader.id, "deputies": [team.leader.id]},
    )
    assert res.status_code == 400
    assert res.json["fields"] == [{"field": None, "message": "组长不能同时担任副组长或成员"}]
    assert res.json["details"] == ["组长不能同时担任副组长或成员"]


def test_schema_errors_name_their_fields_too(api, make):
    res = api.as_(make.admin).post("/api/v1/users", json={"username": "x", "role": "boss"})
    assert res.status_code == 400
    assert res.json["details"]["json"]["display_name"] == ["必填"]  # as it was
    assert {"field": "display_name", "message": "必填"} in res.json["fields"]
    role = next(f for f in res.json["fields"] if f["field"] == "role")
    assert role["message"].startswith("取值应为")
    assert "姓名：必填" in res.json["message"] and "display_name" not in res.json["message"]


def test_other_refusals_have_no_fields(api, team):
    res = api.as_(team.members[0]).put(
        f"/api/v1/evaluations/{team.evaluation.id}/group", json={"leader": team.members[0].id}
    )
    assert res.status_code == 403 and "fields" not in res.json


def test_the_api_document_describes_fields(client):
    spec = client.get("/api/v1/openapi.json").json
    refused = spec["paths"]["/api/v1/tasks/{task_id}/complete"]["post"]["responses"]["400"]
    ref = refused["content"]["application/json"]["schema"]["$ref"]
    error = spec["components"]["schemas"][ref.rsplit("/", 1)[1]]
    assert {"code", "message", "details", "fields"} <= set(error["properties"])
    assert error["properties"]["fields"]["type"] == "array"


# --- the pages ------------------------------------------------------------------------------


def test_a_page_shows_a_fields_problem_at_that_field(app, make, team, ev):
    res = Person(app, team.leader).post(
        f"/evaluations/{ev.id}/tasks/new",
        {"kind": "collect", "title": "收集资料", "assignee": str(make.make_user().id)},
    )
    assert res.status_code == 400
    html = page(res)
    assert field_errors(html, "assignee") == [ASSIGNEE]
    assert field_errors(html, "title") == []
    assert alert(html) == "未能保存： 请按下方提示补充后再保存。"
    assert 'value="收集资料"' in html  # the input is kept


def test_a_field_the_form_names_otherwise_is_still_placed(app, make, team, session):
    from report_helpers import to_reporting

    from workflow.kernel import files as file_store

    store = file_store.DocumentStore(app.config["UPLOAD_DIR"])
    reporting = to_reporting(session, team, store)
    stranger = make.make_user(unit=make.make_unit())
    res = Person(app, team.leader).post(
        f"/evaluations/{reporting.id}/report/problems",
        {
            "problem-kind": "problem",
            "problem-problem": "系统功能不完善",
            "problem-owner_user": str(stranger.id),
        },
    )
    assert res.status_code == 400
    assert field_errors(page(res), "problem-owner_user") == [
        "责任人应为本单位用户，或直接填写责任人姓名"
    ]


def test_problems_of_no_field_stay_above_the_form(app, make):
    res = Person(app, make.admin).post(
        "/admin/users/new",
        {
            "username": "lisi",
            "display_name": "李四",
            "role": "finance_reviewer",
            "password": "short",
        },
    )
    assert res.status_code == 400
    assert "密码至少 8 位" in alert(page(res))
    assert field_errors(page(res), "bureau_id") == ["财政局审核人必须属于一个已存在的财政局"]


def test_a_taken_name_is_shown_at_the_name_field(app, make):
    res = Person(app, make.admin).post("/admin/bureaus/new", {"name": make.bureau.name})
    assert res.status_code == 400
    assert field_errors(page(res), "name") == [f"财政局“{make.bureau.name}”已存在"]


# --- a name already taken, and a lost race --------------------------------------------------


def _skip_checks(monkeypatch):
    """The operations' own duplicate checks see nothing: the unique constraint has to refuse."""
    monkeypatch.setattr(accounts, "_unique", lambda *args, **kwargs: None)
    monkeypatch.setattr(indicator_ops, "_problems", lambda *args, **kwargs: [])


@pytest.mark.parametrize(
    ("what", "field", "message"),
    [
        ("bureau", "name", "财政局名称已存在"),
        ("unit", "name", "预算单位名称已存在"),
        ("user", "username", "用户名已被使用"),
        ("template", "key", "模板代码已存在"),
    ],
)
def test_a_duplicate_past_the_check_says_the_name_is_taken(
    monkeypatch, session, make, what, field, message
):
    _skip_checks(monkeypatch)
    admin = make.admin
    saves = {
        "bureau": lambda: accounts.save_bureau(session, admin, make.bureau.name),
        "unit": lambda: accounts.save_unit(session, admin, make.unit.name, make.bureau.id),
        "user": lambda: accounts.save_user(
            session,
            admin,
            accounts.UserFields(
                username=admin.username, display_name="重名", role="admin", password="x" * 8
            ),
        ),
        "template": lambda: indicator_ops.save_template(
            session,
            admin,
            "xueliang",
            indicator_ops.TemplateFields(
                "重复", ["department"], "", get_template("xueliang").indicators()
            ),
            create=True,
        ),
    }
    with pytest.raises(InvalidInput) as refused:
        saves[what]()
    assert refused.value.code == "duplicate"
    assert refused.value.errors == [FieldError(field, message)]
    assert refused.value.message == message


def test_a_name_saved_meanwhile_by_someone_else_is_reported_as_taken(app, monkeypatch, make):
    """Two administrators add the same bureau: the second's check passes before the first
    commits, its insert meets the unique constraint."""
    engine = make_engine(app.config["DATABASE_URL"])
    maker = make_sessionmaker(engine)
    check = accounts._unique

    def check_then_the_other_saves(session, column, value, label, exclude_id=None):
        check(session, column, value, label, exclude_id)
        monkeypatch.setattr(accounts, "_unique", check)  # the other admin's save checks as usual
        with maker() as other:
            accounts.save_bureau(other, other.get(type(make.admin), make.admin.id), value)

    monkeypatch.setattr(accounts, "_unique", check_then_the_other_saves)
    try:
        with maker() as mine, pytest.raises(InvalidInput) as refused:
            accounts.save_bureau(mine, mine.get(type(make.admin), make.admin.id), "新设财政局")
    finally:
        engine.dispose()
    assert refused.value.errors == [FieldError("name", "财政局名称已存在")]
    assert make.session.query(Bureau).filter_by(name="新设财政局").count() == 1


def test_the_api_reports_a_taken_name_at_its_field(api, monkeypatch, make):
    _skip_checks(monkeypatch)
    res = api.as_(make.admin).post("/api/v1/bureaus", json={"name": make.bureau.name})
    assert res.status_code == 400
    assert res.json["code"] == "duplicate"
    assert res.json["fields"] == [{"field": "name", "message": "财政局名称已存在"}]


def test_a_lost_race_still_says_someone_else_acted(monkeypatch, session, team):
    """The same approver's second approval of the round, past the check that it is the first:
    the once-per-round constraint refuses it as a lost race, not as a duplicate name."""
    evaluation = put_in_state(session, team.evaluation, "group_review", team.leader)
    lifecycle.perform(session, team.leader, evaluation.id, "approve")
    monkeypatch.setattr(lifecycle, "approved_this_round", lambda *args: frozenset)
    with pytest.raises(Conflict) as refused:
        lifecycle.perform(session, team.leader, evaluation.id, "approve")
    assert (refused.value.code, refused.value.message) == ("conflict", CONFLICT_MESSAGE)
    assert session.query(Approval).filter_by(evaluation_id=evaluation.id).count() == 1


def test_every_api_input_field_has_a_chinese_label(app):
    """A new input field of the API gets its label in FIELD_LABELS the day it is added: the
    400's message names it in Chinese, never by its API name."""
    from marshmallow import Schema
    from marshmallow import fields as mfields

    from workflow.kernel.errors import FIELD_LABELS

    names: set[str] = set()
    seen: set[type] = set()

    def walk(schema: Schema) -> None:
        if type(schema) in seen:  # the indicator tree nests itself
            return
        seen.add(type(schema))
        for name, field in schema.fields.items():
            if field.dump_only:
                continue
            names.add(field.data_key or name)
            inner = field.inner if isinstance(field, mfields.List) else field
            if isinstance(inner, mfields.Nested):
                walk(inner.schema)

    views = list(app.view_functions.values())
    for view in list(views):  # a MethodView's methods carry their own documentation
        cls = getattr(view, "view_class", None)
        views += [
            getattr(cls, m)
            for m in ("get", "post", "put", "patch", "delete")
            if cls and hasattr(cls, m)
        ]
    for view in views:
        apidoc = getattr(view, "_apidoc", {})
        for parameter in apidoc.get("arguments", {}).get("parameters", []):
            schema = parameter["schema"]
            walk(schema() if isinstance(schema, type) else schema)
    assert len(names) > 80  # the API's inputs were found
    assert sorted(names - FIELD_LABELS.keys()) == []
