"""How a channel starts: each channel folder may hold a `start.py` with

    STARTER = Starter("whatsapp", configured=..., start=..., setting="WHATSAPP_TOKEN")

and `python -m bot run` (bot/cli/run.py) starts the one the settings configure, found by
walking this package as `LIMITS` is: adding a channel edits no list here or in the CLI.
Exactly one channel runs per process: two configured is a settings error naming both, and
none configured starts the fallback (the terminal chat, whose `fallback` notice says
which settings would have chosen another). `start.py` must stay cheap to import (no
platform library, no engine at the top): every run imports every channel's.

What a channel reads from the environment is still parsed in bot/settings.py (one reader
of every variable, with the cross-checks between them, such as a Telegram token without
a protection chat); a channel's `configured` reads the parsed `Settings`.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from bot.i18n import _s
from bot.settings import SettingsError

if TYPE_CHECKING:
    from bot.settings import Settings

PACKAGE = "bot.channels"
START = "start"  # the module a channel folder declares its STARTER in


class ChannelStartError(ValueError):
    """A channel's `start.py` is malformed, or no channel can start at all."""


@dataclass(frozen=True)
class Starter:
    """One channel's start-up: its `name` (its folder's), whether the settings configure
    it, and `start`, which builds the runtime, runs the channel until it is stopped and
    returns the exit code. `setting` names what configures it (shown when nothing does);
    a `fallback` notice (staff text, marked with N_) makes it the channel started when
    no other is configured."""

    name: str
    configured: Callable[[Settings], bool]
    start: Callable[[Settings], int]
    setting: str = ""
    fallback: str | None = None


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
            found.append(starter)
    return found


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
