"""The pure core: codes, money, the Renja's tables and their hierarchy, IKU, findings. No I/O, no spreadsheet library."""
