"""Shared fixtures: real databases (SQLite, and PostgreSQL when TEST_POSTGRES_URL is set),
the real trained Rasa model loaded once per session, the engine over it, and the staff
language (English or the default Spanish) over freshly compiled catalogs."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import pytest
from sqlalchemy import create_engine, text

from bot.storage import Database

POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--every-database",
        action="store_true",
        help="run the unit tier's database tests on PostgreSQL too, as the other tiers' "
        "(make test does; make test-fast keeps the unit tier on SQLite)",
    )


@pytest.fixture(params=["sqlite", "postgres"])
def database(request: pytest.FixtureRequest, tmp_path) -> Iterator[Database]:
    """A migrated, empty database of each kind; each PostgreSQL test gets its own schema."""
    if request.param == "sqlite":
        db = Database(f"sqlite:///{tmp_path / 'voz.db'}")
        db.migrate()
        yield db
        db.dispose()
        return
    with postgres_database() as db:
        yield db


@contextmanager
def postgres_database() -> Iterator[Database]:
    """A migrated, empty PostgreSQL database in a schema of its own, dropped afterwards;
    the test is skipped when TEST_POSTGRES_URL is not set."""
    if not POSTGRES_URL:
        pytest.skip("TEST_POSTGRES_URL is not set (e.g. postgresql://postgres@127.0.0.1:5432/test)")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL, future=True)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in POSTGRES_URL else "?"
    db = Database(f"{POSTGRES_URL}{separator}options={quote(f'-csearch_path={schema}')}")
    try:
        db.migrate()
        yield db
    finally:
        db.dispose()
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def drop_connections(db: Database) -> None:
    """What a restarted server or a network cut does to the pool's open connections: the
    server ends the backend of the one the pool holds."""
    with db.engine.connect() as connection:
        mine = connection.execute(text("SELECT pg_backend_pid()")).scalar()
    admin = create_engine(db.url, future=True)
    try:
        with admin.connect() as connection:
            connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": mine})
    finally:
        admin.dispose()


def migrate_to(database: Database, revision: str, down: bool = False) -> None:
    """Upgrade (or with `down`, downgrade) `database` to `revision`: the migration tests walk
    the schema through the versions around the one they pin."""
    from alembic import command
    from alembic.config import Config

    from bot.storage.database import MIGRATIONS

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with database.engine.begin() as connection:
        config.attributes["connection"] = connection
        (command.downgrade if down else command.upgrade)(config, revision)


@pytest.fixture(scope="session")
def assistant():
    """The real Rasa assistant, trained if its inputs changed, loaded once for all tests."""
    from bot import agent
    from bot.settings import ROOT

    model = agent.train(ROOT / "models")
    return agent.RasaAssistant.load(model)


@pytest.fixture
def engine(assistant):
    from bot.engine import Engine

    return Engine(assistant)


# -- the staff language ------------------------------------------------------------------------


@pytest.fixture(scope="session")
def staff_catalogs(tmp_path_factory) -> Path:
    """A copy of locales/ with every catalog compiled now, from the .po files as they are:
    a test of the staff language never reads a .mo left over from an older `make`."""
    import shutil

    from bot import i18n

    copy = tmp_path_factory.mktemp("i18n") / "locales"
    shutil.copytree(i18n.LOCALES, copy, ignore=shutil.ignore_patterns("*.mo"))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(i18n, "LOCALES", copy)
        i18n.compile_catalogs()
    return copy


@pytest.fixture(autouse=True)
def default_languages() -> Iterator[None]:
    """bot.i18n's languages are set once by the entry point (`i18n.configure`): every test
    starts from the defaults, and one that configures them (or runs `python -m bot`'s main
    in-process, which does) leaves no language behind for the next."""
    from bot import i18n

    i18n.configure()
    yield
    i18n.configure()


@pytest.fixture
def staff_in_english(staff_catalogs, monkeypatch) -> None:
    """STAFF_LANGUAGE=en over freshly compiled catalogs: what a facilitator reads, in English,
    whether the test calls the code directly (configured as the entry point does) or runs
    the command line's main (which reads STAFF_LANGUAGE)."""
    from bot import i18n

    monkeypatch.setattr(i18n, "LOCALES", staff_catalogs)
    monkeypatch.setenv("STAFF_LANGUAGE", "en")
    i18n.configure(staff_language="en")


@pytest.fixture
def staff_in_spanish(staff_catalogs, monkeypatch) -> None:
    """No STAFF_LANGUAGE: the default, Spanish, over freshly compiled catalogs."""
    from bot import i18n

    monkeypatch.setattr(i18n, "LOCALES", staff_catalogs)
    monkeypatch.delenv("STAFF_LANGUAGE", raising=False)
    i18n.configure()
