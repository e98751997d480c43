"""评价概览 under load: GET /portfolio and GET /api/v1/portfolio, with and without filters, at
bench/scale's data set, for a 财政局 reviewer and an administrator.

    .venv/bin/python bench/portfolio [--evaluations 10000] [--duration 10] [--clients 2]
                                     [--workers 1] [--keep] [--server postgresql://…:5432]

bench/scale's own harness, loaded from it (nothing copied): a PostgreSQL database of its own
(`jixiao_scale_<pid>`, dropped afterwards unless `--keep`), filled by its generator (a city's
three years: 10,000 evaluations with their 评分定稿, 200 units, 200,000 tasks, 300,000 audit
events), gunicorn on a free loopback port with `JIXIAO_STATEMENT_HEADER=1`, real users logged
in through the login form and with API tokens. By default one sync worker: the figures are what
one process does (`--workers` for more). Each row is one URL as one kind of user: the city
bureau's reviewers (covering 200 units) or the administrators (all), `--clients` threads for
`--duration` s. Printed: p50, p95, req/s, body, SQL statements per request, one request alone.
Figures only: nothing is asserted.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.machinery
import importlib.util
import os
import signal
import sys
import time
from pathlib import Path
from types import ModuleType
from urllib.parse import urlencode

import psycopg

BENCH = Path(__file__).resolve().parent.parent
KINDS = {"finance": "财政局", "admin": "管理员"}


def load_scale() -> ModuleType:
    """bench/scale (a script without a .py suffix) as a module: its data, server and clients."""
    loader = importlib.machinery.SourceFileLoader("bench_scale", str(BENCH / "scale"))
    spec = importlib.util.spec_from_loader(loader.name, loader)
    module = importlib.util.module_from_spec(spec)
    sys.modules[loader.name] = module  # its dataclasses look their module up
    loader.exec_module(module)
    return module


scale = load_scale()


def busiest_unit(url: str) -> tuple[int, int]:
    """The unit with the most evaluations, and the current year of the data set."""
    with psycopg.connect(url) as conn:
        unit_id, year = conn.execute(
            "SELECT unit_id, max(year) FROM evaluations GROUP BY unit_id"
            " ORDER BY count(*) DESC LIMIT 1"
        ).fetchone()
    return unit_id, year


def endpoints(unit_id: int, year: int) -> list:
    """The page and the API, without filters and with the ones a bureau uses."""
    filters = [
        ({}, ""),
        ({"year": year}, "年度"),
        ({"year": year, "unit_id": unit_id, "grade": "优"}, "年度+单位+等级"),
        ({"state": "finance_review", "overdue": 1}, "阶段+逾期"),
    ]
    rows = []
    for path, api in (("/portfolio", False), ("/api/v1/portfolio", True)):
        for query, what in filters:
            shown = "&".join(f"{k}={v}" for k, v in query.items())
            label = ("GET " if api else "") + path + (f"?{shown} ({what})" if query else "")
            url = path + (f"?{urlencode(query)}" if query else "")
            rows.append(scale.Endpoint(label, "GET", url, api=api))
    return rows


def run(args: argparse.Namespace) -> None:
    with contextlib.ExitStack() as stack:
        url = stack.enter_context(scale.scratch_database(args.server, args.keep))
        started = time.perf_counter()
        data = scale.generate(url, args.evaluations / scale.EVALUATIONS, submitters=0)
        print(
            f"data set in {time.perf_counter() - started:.0f} s: "
            + ", ".join(f"{n:,} {t}" for t, n in data.counts.items())
        )
        unit_id, year = busiest_unit(url)
        port, proc = stack.enter_context(scale.gunicorn(url, args.workers))
        print(f"gunicorn: {args.workers} sync worker(s) on 127.0.0.1:{port}")
        load_before = os.getloadavg()[0]
        people = {
            kind: scale.log_in_all(port, [(name, kind) for name in pool[: args.clients]])
            for kind, pool in (("finance", data.finance), ("admin", data.admins))
        }
        floor = scale.Endpoint("GET /login (floor)", "GET", "/login", anonymous=True)
        rows = [scale.measure(floor, [scale.Client(port, None, "anonymous")], args.duration, 1)]
        for endpoint in endpoints(unit_id, year):
            for kind, clients in people.items():
                scale.check(endpoint, clients)
                single = scale.alone(endpoint, clients[0])
                print(f"  {endpoint.label} as {KINDS[kind]}: alone {scale.ms(single)} …")
                row = scale.measure(endpoint, clients, args.duration, args.clients)
                row.label = f"{endpoint.label} — {KINDS[kind]}"
                row.alone = single
                rows.append(row)
        scale.print_table(rows)
        print(f"\n(unit #{unit_id} is the busiest unit, {year} the data set's current year)")
        rss = scale.worker_rss(proc.pid)
        print("gunicorn workers' RSS after the run: " + ", ".join(f"{mb:.0f} MB" for mb in rss))
        print(
            f"load average (1 min): {load_before:.1f} before the run,"
            f" {os.getloadavg()[0]:.1f} after"
        )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--evaluations", type=int, default=scale.EVALUATIONS)
    parser.add_argument("--duration", type=float, default=10, help="seconds per row")
    parser.add_argument("--clients", type=int, default=2, help="threads per row")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the database, print its URL")
    parser.add_argument("--server", default="postgresql://postgres@127.0.0.1:5432")
    args = parser.parse_args(argv)
    sys.stdout.reconfigure(line_buffering=True)
    # Ctrl-C and `kill` both unwind through the clean-up (gunicorn stopped, database dropped).
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        run(args)
    except KeyboardInterrupt:
        print("\ninterrupted: gunicorn stopped" + ("" if args.keep else ", database dropped"))
        sys.exit(130)


if __name__ == "__main__":
    main()
