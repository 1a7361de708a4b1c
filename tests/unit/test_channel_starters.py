"""Channels start from their own folders: `python -m bot run` asks bot.channels.starting for
the channel the settings configure, found by walking bot/channels/ for a `start.py`. A new
channel is one new folder: these tests write one in a temporary package and see it found
and picked, and refuse what would make the choice ambiguous (two configured, no fallback,
a malformed `start.py`). The folder declares and parses its own settings too: one added to
bot/channels/ (through the package's path, nothing in the repository edited) is configured
from the environment, read once by Settings.from_env, stopped at start by a malformed value,
and its variables must be documented in the README and `.env.example`."""

from __future__ import annotations

import argparse
import dataclasses
import importlib
import itertools
import re
import sys
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType

import pytest

import bot.channels
from bot import ROOT, cli
from bot.channels import starting
from bot.channels.starting import ChannelStartError, Starter, channel_settings, pick, starters
from bot.channels.terminal import start as terminal_start
from bot.cli import run as run_command
from bot.settings import Settings, SettingsError

_roots = itertools.count()
TOKEN = "123456:" + "A" * 35

# A channel with its own settings, as a new one is written: WEB_PORT configures it (parsed
# with bot.settings' port helper), WEB_GREETING is optional and checked by the channel
# itself. `start` records what it was given and returns 7; READS counts the reads.
WEB = """
    from dataclasses import dataclass

    from bot.channels.starting import Starter, channel_settings
    from bot.settings import SettingsError, port

    READS = []
    STARTED = []


    @dataclass(frozen=True)
    class WebSettings:
        port: int
        greeting: str


    def read(env):
        READS.append(env("WEB_PORT"))
        if env("WEB_PORT") is None:
            return None
        greeting = env("WEB_GREETING") or "hola"
        if len(greeting) > 20:
            raise SettingsError(
                f"WEB_GREETING={greeting!r} is too long: write at most 20 characters"
            )
        return WebSettings(port(env, "WEB_PORT", 8080), greeting)


    def web(settings):
        return channel_settings(settings, "web", WebSettings)


    def start(settings):
        STARTED.append(web(settings))
        return 7


    STARTER = Starter(
        "web",
        configured=lambda settings: web(settings) is not None,
        start=start,
        setting="WEB_PORT",
        variables=("WEB_PORT", "WEB_GREETING"),
        read=read,
    )
"""
ENVIRONMENT = ("TELEGRAM_BOT_TOKEN", "WEB_PORT", "WEB_GREETING", "STAFF_LANGUAGE")


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ENVIRONMENT:
        monkeypatch.delenv(name, raising=False)


def from_env(found: list[Starter], monkeypatch: pytest.MonkeyPatch, **env: str) -> Settings:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return Settings.from_env(dotenv=None, found=found)


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
    settings = from_env(found, monkeypatch, WEB_PORT="8081")
    chosen = pick(settings, found)
    assert chosen.name == "web" and chosen.start(settings) == 7
    assert pick(Settings(), found).name == "terminal"
    assert starting.unconfigured_settings(found) == "TELEGRAM_BOT_TOKEN, WEB_PORT"


def test_two_configured_channels_are_a_settings_error_naming_both(tmp_path, monkeypatch):
    found = [*starters(), *starters(channels(tmp_path, monkeypatch, web=WEB))]
    settings = from_env(found, monkeypatch, WEB_PORT="8081")
    with pytest.raises(SettingsError, match=r"\(telegram, web\)"):
        pick(dataclasses.replace(settings, telegram_token=TOKEN), found)


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


@pytest.fixture
def new_channel(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., None]]:
    """Adds folders to bot/channels/ for one test, without writing in the repository: the
    package's path gains a temporary directory, so `bot.channels.<name>` is found and
    imported as a folder of bot/channels/ would be. Each call: a name and its start.py."""
    added: list[str] = []

    def add(name: str, source: str) -> None:
        (tmp_path / name).mkdir()
        (tmp_path / name / "__init__.py").write_text("", encoding="utf-8")
        (tmp_path / name / "start.py").write_text(textwrap.dedent(source), "utf-8")
        added.append(name)

    monkeypatch.setattr(bot.channels, "__path__", [*bot.channels.__path__, str(tmp_path)])
    importlib.invalidate_caches()
    yield add
    for name in added:  # so the next test imports its own folder of that name
        for module in [m for m in sys.modules if m.split(".")[:3] == ["bot", "channels", name]]:
            del sys.modules[module]
        if hasattr(bot.channels, name):
            delattr(bot.channels, name)


def web_module() -> ModuleType:
    return sys.modules["bot.channels.web.start"]


def test_a_new_channels_own_setting_configures_it_from_the_environment(new_channel, monkeypatch):
    new_channel("web", WEB)
    monkeypatch.setenv("WEB_PORT", "8081")
    assert cli.main(["run"]) == 7  # the real entry point: Settings.from_env, then run
    module = web_module()
    assert module.STARTED == [module.WebSettings(port=8081, greeting="hola")]


def test_without_its_setting_the_new_channel_is_not_configured(new_channel, monkeypatch):
    new_channel("web", WEB)
    settings = Settings.from_env(dotenv=None)
    assert settings.channels == {"web": None}
    assert pick(settings).name == "terminal"
    assert starting.unconfigured_settings() == "TELEGRAM_BOT_TOKEN, WEB_PORT"


def test_the_channels_settings_are_read_once_and_passed_down(new_channel, monkeypatch):
    new_channel("web", WEB)
    monkeypatch.setenv("WEB_PORT", "8081")
    monkeypatch.setenv("WEB_GREETING", "buenas")
    settings = Settings.from_env(dotenv=None)
    monkeypatch.setenv("WEB_PORT", "9999")  # too late: what starts is what was read
    assert run_command.run(argparse.Namespace(), settings) == 7
    module = web_module()
    assert module.READS == ["8081"]
    assert module.STARTED == [module.WebSettings(port=8081, greeting="buenas")]


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"WEB_PORT": "ochenta"}, r"WEB_PORT='ochenta' no es un puerto TCP \(1-65535\)"),
        (
            {"WEB_PORT": "ochenta", "STAFF_LANGUAGE": "en"},
            r"WEB_PORT='ochenta' is not a TCP port \(1-65535\)",
        ),
        ({"WEB_PORT": "80", "WEB_GREETING": "h" * 21}, r"WEB_GREETING='h+' is too long: write"),
    ],
)
def test_a_malformed_channel_setting_stops_start_up_naming_it_and_the_fix(
    new_channel, monkeypatch, capsys, env, message
):
    new_channel("web", WEB)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError, match=message):
        Settings.from_env(dotenv=None)
    assert cli.main(["run"]) == 2
    error = capsys.readouterr().err
    assert re.search(message, error) and web_module().STARTED == []
    assert error.startswith("configuration error: " if "STAFF_LANGUAGE" in env else "error de")


def test_a_channel_reading_a_variable_it_does_not_declare_is_refused(tmp_path, monkeypatch):
    sneaky = WEB.replace('env("WEB_GREETING")', 'env("WEB_SECRET")')
    found = starters(channels(tmp_path, monkeypatch, web=sneaky))
    with pytest.raises(ChannelStartError, match=r"reads WEB_SECRET, which is not in its"):
        from_env(found, monkeypatch, WEB_PORT="8081")


@pytest.mark.parametrize(
    ("declaration", "problem"),
    [
        ('variables=("WEB_PORT",)', "names variables but has no read"),
        ("read=lambda env: None", "has a read but names no variables"),
        ('variables="WEB_PORT", read=lambda env: None', "variables must be a tuple"),
        ('variables=("web port",), read=lambda env: None', "variables has 'web port'"),
        ('setting="WEB_URL", variables=("WEB_PORT",), read=lambda env: None', "WEB_URL is not"),
    ],
)
def test_a_malformed_settings_declaration_is_refused_naming_the_module(
    tmp_path, monkeypatch, declaration, problem
):
    source = (
        "from bot.channels.starting import Starter\n"
        f"STARTER = Starter('web', lambda s: False, lambda s: 0, {declaration})\n"
    )
    root = channels(tmp_path, monkeypatch, web=source)
    with pytest.raises(ChannelStartError, match=rf"{root}\.web\.start: STARTER .*{problem}"):
        starters(root)


def test_channel_settings_are_checked_for_their_type_and_absent_when_made_by_hand():
    assert channel_settings(Settings(), "web", int) is None
    settings = Settings(channels={"web": "8081"})
    with pytest.raises(ChannelStartError, match="a str, not a int"):
        channel_settings(settings, "web", int)
    assert "8081" not in repr(settings)  # a channel's settings may hold its token


def undocumented(found: list[Starter]) -> list[str]:
    """The variables these channels read (their `setting` too) that `.env.example` or the
    README's configuration table does not list."""
    example = (ROOT / ".env.example").read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    names = {name for s in found for name in (*s.variables, s.setting) if name}
    return sorted(
        name
        for name in names
        if not re.search(rf"^{name}=", example, re.MULTILINE) or f"`{name}`" not in table
    )


def test_every_variable_a_channel_reads_is_documented(tmp_path, monkeypatch):
    assert undocumented(starters()) == []
    # A new channel's variables are not documented until its rows are written.
    found = starters(channels(tmp_path, monkeypatch, web=WEB))
    assert undocumented(found) == ["WEB_GREETING", "WEB_PORT"]
