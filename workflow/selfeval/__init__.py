"""项目支出绩效自评表 (财预〔2020〕10号 附件3): the form as a typed read model, and its Excel
and PDF files in the national layout."""
