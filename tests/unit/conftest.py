"""The unit tier: no trained model, no PostgreSQL, no server. The `database` fixture here is
SQLite only (the shared one in tests/conftest.py also runs PostgreSQL), and `assistant` is the
fake of tests/fakes/assistant.py, so `engine` is the engine over it."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.storage import Database
from tests.fakes.assistant import FakeAssistant


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An SQLite file migrated once for the session: migrating costs 75 ms, a copy 3."""
    path = tmp_path_factory.mktemp("template") / "voz.db"
    template = Database(f"sqlite:///{path}")
    template.migrate()
    template.dispose()  # closes the last connection, so the WAL is folded into the file
    return path


@pytest.fixture
def database(migrated_sqlite: Path, tmp_path: Path) -> Iterator[Database]:
    """A migrated, empty SQLite database (a copy of the session's template)."""
    shutil.copyfile(migrated_sqlite, tmp_path / "voz.db")
    db = Database(f"sqlite:///{tmp_path / 'voz.db'}")
    yield db
    db.dispose()


@pytest.fixture
def assistant() -> FakeAssistant:
    return FakeAssistant()
