"""任务: assigning, claiming, transferring and completing the group's tasks."""

from __future__ import annotations
