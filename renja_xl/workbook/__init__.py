"""The workbook as the core sees it: the Grid protocol engines fulfil, the reader into the model, recalc, the Validasi sheet."""
