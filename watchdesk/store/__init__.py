"""Persistence: SQLite through sqlite-utils. Never imports textual."""
