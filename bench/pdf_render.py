"""Benchmark the report PDF: plain xhtml2pdf with <pdf:pagecount/> against render_pdf.

Run from the repository root: ``.venv/bin/python bench/pdf_render.py [--runs 5]``.
Targets: a 30-page report in at most 0.8 s warm, 1.6 s cold, under 150 MB peak.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

SECTIONS = [
    "基本情况",
    "绩效评价工作开展情况",
    "综合评价情况及评价结论",
    "绩效评价指标分析",
    "主要经验及做法",
    "存在的问题及原因分析",
    "有关建议",
    "其他需要说明的问题",
    "评价结果应用",
]

# Sentences in the register of the seed reports; paragraphs are cut from their cycle.
SENTENCES = [
    "按照《全国公共安全视频监控建设联网应用“十三五”规划方案》及省委办公厅、省政府办公厅"
    "《关于加强社会治安防控体系建设的实施意见》（甘办发〔2015〕13号）要求，项目于2019年12月立项。",
    "本项目年度预算资金300万元，实际到位资金300万元，实际支出297.45万元，预算执行率为99.15%。",
    "按照“一总两分”建设模式，建成1个市级视频云共享平台、1个综治分平台、1个公安分平台和9个县级"
    "视频云共享分平台，部署在电子政务外网。",
    "共新建行政村高清监控点2100路，接入已建成的9988路社会治安视频监控点位和5000个移动手持终端，"
    "依托云计算大数据中心开展综治视频应用。",
    "评价组在前期项目对接、资料搜集、文献查阅基础上，拟定了绩效评价指标体系，整个指标体系共设有"
    "决策（15分）、过程（20分）、产出（35分）、效益（30分）4个一级指标。",
    "项目单位能够按照《财政支出绩效评价管理暂行办法》（财预〔2011〕285号）的规定，建立健全财务管理"
    "制度，资金拨付有完整的审批程序和手续，未发现截留、挤占、挪用资金的情况。",
    "通过发放满意度调查问卷120份，收回有效问卷116份，服务对象满意度为94.8%，群众安全感明显提升。",
    "但项目绩效目标设置不够细化量化，部分指标难以衡量，后续运维经费保障机制尚未建立，"
    "影响项目长期效益的发挥。",
    "建议进一步完善项目管理制度，细化绩效指标，加强对运行维护的跟踪管理，确保项目持续发挥效益。",
]

INDICATORS = [
    ("决策", "项目立项", ["立项依据充分性", "立项程序规范性"]),
    ("决策", "绩效目标", ["绩效目标合理性", "绩效指标明确性"]),
    ("决策", "资金投入", ["预算编制科学性", "资金分配合理性"]),
    ("过程", "资金管理", ["资金到位率", "预算执行率", "资金使用合规性"]),
    ("过程", "组织实施", ["管理制度健全性", "制度执行有效性"]),
    ("产出", "产出数量", ["监控点建设完成率", "平台建设完成率", "终端接入完成率"]),
    ("产出", "产出质量", ["质量达标率", "验收合格率", "联网率"]),
    ("产出", "产出时效", ["完成及时性", "资金支付及时性"]),
    ("产出", "产出成本", ["成本节约率", "单位成本控制"]),
    ("效益", "社会效益", ["案件破获率提升", "治安防控能力", "应急处置效率"]),
    ("效益", "可持续影响", ["运维机制健全性", "数据共享机制", "人员培训情况"]),
    ("效益", "满意度", ["群众满意度", "使用单位满意度", "基层民警满意度"]),
]

FOOTER_FRAME = """
  @frame footer { -pdf-frame-content: footer_content; bottom: 1.6cm; margin-left: 2.8cm;
                  margin-right: 2.6cm; height: 1cm; }"""
STYLE = """
@page { size: a4 portrait; margin: 3.7cm 2.6cm 3.5cm 2.8cm; %s }
html { font-family: jixiao-cjk; -pdf-word-wrap: CJK; }
body { font-size: 12pt; line-height: 1.6; }
p { text-indent: 2em; margin: 0 0 4pt 0; }
h1.title { font-size: 22pt; text-align: center; margin-top: 5cm; }
h2 { font-size: 16pt; margin: 14pt 0 8pt 0; }
h3 { font-size: 14pt; margin: 10pt 0 6pt 0; }
.cover p { text-align: center; text-indent: 0; font-size: 16pt; }
td, th { border: 0.5pt solid #000; padding: 3pt; font-size: 10.5pt; text-align: center; }
#footer_content { text-align: center; font-size: 10.5pt; }
"""
PAGECOUNT_FOOTER = '<div id="footer_content">第 <pdf:pagenumber/> 页 / 共 <pdf:pagecount/> 页</div>'


def paragraph(seed: int, sentences: int) -> str:
    """A long paragraph cut from the sentence cycle, starting at `seed`."""
    picked = (SENTENCES[(seed + i) % len(SENTENCES)] for i in range(sentences))
    return "<p>" + "".join(picked) + "</p>"


def cover() -> str:
    return (
        '<div class="cover"><h1 class="title">陇南市监控视频共享云平台项目支出绩效评价报告</h1>'
        "<p>评价单位：陇南市委政法委绩效评价工作组</p><p>项目单位：陇南市公安局</p>"
        "<p>评价年度：2024 年度</p><p>报告日期：2025 年 3 月 20 日</p></div><pdf:nextpage/>"
    )


def sections() -> str:
    parts = []
    for number, title in enumerate(SECTIONS):
        parts.append(f"<h2>{'一二三四五六七八九'[number]}、{title}</h2>")
        for sub in range(3):
            parts.append(f"<h3>（{'一二三'[sub]}）{title}第{sub + 1}部分</h3>")
            parts.extend(paragraph(number * 3 + sub + k, 6 + k % 3) for k in range(2))
    return "".join(parts)


def scorecard() -> str:
    """The 评分表: 40 rows under a repeated header; 二级指标 merged over 2-3 rows."""
    columns = [("一级指标", 11), ("二级指标", 13), ("三级指标", 24), ("分值", 9), ("得分", 9)]
    columns.append(("扣分原因", 34))
    cells = "".join(f'<th width="{width}%">{name}</th>' for name, width in columns)
    head = f"<thead><tr>{cells}</tr></thead>"
    rows: list[str] = []
    n = 0
    while len(rows) < 40:
        for level1, level2, leaves in INDICATORS:
            for i, leaf in enumerate(leaves):
                n += 1
                span = f'<td rowspan="{len(leaves)}">{level2}</td>' if i == 0 else ""
                lost = (n % 3) * 0.5
                rows.append(
                    f"<tr><td>{level1}</td>{span}<td>{leaf}</td><td>2.50</td>"
                    f"<td>{2.5 - lost:.2f}</td><td>第{n}项：资料不完整，扣{lost:.1f}分</td></tr>"
                )
            if len(rows) >= 40:
                break
    body = "".join(rows)
    table = f'<table repeat="1">{head}<tbody>{body}</tbody></table>'
    return f"<pdf:nextpage/><h2>附件：评分表</h2>{table}"


def approvals() -> str:
    people = [
        ("张建明", "组长", "2025-03-18 10:12"),
        ("刘增涛", "副组长", "2025-03-18 15:40"),
        ("王芳", "财政局绩效科", "2025-03-20 09:05"),
    ]
    cells = ("".join(f"<td>{value}</td>" for value in person) for person in people)
    rows = "".join(f"<tr>{row}<td>同意</td></tr>" for row in cells)
    return (
        "<pdf:nextpage/><h2>审批记录</h2><table><tr><th>姓名</th><th>角色</th><th>时间</th>"
        f"<th>意见</th></tr>{rows}</table>"
    )


def report_html(*, pagecount_footer: bool = False, extra_css: str = "", flow: bool = False) -> str:
    """The whole report.

    With `pagecount_footer`, xhtml2pdf draws 第 x 页 / 共 y 页 itself. Paragraphs move whole to
    the next page, as plain xhtml2pdf needs, unless `flow` lets render_pdf split them.
    """
    style = STYLE % (FOOTER_FRAME if pagecount_footer else "")
    if not flow:
        style += "p { page-break-inside: avoid; }"
    footer = PAGECOUNT_FOOTER if pagecount_footer else ""
    return (
        f"<html><head><meta charset='utf-8'/><style>{extra_css}{style}</style></head>"
        f"<body>{footer}" + cover() + sections() + scorecard() + approvals() + "</body></html>"
    )


# --- the contenders -----------------------------------------------------------------------------


def setup_baseline():
    """Plain xhtml2pdf as the note measured it: the font registered by hand, <pdf:pagecount/>.

    The document carries render_pdf's base stylesheet itself, so both lay out the same pages.
    """
    import xhtml2pdf.default
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from xhtml2pdf import pisa

    from workflow.reports.render.cjk import BASE_CSS, FONT_FAMILY, font_path

    pdfmetrics.registerFont(TTFont(FONT_FAMILY, font_path(), subfontIndex=0))
    for bold in (0, 1):
        for italic in (0, 1):
            addMapping(FONT_FAMILY, bold, italic, FONT_FAMILY)
    xhtml2pdf.default.DEFAULT_FONT[FONT_FAMILY] = FONT_FAMILY
    html = report_html(pagecount_footer=True, extra_css=BASE_CSS)

    def render() -> bytes:
        out = io.BytesIO()
        pisa.CreatePDF(html, dest=out)
        return out.getvalue()

    return render


def setup_render_pdf(*, flow: bool = False):
    from workflow.reports.render.cjk import register_cjk_font, render_pdf

    register_cjk_font()
    html = report_html(flow=flow)
    return lambda: render_pdf(html, cover=True)


CONTENDERS = {
    "baseline": setup_baseline,
    "render_pdf": setup_render_pdf,
    "render_pdf_flow": lambda: setup_render_pdf(flow=True),
}


def worker(name: str, runs: int, out: str | None) -> None:
    """Run inside a fresh process: import, font, first render, then `runs` warm renders."""
    t0 = time.perf_counter()
    import xhtml2pdf.pisa  # noqa: F401  (the import cost, counted apart from the font)

    import workflow.reports.render.cjk  # noqa: F401

    t1 = time.perf_counter()
    render = CONTENDERS[name]()
    t2 = time.perf_counter()
    pdf = render()
    t3 = time.perf_counter()
    warm, warm_cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        pdf = render()
        warm.append(time.perf_counter() - start)
        warm_cpu.append(time.process_time() - start_cpu)
    if out:
        Path(out).write_bytes(pdf)
    from pypdf import PdfReader

    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    result = {
        "import": t1 - t0,
        "font": t2 - t1,
        "first": t3 - t2,
        "warm": warm,
        "warm_cpu": warm_cpu,
        "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "pages": pages,
    }
    print(json.dumps(result))


def spawn(name: str, runs: int, out: str | None = None) -> tuple[dict, float, float]:
    """One fresh interpreter: its report, and its wall and CPU time, interpreter start included.

    CPU time is what to trust when other work shares the two cores: wall time then rises with
    the load, CPU time barely does.
    """
    cmd = [sys.executable, __file__, "--worker", name, "--runs", str(runs)]
    if out:
        cmd += ["--out", out]
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    start, before = time.perf_counter(), resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.run(cmd, capture_output=True, text=True, check=True, cwd=ROOT, env=env)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return json.loads(proc.stdout.strip().splitlines()[-1]), wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="warm renders per contender")
    parser.add_argument("--cold", type=int, default=3, help="fresh processes per contender")
    parser.add_argument("--out", help="directory to write the two PDFs to")
    parser.add_argument("--worker", choices=CONTENDERS, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker, args.runs, args.out)
        return
    figures = {name: measure(name, args) for name in CONTENDERS}
    report(figures)


def measure(name: str, args: argparse.Namespace) -> dict:
    out = str(Path(args.out) / f"{name}.pdf") if args.out else None
    warm, _, _ = spawn(name, args.runs, out)
    colds = [spawn(name, 0) for _ in range(args.cold)]

    def median(key: str) -> float:
        return statistics.median(c[key] for c, _, _ in colds)

    return {
        "pages": warm["pages"],
        "warm": statistics.median(warm["warm"]),
        "warm_cpu": statistics.median(warm["warm_cpu"]),
        "cold_wall": statistics.median(wall for _, wall, _ in colds),
        "cold_cpu": statistics.median(cpu for _, _, cpu in colds),
        "import": median("import"),
        "font": median("font"),
        "first": median("first"),
        "peak_mb": warm["maxrss_mb"],
    }


ROWS = [  # key, format, target for render_pdf
    ("pages", "{:.0f}", None),
    ("warm", "{:.3f} s", 0.8),
    ("warm_cpu", "{:.3f} s", 0.8),
    ("cold_wall", "{:.3f} s", 1.6),
    ("cold_cpu", "{:.3f} s", 1.6),
    ("import", "{:.3f} s", None),
    ("font", "{:.3f} s", None),
    ("first", "{:.3f} s", None),
    ("peak_mb", "{:.0f} MB", 150),
]


def report(figures: dict) -> None:
    base = figures["baseline"]
    names = list(figures)
    print(f"{'':12}" + "".join(f"{name:>17}" for name in names) + "  ratio  target")
    for key, fmt, target in ROWS:
        cells = "".join(f"{fmt.format(figures[name][key]):>17}" for name in names)
        new = figures["render_pdf"][key]
        ratio = new / base[key] if base[key] else float("nan")
        goal = "" if target is None else ("ok " if new <= target else "MISSED ") + str(target)
        print(f"{key:12}{cells}{ratio:>7.2f}  {goal}")
    print(
        f"render_pdf against plain xhtml2pdf: {base['warm'] / figures['render_pdf']['warm']:.2f}x "
        f"faster warm, {base['cold_wall'] / figures['render_pdf']['cold_wall']:.2f}x cold."
    )
    print(
        "warm: median of the renders after the first, in one process. cold: a fresh interpreter\n"
        "(start-up, imports, font, one render), median; import/font/first: its parts, wall time.\n"
        "*_cpu: CPU time, which other load on the machine barely changes; wall time it does.\n"
        "peak: ru_maxrss of the warm process. ratio: render_pdf/baseline.\n"
        "render_pdf_flow: the same report with paragraphs allowed to split across pages."
    )


if __name__ == "__main__":
    main()
