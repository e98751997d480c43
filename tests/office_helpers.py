"""LibreOffice headless: open a Word or Excel file the way a reader without Office does, as PDF.

Without `soffice` (Debian `libreoffice-writer-nogui`, `libreoffice-calc-nogui`) or poppler the
tests that need them are skipped with the reason; in CI (`CI` set) they fail instead.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest


def require(*tools: str) -> None:
    missing = [tool for tool in tools if shutil.which(tool) is None]
    if missing:
        message = f"{', '.join(missing)} not installed"
        if os.environ.get("CI"):
            pytest.fail(f"CI: {message}", pytrace=False)
        pytest.skip(f"{message}; the file is not converted")


def soffice_pdf(data: bytes, suffix: str, tmp_path: Path) -> bytes:
    """Convert `data` (a .docx or .xlsx) to PDF with a LibreOffice profile of its own, so that
    conversions running at the same time do not share one."""
    require("soffice", "pdftotext")
    source = tmp_path / f"converted{suffix}"
    source.write_bytes(data)
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        capture_output=True,
        check=True,
        timeout=180,
    )
    return (tmp_path / "converted.pdf").read_bytes()
