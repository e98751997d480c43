"""Scoring (评分): the rules, the scores of an evaluation, the 评分表 and its export."""

from __future__ import annotations
