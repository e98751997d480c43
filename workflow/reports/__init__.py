"""The report (评价报告): drafting, editing, checks, review comments, rendering and the archive."""

from __future__ import annotations
