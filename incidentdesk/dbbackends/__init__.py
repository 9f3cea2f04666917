"""Database backends of our own: SQLite whose writers queue on a file lock (``sqlite3``; issue 16)."""
