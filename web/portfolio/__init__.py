"""评价概览 (portfolio): the finance bureau's view across its units' evaluations."""
