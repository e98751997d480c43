"""The evaluation lifecycle (评价流程): stages, actions, the machine, and what is wired to them."""

from __future__ import annotations
