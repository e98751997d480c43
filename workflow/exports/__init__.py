"""导出: lists as tables (Excel, CSV) and a year's archived reports as one ZIP."""
