"""The ledger: what the user did about each pair, kept in a SQLite file beside the book."""
