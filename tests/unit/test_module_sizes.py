"""Files small enough to read: every module of the bot, consent, the Bot API fake and the
bench stays under about 600 lines and opens with a docstring saying what it owns. (Test
modules are lists of cases, read one at a time, and are not held to it.)"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("bot", "consent", "botapi_fake", "bench")
MOST_LINES = 650  # "about 600": room for a docstring's growth, not for another concern


def modules() -> list[Path]:
    return sorted(path for package in PACKAGES for path in (ROOT / package).rglob("*.py"))


def test_the_packages_have_modules_to_check():
    assert len(modules()) > 100


def test_no_module_is_over_about_600_lines():
    long = {
        str(path.relative_to(ROOT)): lines
        for path in modules()
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MOST_LINES
    }
    assert not long, f"split these by what they own: {long}"


def test_every_module_opens_with_what_it_owns():
    silent = [
        str(path.relative_to(ROOT))
        for path in modules()
        if path.stat().st_size and ast.get_docstring(ast.parse(path.read_text("utf-8"))) is None
    ]
    assert not silent, f"a module docstring says what these own: {silent}"
