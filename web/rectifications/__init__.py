"""整改: the 整改事项 list (a unit's, a bureau's with its count per unit), the item page with its
status buttons, evidence and history, and the API."""

from __future__ import annotations
