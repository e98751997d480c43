"""Reminders and notifications (提醒与通知): who must be told what, and when."""

from __future__ import annotations
