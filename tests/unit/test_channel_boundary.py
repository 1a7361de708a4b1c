"""Telegram stays inside its channel: no module of the domain packages imports
python-telegram-bot, so a WhatsApp or web channel is one new folder under bot/channels/."""

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


def test_the_boundary_check_sees_an_import(tmp_path):
    probe = tmp_path / "probe.py"
    probe.write_text("def f():\n    from telegram.error import TelegramError\n")
    assert "telegram.error" in imported_modules(probe)
    assert len(domain_modules()) > 20  # it walks the packages, not an empty list
