"""Alembic revisions, oldest first (Alembic loads them by path)."""
