"""Uploads are judged by their content, not their name: HTML behind a .pdf, a program inside a
.docx, a zip bomb are refused (Office files read as zip without inflating a member); names lose
control and bidi characters before `Content-Disposition` (RFC 5987 for the Chinese); a .txt is
sent with the one charset it is in."""

from __future__ import annotations

import io
import zipfile
from urllib.parse import quote

import pytest

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def office(ext: str, *extra: tuple[str, bytes]) -> bytes:
    part = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml"}[ext]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(part, "<document/>")
        for name, data in extra:
            archive.writestr(name, data)
    return out.getvalue()


def upload(api, team, data: bytes, name: str):
    return api.as_(team.leader).post(
        f"/api/v1/evaluations/{team.evaluation.id}/documents",
        data={"category": "basis", "file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def download(api, team, document_id: int):
    return api.as_(team.leader).get(
        f"/api/v1/evaluations/{team.evaluation.id}/documents/{document_id}"
    )


@pytest.mark.parametrize(
    "data, name",
    [
        (b"%PDF-1.4\n<html><script>alert(1)</script></html>", "方案.pdf"),
        (b"<!DOCTYPE html><html><body>x</body></html>", "方案.pdf"),
        (b"<html><script>alert(1)</script></html>", "说明.txt"),
        (b"\xff\xd8\xff\xe0<svg onload=alert(1)>", "照片.jpg"),
        (office("docx", ("word/embeddings/setup.exe", b"MZ\x90\x00")), "方案.docx"),
        (office("docx", ("word/vbaProject.bin", b"\xd0\xcf\x11\xe0")), "方案.docx"),
        (office("xlsx", ("xl/run.bat", b"del *")), "表.xlsx"),
        (office("xlsx"), "方案.docx"),  # a spreadsheet named as a document
        (b"PK\x03\x04not really a zip", "方案.docx"),
    ],
    ids=[
        "html-in-pdf",
        "html-as-pdf",
        "html-as-txt",
        "svg-in-jpg",
        "exe-in-docx",
        "macro-in-docx",
        "bat-in-xlsx",
        "xlsx-as-docx",
        "broken-zip",
    ],
)
def test_content_not_matching_its_extension_is_refused(api, team, data, name):
    res = upload(api, team, data, name)
    assert res.status_code == 400
    assert res.json["code"] == "file_type"


def test_a_zip_bomb_is_refused_without_inflating_it(api, team, monkeypatch):
    from workflow.kernel import files

    monkeypatch.setattr(files, "MAX_OFFICE_INFLATED", 1024 * 1024)
    bomb = office("docx", ("word/media/zeros.bin", b"\0" * (2 * 1024 * 1024)))
    assert len(bomb) < 64 * 1024
    assert upload(api, team, bomb, "方案.docx").status_code == 400


def test_real_office_files_are_kept(api, team):
    for data, name in ((office("docx"), "方案.docx"), (office("xlsx"), "表.xlsx")):
        assert upload(api, team, data, name).status_code == 201


@pytest.mark.parametrize(
    "sent, kept",
    [
        ("a\x1b[31m\u202egpj.txt", "a[31mgpj.txt"),
        ("报告\u2066\u200b\u202d.txt", "报告.txt"),
        ("说\x7f明\x00.txt", "说明.txt"),
    ],
)
def test_names_lose_control_and_bidi_characters(api, team, sent, kept):
    res = upload(api, team, "内容".encode(), sent)
    assert res.status_code == 201
    assert res.json["filename"] == kept
    header = download(api, team, res.json["id"]).headers["Content-Disposition"]
    encoded = f'filename="{kept}"' if kept.isascii() else f"filename*=UTF-8''{quote(kept)}"
    assert encoded in header
    assert not any(ord(ch) < 32 or 0x2066 <= ord(ch) <= 0x2069 for ch in header)


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030"])
def test_a_text_file_is_sent_with_its_one_charset(api, team, encoding):
    res = upload(api, team, "评价工作方案：第一阶段".encode(encoding), "方案.txt")
    assert res.status_code == 201
    got = download(api, team, res.json["id"])
    assert got.headers["Content-Type"] == f"text/plain; charset={encoding}"
    assert got.data.decode(encoding) == "评价工作方案：第一阶段"


def test_a_pdf_keeps_its_type(api, team):
    res = upload(api, team, PDF, "立项批复.pdf")
    assert download(api, team, res.json["id"]).headers["Content-Type"] == "application/pdf"
