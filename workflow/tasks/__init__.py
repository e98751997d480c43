"""Tasks (工作任务) of the working group."""

from __future__ import annotations
