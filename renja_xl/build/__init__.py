"""Build tools, not on the runtime path of a command: the template drawn with openpyxl, the macro workbooks, the committed files."""
