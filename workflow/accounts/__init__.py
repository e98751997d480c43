"""Accounts (账户): bureaus, units, users and API tokens."""

from __future__ import annotations
