"""Text compares exactly on every database (on MySQL/MariaDB thanks to the binary collation
`jixiao init-db` gives the database): usernames differing in case are
different people, and neither logs in as the other."""

from __future__ import annotations

from conftest import PASSWORD


def test_usernames_differing_in_case_are_two_people(make, api):
    lower = make.make_user(name="zhangsan")
    upper = make.make_user(name="ZhangSan")
    assert lower.id != upper.id
    for typed in ("ZHANGSAN", "zhangSan"):
        res = api.client.post("/api/v1/tokens", json={"username": typed, "password": PASSWORD})
        assert res.status_code == 401, typed
    res = api.client.post("/api/v1/tokens", json={"username": "ZhangSan", "password": PASSWORD})
    assert res.status_code == 201
