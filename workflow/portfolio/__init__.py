"""财政局的评价概览 (portfolio): an oversight of many evaluations, read with SQL aggregates."""
