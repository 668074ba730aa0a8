"""Files on disk: sanity checks before a read, atomic save with a backup, LibreOffice as an external program."""
