"""One handler module per file kind; see migrate/languages.py for the interface."""
