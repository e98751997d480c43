"""The file store (文件存储): uploads kept under generated keys, never a user's path, and checked
by content before they are kept.
"""

from __future__ import annotations

import io
import uuid
import zipfile
from pathlib import Path
from typing import BinaryIO

from sqlalchemy.orm import Session

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
    "txt": "text/plain; charset=utf-8",
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


def keep(session: Session, store: DocumentStore, data: bytes) -> str:
    """Store the file of a row written in this transaction; it goes again if the transaction
    rolls back, so no file is left without its row."""
    key = store.save(data)
    after_rollback(session, lambda: store.delete(key))
    return key


def display_name(filename: str) -> str:
    """The file's own name without any directory part the browser may have sent."""
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1].strip().lstrip(".")
    return name[-200:]


def _content_matches(ext: str, data: bytes) -> bool:
    """Check the bytes really are what the extension claims (a renamed .exe is refused)."""
    if ext == "pdf":
        return data.startswith(b"%PDF-")
    if ext in ("doc", "xls"):
        return data.startswith(_OLE)
    if ext in ("docx", "xlsx"):
        return _is_office_zip(data, "word/" if ext == "docx" else "xl/")
    if ext in ("jpg", "jpeg"):
        return data.startswith(b"\xff\xd8\xff")
    if ext == "png":
        return data.startswith(b"\x89PNG\r\n\x1a\n")
    return _is_text(data)


def _is_office_zip(data: bytes, folder: str) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return any(n.startswith(folder) for n in archive.namelist())
    except zipfile.BadZipFile:
        return False


def _is_text(data: bytes) -> bool:
    if b"\x00" in data:
        return False
    for encoding in ("utf-8", "gb18030"):
        try:
            data.decode(encoding)
            return True
        except UnicodeDecodeError:
            continue
    return False


def read_limited(stream: BinaryIO, max_bytes: int) -> bytes:
    data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise InvalidInput(
            f"文件超过大小上限（{max_bytes // (1024 * 1024)} MB）", code="file_too_large"
        )
    return data
