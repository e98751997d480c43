"""自评任务下达: the finance bureau's self-evaluation campaign across its units."""
