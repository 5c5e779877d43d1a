"""Enforcement pages (案件), split by purpose: the work queue, the cases (list, workbook, opening
and the case page), the acts on a case, and the file downloads."""
