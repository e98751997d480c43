"""What the report page and its downloads read: the page's view, the PDF and the Word file."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

import roles
from workflow.accounts.models import User
from workflow.kernel.access import get_visible
from workflow.kernel.errors import Conflict
from workflow.lifecycle.models import Evaluation
from workflow.reports import draft as report_draft
from workflow.reports.checks import Review, review
from workflow.reports.queries import (
    archived_report,
    comments_of,
    problem_dict,
    problems_of,
    render_dict,
    render_of,
    section_dict,
    section_tasks,
    sections_of,
    sections_or_preview,
)
from workflow.reports.render.content import ReportContent
from workflow.reports.render.docx import render_report_docx
from workflow.reports.render.pdf import render_report_pdf


def report_view(session: Session, actor: User, evaluation_id: int) -> dict[str, Any]:
    """The report as the API and the pages show it: sections, problems, checks, comments."""
    evaluation = get_visible(session, actor, evaluation_id)
    sections = sections_of(session, evaluation)
    comments = comments_of(session, evaluation)
    tasks = section_tasks(session, evaluation)
    archive = archived_report(session, evaluation)
    editable = roles.can_edit_report(actor, evaluation)
    # the data can change only while the report is written (scores reopen back to 分析评价)
    checked = review(session, evaluation) if evaluation.state == "reporting" else Review([], {})
    return {
        "evaluation_id": evaluation.id,
        "title": report_draft.report_title(evaluation),
        "state": evaluation.state,
        "round": evaluation.round,
        "editable": editable,
        "can_comment": roles.can_comment_report(actor, evaluation),
        "sections": [
            section_dict(s, n, comments, tasks, checked.changes.get(s.key))
            for n, s in enumerate(sections, start=1)
        ],
        "problems": [problem_dict(p) for p in problems_of(session, evaluation)],
        "checks": [c.as_dict() for c in checked.checks],
        "archived": None
        if archive is None
        else {
            "sha256": archive.sha256,
            "size": archive.size,
            "generated_at": archive.generated_at,
            "docx_sha256": archive.docx_sha256,
            "docx_size": archive.docx_size,
        },
        "archive_render": render_dict(render_of(session, evaluation)),
    }


@dataclass
class ReportFile:
    data: bytes
    filename: str
    sha256: str
    archived: bool = False


def _content(session: Session, evaluation: Evaluation, final: bool = False) -> ReportContent:
    sections = sections_or_preview(session, evaluation)
    problems = problems_of(session, evaluation)
    return ReportContent.of(session, evaluation, sections, problems, final=final)


def _file(data: bytes, evaluation: Evaluation, ext: str, archived: bool = False) -> ReportFile:
    return ReportFile(
        data=data,
        filename=f"{report_draft.report_title(evaluation)}.{ext}",
        sha256=hashlib.sha256(data).hexdigest(),
        archived=archived,
    )


def _stored(files: Any, key: str, sha256: str) -> bytes:
    data = files.read(key)
    if hashlib.sha256(data).hexdigest() != sha256:
        raise Conflict("归档报告文件校验失败（SHA-256 不符），请联系管理员", code="archive_corrupt")
    return data


def archived_pdf(session: Session, evaluation: Evaluation, files: Any) -> ReportFile | None:
    """The signed PDF stored at archive, byte for byte (its SHA-256 checked), or None before."""
    archive = archived_report(session, evaluation)
    if archive is None:
        return None
    data = _stored(files, archive.storage_key, archive.sha256)
    return _file(data, evaluation, "pdf", archived=True)


def _not_yet_signed(session: Session, evaluation: Evaluation) -> None:
    """Archived, but the signed files not stored yet: say so (409), never render them here."""
    job = render_of(session, evaluation)
    if job is not None and job.status == "failed":
        raise Conflict("签发版报告文件生成失败，请联系管理员处理", code="archive_render_failed")
    raise Conflict("签发版报告文件生成中，请稍后再下载", code="archive_rendering")


def report_pdf(session: Session, actor: User, evaluation_id: int, files: Any) -> ReportFile:
    """The report as PDF: the archived file, unchanged, once archived; otherwise rendered now."""
    evaluation = get_visible(session, actor, evaluation_id)
    archived = archived_pdf(session, evaluation, files)
    if archived is not None:
        return archived
    if evaluation.state == "archived":
        _not_yet_signed(session, evaluation)
    return _file(render_report_pdf(_content(session, evaluation)), evaluation, "pdf")


def report_docx(session: Session, actor: User, evaluation_id: int, files: Any) -> ReportFile:
    """The same report as a Word file: once archived, the one signed with the PDF, unchanged.

    A report archived before the Word file was kept gets one rendered now as the final text
    (the sections can no longer change), without the 未经签发 mark and not flagged as signed."""
    evaluation = get_visible(session, actor, evaluation_id)
    archive = archived_report(session, evaluation)
    if archive is not None and archive.docx_storage_key and archive.docx_sha256:
        data = _stored(files, archive.docx_storage_key, archive.docx_sha256)
        return _file(data, evaluation, "docx", archived=True)
    if archive is None and evaluation.state == "archived":
        _not_yet_signed(session, evaluation)
    content = _content(session, evaluation, final=archive is not None)
    return _file(render_report_docx(content), evaluation, "docx")
