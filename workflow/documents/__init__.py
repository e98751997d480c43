"""Documents (文件): 依据文件, 评价工作方案 and 佐证材料 of an evaluation."""

from __future__ import annotations
