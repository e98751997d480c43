"""评价结果应用 and 评价结果公开: what follows an archived evaluation — the bureau's decision for
the next budget, the rule that suggests it from the 等级, last year's result on next year's
evaluation, and the public page of a published result."""

from __future__ import annotations
