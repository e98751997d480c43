"""整改 (rectification) as a closed loop: the items an archived report's problems become, worked
on by their owner, accepted or sent back by the finance bureau."""

from __future__ import annotations
