"""指标体系: an evaluation's indicator tree, editing it, the templates."""

from __future__ import annotations
