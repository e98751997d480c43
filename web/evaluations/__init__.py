"""评价: the list, 我的待办, one evaluation's page, its group, files and actions."""

from __future__ import annotations
