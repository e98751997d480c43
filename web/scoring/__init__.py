"""打分: scoring the leaves, 评分定稿, the 评分表."""

from __future__ import annotations
