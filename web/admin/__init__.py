"""系统管理: bureaus, units, users and indicator templates, for administrators."""

from __future__ import annotations
