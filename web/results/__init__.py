"""结果应用 and 评价结果公开: the API, the bureau's and administrator's pages, the public pages."""
