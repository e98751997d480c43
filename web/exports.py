"""导出: a `workflow.exports.tables.Table` sent as Excel or CSV, and a year's archived reports
as one ZIP; each streamed as it is read, never built whole in memory."""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from decimal import Decimal
from urllib.parse import quote
from zipfile import ZIP_STORED

from flask import Response, send_file
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet
from werkzeug.http import dump_options_header
from zipstream import ZipStream

from web.files import XLSX
from workflow.exports.archive import ArchivedFile
from workflow.exports.tables import Table
from workflow.kernel import files as file_store

FORMATS = ("xlsx", "csv")
ZIP = "application/zip"
CSV = "text/csv; charset=utf-8"


def send_table(table: Table, fmt: str) -> Response:
    """The table as `fmt` (xlsx or csv), named after its title. The rows are read inside the
    request, in batches, into a file that spills to disk past a few MB (never a request's
    session left reading after the request has ended), then sent."""
    name = file_store.display_name(f"{table.title}.{fmt}") or f"export.{fmt}"
    if fmt == "csv":
        spool = _spool()
        for chunk in _csv_chunks(table):
            spool.write(chunk)
        spool.seek(0)
        return send_file(spool, mimetype=CSV, as_attachment=True, download_name=name)
    return send_file(_workbook(table), mimetype=XLSX, as_attachment=True, download_name=name)


def _spool():
    # Left open: send_file closes it once the response is sent.
    return tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)


def _attachment(name: str, ascii_name: str = "export.csv") -> str:
    """Content-Disposition with the Chinese name as RFC 5987 `filename*`."""
    return dump_options_header(
        "attachment", {"filename": ascii_name, "filename*": f"UTF-8''{quote(name, safe='')}"}
    )


def _csv_chunks(table: Table) -> Iterator[bytes]:
    """UTF-8 with a BOM, so that Excel opens the Chinese correctly; a chunk per 200 rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow(table.headers)
    for n, row in enumerate(table.rows, start=1):
        writer.writerow([_plain(value) for value in row])
        if n % 200 == 0:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode()


def _plain(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:f}"
    if isinstance(value, date | datetime):
        return value.isoformat()
    return str(value)


def _workbook(table: Table):
    """A write-only workbook (rows go straight to its temporary file): bold headers, frozen
    header row, A4 landscape fit to width with the header on every printed page."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=table.title[:31].translate(_SHEET_NAME))
    sheet.freeze_panes = "A2"
    sheet.print_title_rows = "1:1"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    bold = Font(bold=True)
    header = []
    for title in table.headers:
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for row in table.rows:
        sheet.append([float(v) if isinstance(v, Decimal) else v for v in row])
    spool = _spool()
    book.save(spool)
    spool.seek(0)
    return spool


# Excel refuses these in a sheet's name.
_SHEET_NAME = str.maketrans({c: "-" for c in "[]:*?/\\"})


def send_archive(files: Iterable[ArchivedFile], index: Table, name: str) -> Response:
    """The reports and their index.xlsx as one ZIP, written as it is sent (zipstream-ng):
    each PDF is read from the store when its turn comes, never the whole archive at once.
    The database is read before sending starts (the file list and the index)."""
    archive = ZipStream(compress_type=ZIP_STORED)  # PDFs are compressed already
    index_file = _workbook(index)
    archive.add(index_file.read(), "index.xlsx")
    index_file.close()
    for entry in files:
        if entry.path.exists():
            archive.add_path(str(entry.path), entry.name)
    response = Response(iter(archive), mimetype=ZIP)
    response.headers["Content-Disposition"] = _attachment(name, "archive.zip")
    return response
