"""The kernel: database, errors, clock, declarative base, audit trail, access, file store."""

from __future__ import annotations
