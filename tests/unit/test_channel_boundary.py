"""Telegram stays inside its channel: no module of the domain packages imports
python-telegram-bot, nor any one channel's folder (bot.channels.telegram, .terminal): they
reach the channels only through what every channel shares (`bot.channels`, its `base` and
`delivery`), and keep addresses opaque. So a WhatsApp or web channel is one new folder under
bot/channels/. The composition root (bot/runtime.py) and the commands (bot/cli/) choose the
channels, and may import them."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOMAIN = [
    ROOT / "bot" / "escalation",
    ROOT / "bot" / "campaigns",
    ROOT / "bot" / "awareness",
    ROOT / "bot" / "broadcasts",
    ROOT / "bot" / "flows",
    ROOT / "bot" / "triage",
    ROOT / "consent",
    ROOT / "bot" / "engine.py",
    ROOT / "bot" / "events.py",
]


def imported_modules(path: Path) -> set[str]:
    modules: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            modules.add(node.module)
    return modules


def domain_modules() -> list[Path]:
    files: list[Path] = []
    for place in DOMAIN:
        files.extend(sorted(place.rglob("*.py")) if place.is_dir() else [place])
    return files


def test_no_domain_module_imports_telegram():
    leaks = [
        f"{path.relative_to(ROOT)}: {module}"
        for path in domain_modules()
        for module in sorted(imported_modules(path))
        if module == "telegram" or module.startswith("telegram.")
    ]
    assert leaks == []


# What a domain module may import of bot.channels: what every channel shares.
SHARED = {"bot.channels", "bot.channels.base", "bot.channels.delivery"}
# Domain modules that still import one channel, and why. Empty: keep it so.
EXCEPTIONS: dict[str, str] = {}


def test_no_domain_module_imports_one_channel():
    leaks = [
        f"{path.relative_to(ROOT)}: {module}"
        for path in domain_modules()
        for module in sorted(imported_modules(path))
        if (module == "bot.channels" or module.startswith("bot.channels."))
        and module not in SHARED
        and str(path.relative_to(ROOT)) not in EXCEPTIONS
    ]
    assert leaks == []


def test_the_boundary_check_sees_an_import(tmp_path):
    probe = tmp_path / "probe.py"
    probe.write_text("def f():\n    from telegram.error import TelegramError\n")
    assert "telegram.error" in imported_modules(probe)
    probe.write_text("from bot.channels.telegram import address as telegram_address\n")
    assert "bot.channels.telegram" in imported_modules(probe)
    assert len(domain_modules()) > 20  # it walks the packages, not an empty list
