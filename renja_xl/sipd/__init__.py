"""The SIPD-RI prints people download, read as they come and imported into their sheet."""
