"""The report's body format, and the side-by-side comparison of two versions of a section.

A section body is plain text, never HTML: one paragraph per line; a line starting with "- " is a
list item; lines starting with "|" are table rows (cells separated by "|"; a row of dashes under
the first row makes it the header); a short line starting with （一）, （二）… is a sub-heading.
The renderers escape everything, so no markup typed by a user reaches the page.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Any

SUBHEADING = re.compile(r"^（[一二三四五六七八九十]+）")

SEPARATOR_CELL = re.compile(r"^:?-{2,}:?$")

MAX_SUBHEADING = 40


@dataclass
class Block:
    """One block of a section: "heading", "paragraph", "list" or "table"."""

    kind: str
    text: str = ""
    items: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    header: bool = False  # a table whose first row is its header


def cells_of(line: str) -> list[str]:
    inner = line.strip()
    inner = inner[1:] if inner.startswith("|") else inner
    inner = inner[:-1] if inner.endswith("|") else inner
    return [cell.strip() for cell in inner.split("|")]


def is_separator(cells: list[str]) -> bool:
    return all(SEPARATOR_CELL.match(cell) for cell in cells if cell) and any(cells)


def is_subheading(line: str) -> bool:
    return bool(SUBHEADING.match(line)) and len(line) <= MAX_SUBHEADING and "。" not in line


def parse_body(body: str) -> list[Block]:
    """Split a body into blocks (see the module docstring for the format)."""
    blocks: list[Block] = []
    for raw in (body or "").splitlines():
        line = raw.strip()
        if not line:
            blocks.append(Block("break"))
            continue
        last = blocks[-1] if blocks else None
        if line.startswith("- ") or line == "-":
            item = line[2:].strip()
            if last is not None and last.kind == "list":
                last.items.append(item)
            else:
                blocks.append(Block("list", items=[item]))
        elif line.startswith("|"):
            cells = cells_of(line)
            if last is not None and last.kind == "table":
                if len(last.rows) == 1 and not last.header and is_separator(cells):
                    last.header = True
                else:
                    last.rows.append(cells)
            else:
                blocks.append(Block("table", rows=[cells]))
        elif is_subheading(line):
            blocks.append(Block("heading", text=line))
        else:
            blocks.append(Block("paragraph", text=line))
    result = [block for block in blocks if block.kind != "break"]
    for block in result:
        if block.kind == "table":
            width = max(len(row) for row in block.rows)
            block.rows = [row + [""] * (width - len(row)) for row in block.rows]
    return result


def _segments(old: str, new: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Character-level marks inside a changed line: [{"text", "changed"}] for each side."""
    left: list[dict[str, Any]] = []
    right: list[dict[str, Any]] = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        changed = op != "equal"
        if a2 > a1:
            left.append({"text": old[a1:a2], "changed": changed})
        if b2 > b1:
            right.append({"text": new[b1:b2], "changed": changed})
    return left, right


def _side(number: int | None, text: str | None, segments=None) -> dict[str, Any] | None:
    if number is None:
        return None
    changed = segments if segments is not None else [{"text": text or "", "changed": False}]
    return {"line": number, "text": text, "segments": changed}


def diff_rows(old: str, new: str) -> list[dict[str, Any]]:
    """Side-by-side rows: {"op": equal|replace|insert|delete, "left", "right"}.

    Each side is {"line", "text", "segments"} (None where the line does not exist on that side);
    the segments of a replaced line mark the characters that changed.
    """
    a, b = (old or "").splitlines(), (new or "").splitlines()
    rows: list[dict[str, Any]] = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            for i, j in zip(range(a1, a2), range(b1, b2), strict=True):
                left, right = _side(i + 1, a[i]), _side(j + 1, b[j])
                rows.append({"op": "equal", "left": left, "right": right})
            continue
        if op == "replace":
            for k in range(max(a2 - a1, b2 - b1)):
                i, j = a1 + k, b1 + k
                left_text = a[i] if i < a2 else None
                right_text = b[j] if j < b2 else None
                if left_text is not None and right_text is not None:
                    marks = _segments(left_text, right_text)
                    rows.append(
                        {
                            "op": "replace",
                            "left": _side(i + 1, left_text, marks[0]),
                            "right": _side(j + 1, right_text, marks[1]),
                        }
                    )
                elif left_text is not None:
                    rows.append(_one_sided("delete", i + 1, left_text))
                else:
                    rows.append(_one_sided("insert", j + 1, right_text))
            continue
        for i in range(a1, a2):
            rows.append(_one_sided("delete", i + 1, a[i]))
        for j in range(b1, b2):
            rows.append(_one_sided("insert", j + 1, b[j]))
    return rows


def _one_sided(op: str, number: int, text: str) -> dict[str, Any]:
    side = _side(number, text, [{"text": text, "changed": True}])
    if op == "delete":
        return {"op": op, "left": side, "right": None}
    return {"op": op, "left": None, "right": side}
