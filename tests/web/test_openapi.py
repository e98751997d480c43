"""The OpenAPI document (/api/v1/openapi.json) says what the API does, so that a client
generated from it works: every reference defined, errors as they are sent, amounts as the
decimal strings they are, times with their offset, 405 with `Allow`."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

import pytest

from web.schemas import MONEY_PATTERN


@pytest.fixture
def spec(client) -> dict:
    return client.get("/api/v1/openapi.json").json


def refs(node) -> set[str]:
    text = json.dumps(node)
    return set(re.findall(r'"\$ref": "#/components/([^"]+)"', text))


def test_every_reference_is_defined(spec):
    for ref in refs(spec):
        kind, name = ref.split("/")
        assert name in spec["components"][kind], ref
    assert "Error" not in spec["components"]["schemas"]  # flask-smorest's, with an integer code


def test_every_error_response_is_the_error_the_api_sends(spec, api, make):
    error = spec["components"]["schemas"]["ErrorSchema"]["properties"]
    assert error["code"]["type"] == "string"
    for response in spec["components"]["responses"].values():
        if "content" in response:
            assert response["content"]["application/json"]["schema"] == {
                "$ref": "#/components/schemas/ErrorSchema"
            }
    res = api.as_(make.admin).get("/api/v1/evaluations/999999")
    assert res.status_code == 404 and isinstance(res.json["code"], str)


def test_amounts_are_decimal_strings_with_number_minimums(spec, api, make):
    schemas = spec["components"]["schemas"]
    for name, field in (("EvaluationIn", "budget"), ("EvaluationOut", "funds_spent")):
        amount = schemas[name]["properties"][field]
        assert (amount["type"], amount["pattern"]) == ("string", MONEY_PATTERN), name
        assert "万元" in amount["description"]
    minimum = schemas["EvaluationIn"]["properties"]["budget"]["minimum"]
    assert minimum == 0 and not isinstance(minimum, str)
    evaluation = make.make_evaluation()
    body = api.as_(make.admin).get(f"/api/v1/evaluations/{evaluation.id}").json
    assert re.fullmatch(MONEY_PATTERN, body["budget"])


def test_times_are_sent_with_their_offset(api, make):
    before = datetime.now(UTC).replace(microsecond=0)
    [token] = api.as_(make.admin).get("/api/v1/tokens").json
    created = datetime.fromisoformat(token["created_at"])
    assert token["created_at"].endswith("+00:00") and created.tzinfo is not None
    assert created >= before
    evaluation = make.make_evaluation()
    body = api.as_(make.admin).get(f"/api/v1/evaluations/{evaluation.id}").json
    assert body["created_at"].endswith("+00:00")


def test_a_method_the_resource_does_not_take_is_405_with_allow(api, make):
    res = api.as_(make.admin).patch("/api/v1/evaluations")
    assert res.status_code == 405
    assert res.json["code"] == "method_not_allowed"
    assert set(res.headers["Allow"].split(", ")) >= {"GET", "POST"}
