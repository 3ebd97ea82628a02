"""The command line: commands, help in zh and en, screen tables, writing files."""
