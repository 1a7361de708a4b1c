"""Storage on SQLite and PostgreSQL: migrations, idempotent updates, clear failures."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import insert

from bot.storage import Database, DatabaseUnavailable, ProcessedUpdate
from bot.storage.database import PRUNE_INTERVAL, UPDATE_RETENTION


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


def stale(database, update_id, now):
    """An update id older than the retention, written behind mark_processed's back."""
    with database.engine.begin() as connection:
        connection.execute(
            insert(ProcessedUpdate),
            {"update_id": update_id, "processed_at": now - UPDATE_RETENTION - timedelta(hours=1)},
        )


def test_pruning_runs_at_most_once_per_interval_and_keeps_recent_ids(database):
    now = datetime(2026, 1, 1, 12, 0)
    stale(database, 1, now)
    database.mark_processed(10, now=now)  # the first mark prunes
    assert database.processed_ids() == [10]
    stale(database, 2, now)
    database.mark_processed(11, now=now + timedelta(seconds=30))  # too soon to prune again
    assert sorted(database.processed_ids()) == [2, 10, 11]
    database.mark_processed(12, now=now + PRUNE_INTERVAL)  # the interval has passed
    assert sorted(database.processed_ids()) == [10, 11, 12]
    # Ids age out: at the next prune, those older than the retention go, the rest stay.
    later = now + UPDATE_RETENTION + timedelta(seconds=45)  # 10 and 11 are older, 12 is not
    database.mark_processed(13, now=later)
    assert sorted(database.processed_ids()) == [12, 13]
    assert not database.already_processed(10) and database.already_processed(12)


def test_pruning_runs_again_when_the_clock_goes_back(database):
    now = datetime(2026, 1, 1, 12, 0)
    database.mark_processed(10, now=now)
    earlier = now - timedelta(hours=1)
    stale(database, 1, earlier)
    database.mark_processed(11, now=earlier)
    assert sorted(database.processed_ids()) == [10, 11]


def test_a_duplicate_mark_does_not_count_as_a_prune(database):
    now = datetime(2026, 1, 1, 12, 0)
    database.mark_processed(10, now=now)
    stale(database, 1, now)
    later = now + PRUNE_INTERVAL
    database.mark_processed(10, now=later)  # refused as a duplicate: rolled back, prune too
    assert sorted(database.processed_ids()) == [1, 10]
    assert database.already_processed(10)
    database.mark_processed(11, now=later + timedelta(seconds=1))  # so this one prunes
    assert sorted(database.processed_ids()) == [10, 11]


def test_each_database_prunes_on_its_own_schedule(database):
    now = datetime(2026, 1, 1, 12, 0)
    database.mark_processed(10, now=now)
    stale(database, 1, now)
    other = Database(database.url)
    try:
        other.mark_processed(11, now=now + timedelta(seconds=1))  # its first mark prunes
    finally:
        other.dispose()
    assert sorted(database.processed_ids()) == [10, 11]


def test_unreachable_database_gives_a_clear_error_without_the_password(staff_in_spanish):
    db = Database("postgresql://voz:s3cret@127.0.0.1:1/voz")
    with pytest.raises(DatabaseUnavailable, match="Revise DATABASE_URL") as error:
        db.migrate()
    assert "no se puede conectar con la base de datos en postgresql://voz:***@" in str(error.value)
    assert "s3cret" not in str(error.value)


def test_the_unreachable_database_error_is_in_english_for_english_staff(staff_in_english):
    db = Database("postgresql://voz:s3cret@127.0.0.1:1/voz")
    with pytest.raises(DatabaseUnavailable, match="Check DATABASE_URL") as error:
        db.migrate()
    assert "cannot reach the database at postgresql://voz:***@127" in str(error.value)
    assert "s3cret" not in str(error.value)
