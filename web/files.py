"""Uploaded files: the instance's store, and sending a stored file back."""

from __future__ import annotations

from flask import Flask, current_app, send_file

from web.rest import session
from workflow.documents import operations as documents
from workflow.kernel import files as file_store
from workflow.kernel.errors import InvalidInput

# Files in one upload (each still within the size limit, the request within its own): several
# 佐证材料 at once, not an unbounded number of rows and audit entries from one request.
MAX_FILES = 20

# The content types of the files the app sends, as uploads know them.
PDF = file_store.ALLOWED["pdf"]
DOCX = file_store.ALLOWED["docx"]
XLSX = file_store.ALLOWED["xlsx"]


def store(app: Flask | None = None) -> file_store.DocumentStore:
    """The instance's file store (of the current app, or of `app` outside a request)."""
    config = (app or current_app).config
    return file_store.DocumentStore(config["UPLOAD_DIR"], config["MAX_UPLOAD_BYTES"])


def send_document(user, evaluation_id: int, document_id: int):
    doc = documents.get_document(session(), user, evaluation_id, document_id)
    response = send_file(
        store().path(doc.storage_key),
        as_attachment=True,
        # cleaned again: names stored before the cleaning existed; werkzeug writes the
        # Chinese as RFC 5987 `filename*=UTF-8''…`
        download_name=file_store.display_name(doc.filename) or "file",
    )
    response.content_type = doc.content_type  # as stored: one charset, never a second
    response.headers["X-Content-SHA256"] = doc.sha256
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def uploaded(field) -> list:
    """The files actually chosen in a multiple-file field (browsers send one empty part when
    none is); more than `MAX_FILES` is refused before any is stored."""
    chosen = [f for f in field.data or [] if getattr(f, "filename", "")]
    if len(chosen) > MAX_FILES:
        raise InvalidInput(f"一次最多上传 {MAX_FILES} 个文件（本次选择了 {len(chosen)} 个）")
    return chosen
