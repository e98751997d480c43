"""自评任务下达: the bureau's campaign, in the API and the pages."""
