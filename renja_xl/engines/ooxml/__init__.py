"""Hand-written SpreadsheetML for the package writer (engines/package_engine.py).

No library edits an xlsx package in place: openpyxl and XlsxWriter build a whole workbook from their own model
(and drop what they do not model); these modules stream the few parts that change and leave the rest alone.
"""
