"""Periodic official reports "Báo cáo tình hình thông tin báo chí, mạng xã hội" (issue 21).

``period`` reads a period (week, month, quarter, six months, year, any range of Vietnamese calendar
days) and the two it is compared with; ``content`` counts everything the report says from the store;
``document`` renders the report as DOCX from the editable template ``config/report.docx`` (docxtpl,
laid out per Nghị định 30/2020/NĐ-CP) and as PDF through LibreOffice headless (``cases.dossier``).
"""
