"""The README's privacy and reliability tables name, for each guarantee, the test that holds
it: a renamed or deleted test would leave a promise with nothing behind it, so every named
test must exist."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SECTIONS = (
    "### Privacy: what is guaranteed, and the test that holds it",
    "## Reliability: what is guaranteed, and the test that holds it",
)
# `tests/x.py::test_name` names a file and a test; a following `::other` names another test
# of the same file.
REFERENCE = re.compile(r"`(tests/[\w/]+\.py)?::(test_\w+)`")


def _section(readme: str, heading: str) -> str:
    start = readme.index(heading) + len(heading)
    following = re.search(r"^#{2,3} ", readme[start:], re.MULTILINE)
    return readme[start : start + following.start()] if following else readme[start:]


def _references(text: str) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    current: str | None = None
    for path, name in REFERENCE.findall(text):
        current = path or current
        assert current is not None, f"`::{name}` names no file before it"
        found.append((current, name))
    return found


def _tests_in(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {
        node.name
        for node in ast.walk(tree)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
    }


def test_every_guarantee_row_names_at_least_one_test() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for heading in SECTIONS:
        rows = [
            line
            for line in _section(readme, heading).splitlines()
            if line.startswith("| ") and not line.startswith("| guarantee")
        ]
        assert len(rows) >= 5, f"{heading}: the table is missing"
        for row in rows:
            assert REFERENCE.search(row), f"{heading}: a guarantee without a test: {row}"


def test_every_test_the_guarantees_name_exists() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = []
    for heading in SECTIONS:
        for path, name in _references(_section(readme, heading)):
            file = ROOT / path
            if not file.is_file() or name not in _tests_in(file):
                missing.append(f"{path}::{name}")
    assert not missing, "README names tests that do not exist: " + ", ".join(missing)
