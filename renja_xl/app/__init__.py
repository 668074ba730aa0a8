"""The application layer: one function per command, shared by every front end.

Each function takes paths or a Grid, does the whole job (read, check, compute, write) and returns an outcome
object: what changed, the findings, the paths written. The command line and the Excel buttons only present it
(messages, exit codes, alerts); neither orchestrates a command itself.
"""
