"""通知: the inbox, reminder settings, stage deadlines, unit webhooks."""

from __future__ import annotations
