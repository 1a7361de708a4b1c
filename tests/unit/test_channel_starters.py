"""Channels start from their own folders: `python -m bot run` asks bot.channels.starting for
the channel the settings configure, found by walking bot/channels/ for a `start.py`. A new
channel is one new folder: these tests write one in a temporary package and see it found
and picked, and refuse what would make the choice ambiguous (two configured, no fallback,
a malformed `start.py`)."""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import textwrap
from pathlib import Path

import pytest

from bot.channels import starting
from bot.channels.starting import ChannelStartError, pick, starters
from bot.channels.terminal import start as terminal_start
from bot.cli import run as run_command
from bot.settings import Settings, SettingsError

_roots = itertools.count()
TOKEN = "123456:" + "A" * 35

# A channel configured when the settings name an organisation: any field will do for a
# fake; a real one reads its own setting, parsed in bot/settings.py.
WEB = """
    from bot.channels.starting import Starter

    STARTER = Starter(
        "web",
        configured=lambda settings: settings.organisation_name == "web",
        start=lambda settings: 7,
        setting="WEB_PORT",
    )
"""


def channels(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, **folders: str) -> str:
    """A package of channel folders (one per keyword: its `start.py`, or None for a folder
    without one), importable for this test only; returns its name."""
    root = f"extra_channels_{next(_roots)}"
    monkeypatch.syspath_prepend(str(tmp_path))
    (tmp_path / root).mkdir()
    (tmp_path / root / "__init__.py").write_text("", encoding="utf-8")
    for name, source in folders.items():
        (tmp_path / root / name).mkdir()
        (tmp_path / root / name / "__init__.py").write_text("", encoding="utf-8")
        if source:
            (tmp_path / root / name / "start.py").write_text(textwrap.dedent(source), "utf-8")
    return root


def test_the_bots_channels_are_found_in_their_folders():
    found = {starter.name: starter for starter in starters()}
    assert set(found) == {"telegram", "terminal"}
    assert found["terminal"].fallback is not None and found["telegram"].fallback is None
    assert starting.unconfigured_settings() == "TELEGRAM_BOT_TOKEN"


def test_a_token_starts_telegram_and_no_token_the_terminal_chat():
    assert pick(Settings(telegram_token=TOKEN)).name == "telegram"
    assert pick(Settings()).name == "terminal"


def test_a_new_channel_folder_is_found_and_started_when_configured(tmp_path, monkeypatch):
    root = channels(tmp_path, monkeypatch, web=WEB, notes=None)  # notes: no start.py
    found = [*starters(), *starters(root)]
    assert [starter.name for starter in starters(root)] == ["web"]
    chosen = pick(Settings(organisation_name="web"), found)
    assert chosen.name == "web" and chosen.start(Settings()) == 7
    assert pick(Settings(), found).name == "terminal"
    assert starting.unconfigured_settings(found) == "TELEGRAM_BOT_TOKEN, WEB_PORT"


def test_two_configured_channels_are_a_settings_error_naming_both(tmp_path, monkeypatch):
    found = [*starters(), *starters(channels(tmp_path, monkeypatch, web=WEB))]
    with pytest.raises(SettingsError, match=r"\(telegram, web\)"):
        pick(Settings(telegram_token=TOKEN, organisation_name="web"), found)


def test_there_must_be_exactly_one_fallback():
    telegram = next(s for s in starters() if s.name == "telegram")
    with pytest.raises(ChannelStartError, match="not: none"):
        pick(Settings(), [telegram])
    terminal = next(s for s in starters() if s.name == "terminal")
    twin = dataclasses.replace(terminal, name="twin")
    with pytest.raises(ChannelStartError, match="not: terminal, twin"):
        pick(Settings(), [terminal, twin])


@pytest.mark.parametrize(
    "source",
    [
        "X = 1",
        "STARTER = 'web'",
        "from bot.channels.starting import Starter\n"
        "STARTER = Starter('whatsapp', lambda s: True, lambda s: 0)",
    ],
)
def test_a_malformed_start_module_is_refused_naming_it(tmp_path, monkeypatch, source):
    root = channels(tmp_path, monkeypatch, web=source)
    with pytest.raises(ChannelStartError, match=rf"{root}\.web\.start must declare STARTER"):
        starters(root)


def test_run_without_a_token_says_so_and_starts_the_terminal_chat(monkeypatch, capsys):
    started: list[Settings] = []

    def chat(settings: Settings) -> int:
        started.append(settings)
        return 0

    replaced = dataclasses.replace(terminal_start.STARTER, start=chat)
    monkeypatch.setattr(terminal_start, "STARTER", replaced)
    settings = Settings()
    assert run_command.run(argparse.Namespace(), settings) == 0
    assert started == [settings]
    assert "TELEGRAM_BOT_TOKEN no está definido: se abre el chat local en la terminal." in (
        capsys.readouterr().err
    )
