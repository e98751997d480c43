"""The API against its own OpenAPI document: schemathesis generates requests from
/api/v1/openapi.json (valid ones and invalid ones) and sends them as an administrator and as a
unit user, on the demo data; any 500, or any response the document does not describe, fails.

It runs on PostgreSQL (`DATABASE_URL` set, as CI's second run does), where a value out of a
column's range is an error rather than stored, and is skipped on SQLite-only runs.
"""

from __future__ import annotations

import contextlib
import os
from collections import Counter
from dataclasses import dataclass, field

import pytest

pytestmark = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL"),
    reason="schemathesis runs against PostgreSQL: set DATABASE_URL (CI's second run does)",
)

#: Cases per operation, identity and mode (valid / invalid input): about 2,300 in all.
EXAMPLES = int(os.environ.get("JIXIAO_SCHEMATHESIS_EXAMPLES", "8"))

MIN_CASES = 2_000


@dataclass
class Findings:
    cases: int = 0
    statuses: Counter = field(default_factory=Counter)
    failures: dict[str, str] = field(default_factory=dict)  # "METHOD path: kind" → one example

    def report(self) -> str:
        lines = [f"{len(self.failures)} kinds of failure in {self.cases} cases:"]
        lines += [f"- {where}\n  {example}" for where, example in sorted(self.failures.items())]
        return "\n".join(lines)


def _cases(operation, mode, who: str, token: str, findings: Findings, examples: int) -> None:
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis.errors import Unsatisfiable
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import response_schema_conformance

    checks = [not_a_server_error, response_schema_conformance]

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def send(case):
        findings.cases += 1
        where = f"{operation.method.upper()} {operation.path}"
        try:
            response = case.call(headers={"Authorization": f"Bearer {token}"})
        except Exception as exc:  # TESTING propagates what would be a 500
            findings.statuses[500] += 1
            findings.failures.setdefault(
                f"{where} [500]", f"{who} {mode.value}: {case.as_curl_command()}\n  {exc!r}"
            )
            return
        findings.statuses[response.status_code] += 1
        try:
            case.validate_response(response, checks=checks)
        except (Exception, BaseExceptionGroup) as exc:  # a check's failure, or a group
            kind = "500" if response.status_code >= 500 else "schema"
            findings.failures.setdefault(
                f"{where} [{kind}]",
                f"{who} {mode.value}: {case.as_curl_command()}\n  "
                + str(exc).replace("\n", "\n  ")[:1500],
            )

    with contextlib.suppress(Unsatisfiable):  # no invalid input: an operation without any
        send()


def run(app, tokens: dict[str, str], examples: int = EXAMPLES) -> Findings:
    """Every operation, for each token and both generation modes; failures collected, not
    raised, so one run lists them all."""
    import schemathesis
    from schemathesis import GenerationMode

    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    findings = Findings()
    for result in schema.get_all_operations():
        operation = result.ok()
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            for who, token in tokens.items():
                _cases(operation, mode, who, token, findings, examples)
    return findings


@pytest.fixture
def demo_app(app, session):
    from workflow import demo
    from workflow.kernel import files as file_store

    demo.load(session, file_store.DocumentStore(app.config["UPLOAD_DIR"]))
    return app


def test_the_api_answers_as_its_openapi_document_says(demo_app, client):
    from workflow.demo import PASSWORD

    tokens = {}
    for username in ("admin", "zhangjm"):  # an administrator, a unit user (组长)
        res = client.post("/api/v1/tokens", json={"username": username, "password": PASSWORD})
        assert res.status_code == 201, res.json
        tokens[username] = res.json["token"]
    findings = run(demo_app, tokens)
    assert findings.cases >= MIN_CASES, findings.statuses
    assert not findings.failures, findings.report()
