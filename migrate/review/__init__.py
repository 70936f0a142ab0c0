"""`migrate review`: an IDE-style review of proposed changes in the terminal (Textual)."""
