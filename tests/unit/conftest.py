"""The unit tier: no trained model, no PostgreSQL, no server. The `database` fixture here is
SQLite only (the shared one in tests/conftest.py also runs PostgreSQL), and `assistant` is the
fake of tests/fakes/assistant.py, so `engine` is the engine over it.

`pytest --every-database` (what `make test` runs) gives each database test here a PostgreSQL
run as well, as before the tiers: the unit tier stays fast, and the whole suite still
checks every table's use on both databases."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.storage import Database
from tests.conftest import postgres_database
from tests.fakes.assistant import FakeAssistant


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "database" in metafunc.fixturenames and metafunc.config.getoption("every_database"):
        metafunc.parametrize("database", ["sqlite", "postgres"], indirect=True)


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An SQLite file migrated once for the session: migrating costs 75 ms, a copy 3."""
    path = tmp_path_factory.mktemp("template") / "voz.db"
    template = Database(f"sqlite:///{path}")
    template.migrate()
    template.dispose()  # closes the last connection, so the WAL is folded into the file
    return path


@pytest.fixture
def database(
    request: pytest.FixtureRequest, migrated_sqlite: Path, tmp_path: Path
) -> Iterator[Database]:
    """A migrated, empty SQLite database (a copy of the session's template); with
    --every-database, PostgreSQL as well."""
    if getattr(request, "param", "sqlite") == "postgres":
        with postgres_database() as db:
            yield db
        return
    shutil.copyfile(migrated_sqlite, tmp_path / "voz.db")
    db = Database(f"sqlite:///{tmp_path / 'voz.db'}")
    yield db
    db.dispose()


@pytest.fixture
def assistant() -> FakeAssistant:
    return FakeAssistant()
