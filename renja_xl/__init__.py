"""Renja XL: Rencana Kerja Perangkat Daerah from an Excel workbook."""
__version__ = "0.1.0"
