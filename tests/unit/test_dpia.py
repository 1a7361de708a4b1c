"""docs/dpia.md names every table the bot creates, and every column of each: a new table
or column cannot ship without saying its purpose, lawful basis, retention and readers."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import MetaData

import bot.awareness.tables  # noqa: F401 - every package's tables join one metadata,
import bot.campaigns.tables  # noqa: F401   as migrations/env.py imports them
import bot.storage.conversation  # noqa: F401
import consent.models  # noqa: F401
from bot.settings import ROOT
from bot.storage.models import Base

DPIA = ROOT / "docs" / "dpia.md"
HEADER = ["table", "columns", "purpose", "lawful basis", "retention, as built", "who reads it"]


def documented(dpia: Path) -> dict[str, list[str]]:
    """The DPIA's table of tables: table name -> its cells after the name."""
    rows: dict[str, list[str]] = {}
    lines = dpia.read_text(encoding="utf-8").splitlines()
    start = lines.index("| " + " | ".join(HEADER) + " |")
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        match = re.fullmatch(r"`([a-z_]+)`", cells[0])
        assert match is not None, f"docs/dpia.md: a row must start with a `table`: {line}"
        assert len(cells) == len(HEADER), f"docs/dpia.md: {match.group(1)}: {len(cells)} cells"
        rows[match.group(1)] = cells[1:]
    return rows


def check(tables: dict[str, set[str]], dpia: Path = DPIA) -> None:
    rows = documented(dpia)
    missing = sorted(set(tables) - set(rows))
    assert not missing, f"docs/dpia.md has no row for the table(s) {missing}: add one"
    stale = sorted(set(rows) - set(tables))
    assert not stale, f"docs/dpia.md describes table(s) {stale} that no longer exist"
    for name, columns in tables.items():
        listed = set(re.findall(r"`([a-z_]+)`", rows[name][0]))
        assert listed == columns, (
            f"docs/dpia.md, table {name}: columns {sorted(columns - listed)} missing, "
            f"{sorted(listed - columns)} no longer exist"
        )
        assert all(rows[name]), f"docs/dpia.md, table {name}: every cell must be filled"


def test_the_dpia_describes_every_table_and_column_of_the_metadata():
    check({t.name: {c.name for c in t.columns} for t in Base.metadata.sorted_tables})


def test_the_dpia_describes_every_table_the_migrations_create(database):
    reflected = MetaData()
    reflected.reflect(database.engine)
    check(
        {
            t.name: {c.name for c in t.columns}
            for t in reflected.sorted_tables
            if t.name != "alembic_version"
        }
    )


def test_a_table_missing_from_the_dpia_is_named(tmp_path):
    text = DPIA.read_text(encoding="utf-8")
    without = re.sub(r"\n\| `subscriptions` \|[^\n]*", "", text)
    assert without != text
    edited = tmp_path / "dpia.md"
    edited.write_text(without, encoding="utf-8")
    tables = {t.name: {c.name for c in t.columns} for t in Base.metadata.sorted_tables}
    with pytest.raises(AssertionError, match=r"no row for the table\(s\) \['subscriptions'\]"):
        check(tables, edited)
