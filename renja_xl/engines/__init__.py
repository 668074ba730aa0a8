"""Engines: adapters that give the core a Grid over a real workbook."""
