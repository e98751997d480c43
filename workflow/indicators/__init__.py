"""The indicator system (评价指标体系): the three-level tree, its templates and its validation."""

from __future__ import annotations
