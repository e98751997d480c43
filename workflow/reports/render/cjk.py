"""Render report HTML to an A4 PDF with an embedded Chinese font and "第 x 页 / 共 y 页" footers.

Why it is built this way:
- ReportLab embeds TrueType-outline fonts only: OpenType CJK fonts with CFF outlines (Noto CJK)
  fail, and the built-in ``STSong-Light`` is not embedded at all.
- The font that is always there is WenQuanYi Micro Hei (a 黑体) from the pip package
  ``paperang-p2-fonts-cjk``, so the install needs no root step; ReportLab embeds it as a subset
  TrueType font that ``pdftotext`` reads back. Where a deployment installed the AR PL 宋体 and
  楷体 (Debian ``fonts-arphic-uming``, ``fonts-arphic-ukai``), body text is set in the 宋体 and
  sub-headings in the 楷体, as official documents are, and titles, headings and table headers
  stay in the 黑体; a document with a character the 宋体 lacks is set in the 黑体 throughout,
  so no character is ever drawn as an empty box.
- Lines break where Chinese typesetting allows: never inside a number, date-time, percentage or
  Latin word, never before closing punctuation or after opening punctuation, and no paragraph
  ends with a line of one lone character (`rule_breaks`).
- xhtml2pdf lays the document out twice when ``<pdf:pagecount/>`` is used. We lay it out once,
  without page numbers, then stamp the numbers onto the finished pages with pypdf.
- xhtml2pdf's CJK line breaking builds one Python object per character; a faster replacement
  (the same lines as upstream with the rules off), and fixes for splitting a CJK paragraph
  across pages, are installed for the xhtml2pdf version they were checked against.
"""

from __future__ import annotations

import bisect
import functools
import io
import itertools
import logging
from importlib.resources import files
from pathlib import Path
from typing import Any

import xhtml2pdf
import xhtml2pdf.default
import xhtml2pdf.reportlab_paragraph as rl_paragraph
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DecodedStreamObject, DictionaryObject, NameObject
from reportlab import rl_config
from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import tables
from xhtml2pdf import pisa

try:  # ReportLab's C helpers: about 20 % off the layout when installed (they are a dependency).
    import _rl_accel  # noqa: F401
except ImportError:  # pragma: no cover - the pure-Python paths still work
    logging.getLogger(__name__).warning("rl_accel is not installed: PDF rendering is slower")

log = logging.getLogger(__name__)

#: The 黑体 family, always available (``font-family: jixiao-cjk``); BASE_CSS uses it for titles,
#: headings, table headers and the class ``hei``, and for everything without the faces below.
FONT_FAMILY = "jixiao-cjk"

#: The 宋体 (body text) and 楷体 (sub-headings) families, used where their fonts are installed.
SONG_FAMILY = "jixiao-song"

KAI_FAMILY = "jixiao-kai"

#: Where Debian installs them (``fonts-arphic-uming``, ``fonts-arphic-ukai``); face 0 is the
#: simplified-Chinese (CN) one of each collection.
SYSTEM_FONTS = {
    SONG_FAMILY: "/usr/share/fonts/truetype/arphic/uming.ttc",
    KAI_FAMILY: "/usr/share/fonts/truetype/arphic/ukai.ttc",
}

#: Names a hand-written template may use, drawn with the same face (a 黑体: no pip package has a
#: TrueType 宋体), so that none falls back to a Helvetica without Chinese glyphs.
FONT_ALIASES = ("simsun", "宋体", "simhei", "黑体", "microsoft yahei", "微软雅黑")

FOOTER_FONT_SIZE = 10.5  # 五号

#: 2 cm above the bottom edge: inside PAGE_CSS's 3.5 cm margin. A template with its own @page
#: needs a bottom margin of 2.5 cm or more to keep its text clear of the footer.
FOOTER_BASELINE = 2.0 * 72 / 2.54

#: A4 with the margins of official documents (GB/T 9704: 37/26/35/28 mm); used unless the
#: document has an @page rule of its own (two would define the same page template twice).
PAGE_CSS = "@page { size: a4 portrait; margin: 3.7cm 2.6cm 3.5cm 2.8cm; }"

#: Under the document's own styles: the font, CJK wrapping, and an official report's look.
#: No page-break-after: avoid on headings: ReportLab then keeps a heading and a table longer than
#: a page together by breaking the page first, leaving a blank page before the 评分表.
BASE_CSS = """
html {{ font-family: {body}; font-size: 12pt; line-height: 1.6; -pdf-word-wrap: CJK; }}
pre, code, kbd, samp, tt {{ font-family: {body}; }}
h1, h2, th, .hei {{ font-family: {hei}; }}
h3, h4, .kai {{ font-family: {kai}; }}
p {{ margin: 0 0 4pt 0; text-indent: 2em; }}
h1 {{ font-size: 22pt; text-align: center; margin: 0 0 18pt 0; }}
h2 {{ font-size: 16pt; margin: 14pt 0 8pt 0; }}
h3 {{ font-size: 14pt; margin: 10pt 0 6pt 0; }}
h4 {{ font-size: 12pt; margin: 8pt 0 4pt 0; }}
table {{ width: 100%; margin: 6pt 0; }}
th, td {{ border: 0.5pt solid #000; padding: 3pt 4pt 2pt 4pt; font-size: 10.5pt;
          line-height: 1.3; text-align: center; vertical-align: middle; }}
th {{ background-color: #eeeeee; }}
td p, th p {{ text-indent: 0; margin: 0; }}
"""

#: Upstream xhtml2pdf crashes on a CJK paragraph split at a page break (LayoutError, or a
#: TypeError inside its drawing). The patches below fix that; where they are not installed (an
#: xhtml2pdf they were not checked against), paragraphs move whole to the next page instead.
NO_SPLIT_CSS = "p { page-break-inside: avoid; }"


class PdfRenderError(RuntimeError):
    """xhtml2pdf reported errors: a bug in the template, not in the user's input."""


@functools.cache
def font_path() -> str:
    """The .ttc file inside the installed ``paperang-p2-fonts-cjk`` wheel."""
    return str(files("paperang_p2_fonts_cjk").joinpath("fonts", "wqy-microhei.ttc"))


def _register(family: str, path: str) -> None:
    pdfmetrics.registerFont(TTFont(family, path, subfontIndex=0))
    # There is no bold or italic face: every variant maps to the same one.
    for bold in (0, 1):
        for italic in (0, 1):
            addMapping(family, bold, italic, family)
    # ReportLab alone is not enough: xhtml2pdf looks families up in its own table.
    xhtml2pdf.default.DEFAULT_FONT[family] = family


@functools.cache
def system_families() -> tuple[str, ...]:
    """Register the installed 宋体/楷体 faces once per process; the families registered."""
    register_cjk_font()
    found = []
    for family, path in SYSTEM_FONTS.items():
        if Path(path).is_file():
            _register(family, path)
            found.append(family)
    return tuple(found)


def families_for(html: str) -> dict[str, str]:
    """The families of this document: body, kai, hei. A system face that lacks one of the
    document's characters is left out (the 黑体 has them: no empty boxes)."""
    needed = {ord(c) for c in set(html) if c.isprintable()}  # not the line ends
    usable = {
        family
        for family in system_families()
        if needed <= pdfmetrics.getFont(family).face.charToGlyph.keys()
    }
    body = SONG_FAMILY if SONG_FAMILY in usable else FONT_FAMILY
    kai = KAI_FAMILY if KAI_FAMILY in usable else body
    return {"body": body, "kai": kai, "hei": FONT_FAMILY}


@functools.cache
def register_cjk_font() -> str:
    """Register the CJK face once per process (parsing it costs ~0.1 s); return its name."""
    _register(FONT_FAMILY, font_path())
    for name in FONT_ALIASES:
        xhtml2pdf.default.DEFAULT_FONT[name] = FONT_FAMILY
    # Tables and fresh canvases select a default font even when they draw no text with it,
    # which would list a non-embedded Helvetica in every document.
    rl_config.canvas_basefontname = FONT_FAMILY
    if tables.CellStyle.fontname == "Helvetica":
        tables.CellStyle.fontname = FONT_FAMILY
    _install_cjk_patches()
    return FONT_FAMILY


def render_pdf(
    html: str,
    *,
    page_numbers: bool = True,
    cover: bool = False,
    title: str | None = None,
    author: str | None = None,
) -> bytes:
    """Render `html` (CSS in a <style> block) to PDF bytes.

    `page_numbers` stamps "第 x 页 / 共 y 页" centred at the foot of every page. With `cover`,
    the first page is a cover: it gets no number and is not counted, so the page after it is
    第 1 页 and the total excludes it. `title` and `author` go into the document information
    (a Chinese <title> in the HTML would make xhtml2pdf warn on every render).
    """
    register_cjk_font()
    pdf = _layout(html)
    if not page_numbers and title is None and author is None:
        return pdf
    return finish(pdf, page_numbers=page_numbers, skip_first=cover, title=title, author=author)


def _layout(html: str) -> bytes:
    """One xhtml2pdf pass, with BASE_CSS (in this document's families) under its own styles."""
    css = xhtml2pdf.default.DEFAULT_CSS + BASE_CSS.format(**families_for(html))
    if "@page" not in html:
        css += PAGE_CSS
    if not cjk_patches_installed():
        css += NO_SPLIT_CSS
    out = io.BytesIO()
    result = pisa.pisaDocument(html, dest=out, encoding="utf-8", default_css=css)
    if result.err:
        raise PdfRenderError(f"xhtml2pdf reported {result.err} error(s)")
    return out.getvalue()


def stamp_page_numbers(pdf: bytes, *, skip_first: bool = False) -> bytes:
    """Draw "第 x 页 / 共 y 页" on finished pages, without laying the document out again."""
    return finish(pdf, page_numbers=True, skip_first=skip_first)


def finish(
    pdf: bytes,
    *,
    page_numbers: bool,
    skip_first: bool = False,
    title: str | None = None,
    author: str | None = None,
) -> bytes:
    """The finished pages with their footers stamped and the document information set.

    The footers are drawn by ReportLab on a small overlay document in the same font, and each
    overlay page is added to its page as a form XObject: the page's own content stream is not
    parsed or rewritten, which keeps this at a few milliseconds a page.
    """
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    info = {"/Title": title, "/Author": author}
    writer.add_metadata({key: value for key, value in info.items() if value})
    if page_numbers:
        _stamp(writer, skip_first)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _stamp(writer: PdfWriter, skip_first: bool) -> None:
    pages = list(writer.pages)[1 if skip_first else 0 :]
    overlay = PdfReader(io.BytesIO(_footer_overlay(pages)))
    for page, footer in zip(pages, overlay.pages, strict=True):
        _add_form(writer, page, footer)
    if skip_first and pages:
        # Viewers then show the same numbers as the footers: 封面, 1, 2, ...
        writer.set_page_label(0, 0, prefix="封面")
        writer.set_page_label(1, len(writer.pages) - 1, style="/D", start=1)


def _footer_overlay(pages: list[Any]) -> bytes:
    """One overlay page per numbered page, each the size of its page."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, initialFontName=FONT_FAMILY, pageCompression=0)
    total = len(pages)
    for number, page in enumerate(pages, start=1):
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        canvas.setPageSize((width, height))
        canvas.setFont(FONT_FAMILY, FOOTER_FONT_SIZE)
        canvas.drawCentredString(width / 2, FOOTER_BASELINE, f"第 {number} 页 / 共 {total} 页")
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _add_form(writer: PdfWriter, page: Any, footer: Any) -> None:
    """Draw `footer` (an overlay page) on `page` as a form XObject named /JxFooter."""
    form = DecodedStreamObject()
    form.set_data(footer.get_contents().get_data())
    form.update(
        {
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Form"),
            NameObject("/BBox"): footer.mediabox,
            NameObject("/Resources"): footer["/Resources"].clone(writer),
        }
    )
    # Resources may be shared between pages: give this page its own copy of both levels.
    resources = DictionaryObject(page.get("/Resources", DictionaryObject()).get_object())
    xobjects = DictionaryObject(resources.get("/XObject", DictionaryObject()).get_object())
    xobjects[NameObject("/JxFooter")] = writer._add_object(form)
    resources[NameObject("/XObject")] = xobjects
    page[NameObject("/Resources")] = resources
    # q ... Q around the page's own content so its graphics state cannot leak into the footer.
    contents = page.get("/Contents")
    streams = contents.get_object() if contents is not None else ArrayObject()
    if not isinstance(streams, ArrayObject):
        streams = ArrayObject([contents])
    page[NameObject("/Contents")] = ArrayObject(
        [_stream(writer, b"q\n"), *streams, _stream(writer, b"Q\nq /JxFooter Do Q\n")]
    )


def _stream(writer: PdfWriter, data: bytes) -> Any:
    stream = DecodedStreamObject()
    stream.set_data(data)
    return writer._add_object(stream)


#: xhtml2pdf versions these patches were checked against (tests/reports/test_pdf.py compares
#: the output).
_CHECKED_XHTML2PDF = {"0.2.28"}

_original_cjk_split = rl_paragraph.cjkFragSplit

_original_break_lines_cjk = rl_paragraph.Paragraph.breakLinesCJK

_original_split_func = rl_paragraph.Paragraph._get_split_blParaFunc


def cjk_patches_installed() -> bool:
    """Whether CJK paragraphs may split across pages (the split fixes below are in place)."""
    return rl_paragraph.Paragraph.breakLinesCJK is _break_lines_cjk


def _install_cjk_patches() -> None:
    if xhtml2pdf.__version__ not in _CHECKED_XHTML2PDF:
        log.warning("xhtml2pdf %s: CJK line-breaking patches not applied", xhtml2pdf.__version__)
        return
    rl_paragraph.cjkFragSplit = fast_cjk_frag_split
    rl_paragraph.Paragraph.breakLinesCJK = _break_lines_cjk
    rl_paragraph.Paragraph._get_split_blParaFunc = _split_func


def _break_lines_cjk(self, width):
    preset = self.__dict__.get("blPara")
    if (
        getattr(self, "_splitpara", 0)
        and _has_frag_lines(preset)
        and getattr(preset, "aW", None) == self.width
    ):
        return preset  # the first half of a split keeps the lines it was measured with
    if len(self.frags) == 1 and isinstance(getattr(self.frags[0], "text", None), str):
        return _break_one_frag(self, width)
    return _original_break_lines_cjk(self, width)


def _break_one_frag(self, width):
    """Upstream's one-frag path returns str lines that its drawing joins as bytes (TypeError):
    the second half of a split paragraph with a single line left hits it. Use the frag path."""
    max_widths = list(width) if isinstance(width, list | tuple) else [width]
    rl_paragraph._handleBulletWidth(self.bulletText, self.style, max_widths, rtl=self.dir == "rtl")
    auto_leading = getattr(self, "autoLeading", getattr(self.style, "autoLeading", ""))
    calc_bounds = auto_leading not in {"", "off"}
    return rl_paragraph.cjkFragSplit(self.frags, max_widths, calc_bounds, self.encoding)


def _has_frag_lines(para_lines) -> bool:
    """Lines of the multi-frag kind, from a split (which records the width as aW)."""
    lines = getattr(para_lines, "lines", None)
    return bool(lines) and isinstance(lines[0], rl_paragraph.FragLine)


def _split_func(self):
    if self.blPara.kind == 1 and self.style.wordWrap == "CJK":
        return _split_cjk_lines
    return _original_split_func(self)


def _split_cjk_lines(blPara, start: int, stop: int) -> list:
    """The words of lines start..stop as frags; CJK lines end without a space to restore."""
    return [word for line in blPara.lines[start:stop] for word in line.words]


#: Closing punctuation and marks that may not start a line (避头): upstream's list has the ASCII
#: ones and 、。but not the full-width ，：；？！ nor ）》 and more.
CANNOT_START = frozenset(rl_paragraph.ALL_CANNOT_START) | frozenset(
    "，：；？！…‥）》〉」』】〗〕］｝’”%％‰℃·・～ \u00a0"
)

#: Opening punctuation that may not end a line (避尾).
CANNOT_END = frozenset("（《〈「『【〖〔［｛‘“([{")

#: Characters of one value: a number, a date, a time, a percentage, a Latin word or a code.
VALUE_CHARS = frozenset("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.,:/-+_")

#: Units that stay with the number before them ("12.3万元", "2100路", "2026年").
UNITS = frozenset("万亿千百元个份分路项人次户年月日时秒")

#: Whether the line-breaking rules apply; off, lines break exactly as upstream (the test of
#: the fast path compares the two).
LINE_RULES = True


def may_break(chars: list[str], b: int) -> bool:
    """May a line end before chars[b]? Not inside a value, not between a number and its unit,
    and `punctuation_allows` it."""
    before, after = chars[b - 1], chars[b]
    if not punctuation_allows(chars, b):
        return False
    if before in VALUE_CHARS and after in VALUE_CHARS:
        return False
    if after in UNITS and _follows_number(chars, b):
        return False
    # "2026-12-02 04:42": the space between a date and a time belongs to the value
    return not (before == " " and b >= 2 and chars[b - 2].isdigit() and after.isdigit())


def punctuation_allows(chars: list[str], b: int) -> bool:
    """Not before closing punctuation (避头), not after opening punctuation (避尾)."""
    return chars[b] != "" and chars[b] not in CANNOT_START and chars[b - 1] not in CANNOT_END


def _after_space(chars: list[str], b: int) -> bool:
    return chars[b - 1] == " " and punctuation_allows(chars, b)


#: Where a line that cannot hold a whole value breaks: at an allowed place if there is one,
#: else after a space inside the value ("2026-12-02 | 04:42"), else anywhere the punctuation
#: allows; only a run without any of these is cut where the line is full.
BREAK_CHOICES = (may_break, _after_space, punctuation_allows)


def _follows_number(chars: list[str], b: int) -> bool:
    """chars[b] comes right after a number, or after a number and one unit ("12.3万|元")."""
    before = chars[b - 1]
    return before.isdigit() or (before in UNITS and b >= 2 and chars[b - 2].isdigit())


def rule_breaks(chars: list[str], widths: list[float], max_widths: list[float]) -> list[int]:
    """Where each line starts (and the end), with `may_break` kept wherever a line can hold
    the text up to an allowed break; a last line of one lone character takes one more."""
    starts = [0]
    used = 0.0
    for i, w in enumerate(widths):
        limit = max_widths[min(len(starts) - 1, len(max_widths) - 1)] + rl_paragraph._FUZZ
        used += w
        if used > limit and i > starts[-1]:
            b = _break_before(chars, starts[-1], i)
            starts.append(b)
            used = sum(widths[b : i + 1])
    starts.append(len(chars))
    _no_lone_last_character(chars, widths, max_widths, starts)
    return starts


def _break_before(chars: list[str], start: int, i: int) -> int:
    """The last place in start+1..i where the line may end (see BREAK_CHOICES)."""
    for allowed in BREAK_CHOICES:
        b = next((b for b in range(i, start, -1) if allowed(chars, b)), None)
        if b is not None:
            return b
    return i


def _no_lone_last_character(
    chars: list[str], widths: list[float], max_widths: list[float], starts: list[int]
) -> None:
    if len(starts) < 3:
        return
    last = starts[-2]
    if sum(1 for c in chars[last:] if c and c not in CANNOT_START) > 1:
        return
    earlier = next((b for b in range(last - 1, starts[-3] + 1, -1) if may_break(chars, b)), None)
    width = max_widths[min(len(starts) - 2, len(max_widths) - 1)] + rl_paragraph._FUZZ
    if earlier is not None and sum(widths[earlier:]) <= width:
        starts[-2] = earlier


def fast_cjk_frag_split(frags, maxWidths, calcBounds, encoding="utf8"):
    """Same lines as xhtml2pdf's ``cjkFragSplit`` (with `LINE_RULES` off), without an object
    per character; with the rules, no value is split and no line starts with closing
    punctuation (see `may_break`)."""
    if any(hasattr(f, "cbDefn") or hasattr(f, "lineBreak") for f in frags):
        return _original_cjk_split(frags, maxWidths, calcBounds, encoding)
    chars, widths, runs = _measure(frags, encoding)
    if LINE_RULES:
        starts = rule_breaks(chars, widths, maxWidths)
        lines = []
        for n, (start, end) in enumerate(itertools.pairwise(starts)):
            max_width = maxWidths[min(n, len(maxWidths) - 1)]
            lines.append(_make_line(runs, start, end, max_width - sum(widths[start:end])))
        return rl_paragraph.ParaLines(kind=1, lines=lines)
    lines = []
    cannot_start = rl_paragraph.ALL_CANNOT_START
    limit = maxWidths[0] + rl_paragraph._FUZZ
    max_width = maxWidths[0]
    width_used = line_start = 0
    for i, w in enumerate(widths):
        width_used += w
        if width_used > limit and width_used > 0:
            extra_space = max_width - width_used + w
            end = i
            if chars[i] in cannot_start:  # hangs in the margin ('' counts too, as upstream)
                extra_space -= w
                end = i + 1
            lines.append(_make_line(runs, line_start, end, extra_space))
            max_width = maxWidths[min(len(lines), len(maxWidths) - 1)]
            limit = max_width + rl_paragraph._FUZZ
            line_start = end
            width_used = w
    if width_used > 0:
        lines.append(_make_line(runs, line_start, len(widths), max_width - width_used))
    return rl_paragraph.ParaLines(kind=1, lines=lines)


class _Runs:
    """The frags laid end to end: run k covers characters starts[k] to ends[k]."""

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []
        self.frags: list[Any] = []
        self.texts: list[str] = []


def _measure(frags, encoding: str) -> tuple[list[str], list[float], _Runs]:
    """Characters and widths as upstream lists them: an empty frag counts as one '' of width 0."""
    string_width = rl_paragraph.stringWidth
    chars: list[str] = []
    widths: list[float] = []
    runs = _Runs()
    for f in frags:
        text = f.text if isinstance(f.text, str) else f.text.decode(encoding)
        runs.starts.append(len(chars))
        if text:
            known = {c: string_width(c, f.fontName, f.fontSize) for c in set(text)}
            chars.extend(text)
            widths.extend(map(known.__getitem__, text))
        else:
            chars.append("")
            widths.append(string_width("", f.fontName, f.fontSize))
        runs.ends.append(len(chars))
        runs.frags.append(f)
        runs.texts.append(text)
    return chars, widths, runs


def _make_line(runs: _Runs, start: int, end: int, extra_space: float):
    """upstream makeCJKParaLine for characters start..end, one step per run instead of per char."""
    words = []
    pending: list[str] = []
    f0: Any = rl_paragraph.FragLine()
    max_size = max_ascent = min_descent = 0
    k = bisect.bisect_right(runs.starts, start) - 1 if start < end else len(runs.starts)
    while k < len(runs.starts) and runs.starts[k] < end:
        f, first = runs.frags[k], runs.starts[k]
        ascent, descent = rl_paragraph.getAscentDescent(f.fontName, f.fontSize)
        max_size = max(max_size, f.fontSize)
        max_ascent = max(max_ascent, ascent)
        min_descent = min(min_descent, descent)
        if not rl_paragraph._sameFrag(f0, f):
            word = f0.clone()
            word.text = "".join(pending)
            words.append(word)
            pending = []
            f0 = f
        pending.append(runs.texts[k][max(start, first) - first : min(end, runs.ends[k]) - first])
        k += 1
    if pending:
        word = f0.clone()
        word.text = "".join(pending)
        words.append(word)
    return rl_paragraph.FragLine(
        kind=1,
        extraSpace=extra_space,
        wordCount=1,
        words=words[1:],
        fontSize=max_size,
        ascent=max_ascent,
        descent=min_descent,
    )
