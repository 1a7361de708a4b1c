"""Storage on SQLite and PostgreSQL: migrations, idempotent updates, clear failures."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from bot.storage import Database, DatabaseUnavailable


def test_migrations_create_the_schema(database):
    assert "processed_updates" in database.table_names()
    assert "alembic_version" in database.table_names()


def test_migrating_twice_changes_nothing(database):
    database.migrate()
    assert "processed_updates" in database.table_names()


def test_update_is_marked_once_even_if_marked_twice(database):
    assert not database.already_processed(41)
    database.mark_processed(41)
    database.mark_processed(41)
    assert database.already_processed(41)
    assert database.processed_ids() == [41]


def test_update_ids_older_than_retention_are_pruned(database):
    long_ago = datetime(2026, 1, 1, 12, 0)
    database.mark_processed(1, now=long_ago)
    database.mark_processed(2, now=long_ago + timedelta(days=3))
    assert database.processed_ids() == [2]


def test_unreachable_database_gives_a_clear_error_without_the_password():
    db = Database("postgresql://voz:s3cret@127.0.0.1:1/voz")
    with pytest.raises(DatabaseUnavailable, match="Check DATABASE_URL") as error:
        db.migrate()
    assert "s3cret" not in str(error.value)
