"""项目支出绩效自评表: the form as JSON, Excel and PDF."""
