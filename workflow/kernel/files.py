"""The file store (文件存储): uploads kept under generated keys, never a user's path, and checked
by content before they are kept.
"""

from __future__ import annotations

import io
import re
import time
import unicodedata
import uuid
import zipfile
from datetime import timedelta
from pathlib import Path
from typing import BinaryIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflow.kernel.base import Base
from workflow.kernel.db import after_rollback
from workflow.kernel.errors import InvalidInput

DEFAULT_MAX_BYTES = 20 * 1024 * 1024

ALLOWED = {
    "pdf": "application/pdf",
    "doc": "application/msword",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xls": "application/vnd.ms-excel",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "txt": "text/plain",  # the charset is the file's own (`content_type`)
}

ALLOWED_LABEL = "pdf、doc、docx、xls、xlsx、jpg、png、txt"

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class DocumentStore:
    """Files on disk under `root`, named by a random key: no user-supplied path is ever used."""

    def __init__(self, root: str | Path, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.root = Path(root)
        self.max_bytes = max_bytes

    def path(self, key: str) -> Path:
        return self.root / key[:2] / key

    def save(self, data: bytes) -> str:
        key = uuid.uuid4().hex
        target = self.path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(".part")
        tmp.write_bytes(data)
        tmp.replace(target)
        return key

    def read(self, key: str) -> bytes:
        return self.path(key).read_bytes()

    def delete(self, key: str) -> None:
        self.path(key).unlink(missing_ok=True)


def referenced_keys(session: Session) -> set[str]:
    """Every key a row refers to: the `storage_key` column of each table that has one
    (documents, archived reports…), so a new kind of stored file is covered by naming its
    column so."""
    keys: set[str] = set()
    for table in Base.metadata.tables.values():
        if "storage_key" in table.c:
            keys.update(session.scalars(select(table.c.storage_key)))
    return keys


# A file is swept only once older than this: the transaction that wrote it has long since
# committed (its row exists) or died (kill -9 between the file and the commit).
GC_MIN_AGE = timedelta(minutes=30)


def sweep_orphans(
    session: Session, store: DocumentStore, older_than: timedelta = GC_MIN_AGE, dry_run=False
) -> list[Path]:
    """清理孤立文件: delete stored files no row refers to, and half-written `.part` files,
    older than `older_than`; safe at any time, beside running requests. Returns them."""
    cutoff = time.time() - older_than.total_seconds()
    old = [p for p in store.root.glob("*/*") if p.is_file() and p.stat().st_mtime < cutoff]
    if not old:
        return []
    keys = referenced_keys(session)  # read after listing: a row committed meanwhile counts
    orphans = [p for p in old if p.suffix == ".part" or p.name not in keys]
    if not dry_run:
        for path in orphans:
            path.unlink(missing_ok=True)
    return orphans


def keep(session: Session, store: DocumentStore, data: bytes) -> str:
    """Store the file of a row written in this transaction; it goes again if the transaction
    rolls back, so no file is left without its row."""
    key = store.save(data)
    after_rollback(session, lambda: store.delete(key))
    return key


# Control, format (bidi overrides such as U+202E, zero-width marks) and surrogate characters:
# never part of a name a person typed, and a way to disguise one ("exe.txt" shown as "txt.exe").
_HIDDEN_CATEGORIES = ("Cc", "Cf", "Cs")


def clean_name(name: str) -> str:
    """`name` without control, bidi or surrogate characters (a line break or tab: a space)."""
    return "".join(
        " " if ch in "\t\r\n" else ch
        for ch in (name or "")
        if ch in "\t\r\n" or unicodedata.category(ch) not in _HIDDEN_CATEGORIES
    )


def display_name(filename: str) -> str:
    """The file's own name, without any directory part the browser may have sent, or any
    control or bidi character (what `Content-Disposition` later carries, RFC 5987 encoded)."""
    name = clean_name(filename).replace("\\", "/").rsplit("/", 1)[-1].strip().lstrip(".")
    return name[-200:]


def content_type(ext: str, data: bytes) -> str:
    """The type a stored file is sent with; a text file names the one charset it is in."""
    if ext == "txt":
        return f"text/plain; charset={_text_encoding(data)}"
    return ALLOWED[ext]


def _content_matches(ext: str, data: bytes) -> bool:
    """Check the bytes really are what the extension claims, by content, not by name: a
    renamed .exe, HTML behind a .pdf, an Office file carrying a program are refused."""
    if _looks_like_html(data):
        return False
    if ext == "pdf":
        return data.startswith(b"%PDF-")
    if ext in ("doc", "xls"):
        return data.startswith(_OLE)
    if ext in ("docx", "xlsx"):
        return _is_office_zip(data, OFFICE_PARTS[ext])
    if ext in ("jpg", "jpeg"):
        return data.startswith(b"\xff\xd8\xff")
    if ext == "png":
        return data.startswith(b"\x89PNG\r\n\x1a\n")
    return _text_encoding(data) is not None


# What a browser would render as a page if it sniffed the file: looked for near the start.
_HTML = re.compile(
    rb"<(?:!doctype\s+html|html|head|body|script|iframe|svg|object|embed)[\s>/]", re.I
)
SNIFF_BYTES = 1024


def _looks_like_html(data: bytes) -> bool:
    return bool(_HTML.search(data[:SNIFF_BYTES]))


# The part each Office format must have; members no document needs are refused (programs,
# macros). The central directory is read, no member is inflated.
OFFICE_PARTS = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml"}
_PROGRAM = re.compile(
    r"(?:\.(?:exe|dll|com|scr|bat|cmd|msi|ps1|vbs|vbe|js|jse|wsf|hta|jar|lnk|sh)$)"
    r"|(?:^|/)vbaProject\.bin$",
    re.I,
)
MAX_OFFICE_MEMBERS = 5000
MAX_OFFICE_INFLATED = 512 * 1024 * 1024  # declared, unpacked: beyond it, a zip bomb


def _is_office_zip(data: bytes, part: str) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return False
    names = {m.filename for m in members}
    return (
        "[Content_Types].xml" in names
        and part in names
        and len(members) <= MAX_OFFICE_MEMBERS
        and sum(m.file_size for m in members) <= MAX_OFFICE_INFLATED
        and not any(_PROGRAM.search(name) or name.startswith("/") or ".." in name for name in names)
    )


def _text_encoding(data: bytes) -> str | None:
    """The one charset a text file is in (UTF-8, else GB18030 as Windows saves Chinese), or
    None if it is not text."""
    if b"\x00" in data:
        return None
    for encoding in ("utf-8", "gb18030"):
        try:
            data.decode(encoding)
            return encoding
        except UnicodeDecodeError:
            continue
    return None


def read_limited(stream: BinaryIO, max_bytes: int) -> bytes:
    data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise InvalidInput(
            f"文件超过大小上限（{max_bytes // (1024 * 1024)} MB）", code="file_too_large"
        )
    return data
