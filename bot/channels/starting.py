"""How a channel starts: each channel folder may hold a `start.py` with

    STARTER = Starter(
        "whatsapp", configured=..., start=..., setting="WHATSAPP_TOKEN",
        variables=("WHATSAPP_TOKEN", "WHATSAPP_PHONE_NUMBER_ID"), read=read,
    )

and `python -m bot run` (bot/cli/run.py) starts the one the settings configure, found by
walking this package as `LIMITS` is: adding a channel edits no list here or in the CLI.
Exactly one channel runs per process: two configured is a settings error naming both, and
none configured starts the fallback (the terminal chat, whose `fallback` notice says
which settings would have chosen another). `start.py` must stay cheap to import (no
platform library, no engine at the top): every run imports every channel's.

A channel's own settings are declared there too: `variables` names every environment
variable it reads, and `read(env)` parses them into one value of the channel's own type,
or None when they leave the channel unconfigured (`env(name)` is the variable's value,
stripped, or None when unset; asking for a name not in `variables` is refused, so the
declaration is the whole list). A malformed value raises bot.settings.SettingsError with
a message naming the variable and the fix, in the staff language:
`_s("...", error_language())`, or a helper of bot.settings such as `port`.
`Settings.from_env` calls every channel's `read` once, at start, configured or not, and
keeps what it returned in `Settings.channels`; `configured` and `start` take it from there
with `channel_settings`, so no channel reads the environment itself. A check against the
other settings (a channel that talks to children needs a protection chat and officers)
goes in `start`, which gets them all, as a SettingsError.

Telegram is the exception: its variables stay in bot/settings.py, because they are
checked there together with the protection chat and the officer ids. So a new channel is
its folder, its tests and its catalog entries; nothing in bot/settings.py, bot/cli/run.py
or bot/runtime.py changes. Its variables still get a row in the README's configuration
table and a line in `.env.example` (docs, not code: tests/unit/test_channel_starters.py
fails until they are there).
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from bot.i18n import _s
from bot.settings import Env, SettingsError

if TYPE_CHECKING:
    from bot.settings import Settings

PACKAGE = "bot.channels"
START = "start"  # the module a channel folder declares its STARTER in
VARIABLE = re.compile(r"[A-Z][A-Z0-9_]*")  # how an environment variable a channel reads looks

T = TypeVar("T")


class ChannelStartError(ValueError):
    """A channel's `start.py` is malformed, or no channel can start at all."""


@dataclass(frozen=True)
class Starter:
    """One channel's start-up: its `name` (its folder's), whether the settings configure
    it, and `start`, which builds the runtime, runs the channel until it is stopped and
    returns the exit code. `setting` names what configures it (shown when nothing does);
    a `fallback` notice (staff text, marked with N_) makes it the channel started when
    no other is configured. `read` parses the channel's own `variables` (the module
    docstring says how); a channel whose settings live in bot/settings.py has neither."""

    name: str
    configured: Callable[[Settings], bool]
    start: Callable[[Settings], int]
    setting: str = ""
    fallback: str | None = None
    variables: tuple[str, ...] = ()
    read: Callable[[Env], object] | None = None


def starters(package: str = PACKAGE) -> list[Starter]:
    """Every channel's Starter under `package`, by folder name."""
    found: list[Starter] = []
    for path in importlib.import_module(package).__path__:
        for folder in sorted(Path(path).iterdir()):
            if not (folder / "__init__.py").is_file() or not (folder / f"{START}.py").is_file():
                continue
            module = f"{package}.{folder.name}.{START}"
            starter = getattr(importlib.import_module(module), "STARTER", None)
            if not isinstance(starter, Starter) or starter.name != folder.name:
                raise ChannelStartError(
                    f"{module} must declare STARTER = Starter({folder.name!r}, ...)"
                )
            problem = _malformed_settings(starter)
            if problem:
                raise ChannelStartError(f"{module}: STARTER {problem}")
            found.append(starter)
    return found


def _malformed_settings(starter: Starter) -> str | None:
    """What is wrong with how `starter` declares its own settings, if anything."""
    if starter.read is None:
        return "names variables but has no read to parse them" if starter.variables else None
    if not isinstance(starter.variables, tuple):
        return "variables must be a tuple of names, like ('WEB_PORT',)"
    if not starter.variables:
        return "has a read but names no variables: name each one it reads"
    for name in starter.variables:
        if not isinstance(name, str) or not VARIABLE.fullmatch(name):
            return f"variables has {name!r}: an environment variable is written like WEB_PORT"
    if starter.setting and starter.setting not in starter.variables:
        return f"setting {starter.setting} is not one of its variables"
    return None


def read_settings(found: Sequence[Starter], env: Env) -> dict[str, object]:
    """What each channel's `read` makes of its own variables, by channel name: called once,
    by Settings.from_env, with the reader it reads its own settings with."""
    return {
        starter.name: starter.read(_declared_only(starter, env))
        for starter in found
        if starter.read is not None
    }


def _declared_only(starter: Starter, env: Env) -> Env:
    def read(name: str) -> str | None:
        if name not in starter.variables:
            raise ChannelStartError(
                f"the {starter.name} channel reads {name}, which is not in its STARTER's "
                f"variables {starter.variables}: add it there (and to the README's "
                "configuration table and .env.example)"
            )
        return env(name)

    return read


def channel_settings(settings: Settings, name: str, kind: type[T]) -> T | None:
    """What channel `name`'s `read` returned, of type `kind`; None when it returned None or
    when these settings were not read from the environment (made by hand, as in tests):
    either way, the channel is not configured."""
    value = settings.channels.get(name)
    if value is None:
        return None
    if not isinstance(value, kind):
        raise ChannelStartError(
            f"the {name} channel's settings are a {type(value).__name__}, not a {kind.__name__}"
        )
    return value


def pick(settings: Settings, found: list[Starter] | None = None) -> Starter:
    """The channel these settings start: the one configured, else the fallback."""
    found = starters() if found is None else found
    configured = [s for s in found if s.fallback is None and s.configured(settings)]
    if len(configured) > 1:
        raise SettingsError(
            _s(
                "hay más de un canal configurado ({names}) y cada proceso inicia uno: deje "
                "configurado solo uno"
            ).format(names=", ".join(s.name for s in configured))
        )
    if configured:
        return configured[0]
    fallbacks = [s for s in found if s.fallback is not None]
    if len(fallbacks) != 1:
        names = ", ".join(s.name for s in fallbacks) or "none"
        raise ChannelStartError(f"exactly one channel must be the fallback, not: {names}")
    return fallbacks[0]


def unconfigured_settings(found: list[Starter] | None = None) -> str:
    """What would configure a channel other than the fallback, for the fallback's notice."""
    found = starters() if found is None else found
    return ", ".join(s.setting for s in found if s.fallback is None and s.setting)
