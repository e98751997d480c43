"""Rendering the report: its content, the PDF, the Word file and the plain-text body format."""

from __future__ import annotations
