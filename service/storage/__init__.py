"""Persistence: SQLAlchemy tables, sessions, migrations and repositories."""
