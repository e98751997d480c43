"""The report's PDF and Word file with one large table: time and peak memory of each.

Run from the repository root: ``.venv/bin/python bench/report_tables [--rows 300] [--cols 6]``.
Each renderer runs in a child process of its own, so its peak resident memory is its own.
The largest table a section may hold is `workflow.reports.limits.MAX_TABLE_ROWS` rows.
"""

from __future__ import annotations

import argparse
import multiprocessing
import resource
import sys
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def _content(rows: int, cols: int):
    from workflow.reports.render.content import ReportContent, SectionContent
    from workflow.reports.render.text import parse_body

    header = "|" + "|".join(f"第{c + 1}列" for c in range(cols)) + "|"
    separator = "|" + "|".join("---" for _ in range(cols)) + "|"
    lines = [header, separator]
    lines += [
        "|" + "|".join(f"项目{r + 1}-{c + 1}：资金{r * cols + c}万元" for c in range(cols)) + "|"
        for r in range(rows - 1)
    ]
    body = "本节列出各子项目的资金情况。\n" + "\n".join(lines)
    section = SectionContent(number="一", title="基本情况", blocks=parse_body(body))
    return ReportContent(
        title="2024年度某项目支出绩效评价报告",
        project_name="某项目",
        unit_name="某单位",
        year=2024,
        kind_label="部门评价",
        date_text="2025年3月1日",
        final=True,
        state_label="已归档",
        generated_at=datetime(2025, 3, 1),
        sections=[section],
        score_rows=[],
        total="—",
        grade="—",
        rescaled=False,
        approvals=[],
    )


def _run(kind: str, rows: int, cols: int, out) -> None:
    from workflow.reports.render.docx import render_report_docx
    from workflow.reports.render.pdf import render_report_pdf

    render = render_report_pdf if kind == "pdf" else render_report_docx
    content = _content(rows, cols)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    data = render(content)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    out.send((seconds, len(data), before / 1024, peak / 1024))


def measure(kind: str, rows: int, cols: int) -> tuple[float, int, float, float]:
    parent, child = multiprocessing.Pipe()
    process = multiprocessing.Process(target=_run, args=(kind, rows, cols, child))
    process.start()
    result = parent.recv()
    process.join()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=300)
    parser.add_argument("--cols", type=int, default=6)
    args = parser.parse_args()
    print(f"一个 {args.rows} 行 × {args.cols} 列的表格（每个单元格约 15 字）")
    print(f"{'文件':<6}{'耗时 s':>10}{'大小 KB':>10}{'导入后 MB':>12}{'峰值 MB':>10}")
    for kind in ("pdf", "docx"):
        seconds, size, base, peak = measure(kind, args.rows, args.cols)
        print(f"{kind:<6}{seconds:>10.2f}{size / 1024:>10.0f}{base:>12.0f}{peak:>10.0f}")


if __name__ == "__main__":
    multiprocessing.set_start_method("fork")
    main()
