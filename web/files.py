"""Uploaded files: the instance's store, and sending a stored file back."""

from __future__ import annotations

from flask import Flask, current_app, send_file

from web.rest import session
from workflow.documents import operations as documents
from workflow.kernel import files as file_store

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
