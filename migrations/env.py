"""Alembic environment: migrates the connection handed over by Database.migrate(), or
the database named by DATABASE_URL when run from the `alembic` command line."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

import bot.awareness.tables  # noqa: F401
import bot.campaigns.tables  # noqa: F401 - every package's tables join one metadata
import bot.storage.conversation  # noqa: F401
import consent.models  # noqa: F401
from bot.settings import Settings
from bot.storage.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        context.configure(connection=connection, target_metadata=target_metadata)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = create_engine(Settings.from_env().database_url, future=True)
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata)
        with context.begin_transaction():
            context.run_migrations()


run_migrations_online()
