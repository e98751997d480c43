"""报告: the report page, editing sections, problems, comments, the PDF and Word files."""

from __future__ import annotations
