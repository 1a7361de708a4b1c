"""The README's "Map of the repository" stays true: it names every package of bot/ and
consent/, every top-level folder and every `python -m bot` command, and nothing it names is
missing from the tree or from the command line."""

from __future__ import annotations

import fnmatch
import re
from pathlib import Path

from bot.cli import commands

ROOT = Path(__file__).resolve().parents[2]
TICKED = re.compile(r"`([^`]+)`")
COMMAND = re.compile(r"[a-z][a-z0-9-]*")
# A file or folder named inside a row's description: `model.py`, `rules/`, `bench/x.json`.
NAMED_PATH = re.compile(r"[\w.-]+(?:/[\w.-]+)*(?:\.py|/)|[\w.-]+/[\w./-]+")


def map_rows() -> list[tuple[list[str], str]]:
    """Each row of the map: the paths of its first column, and its description."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("\n## Map of the repository\n", 1)[1].split("\n## ", 1)[0]
    rows = []
    for line in section.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) != 2 or cells[0] in ("path", "---"):
            continue
        paths: list[str] = []
        for token in TICKED.findall(cells[0]):
            if "/" not in token and paths:  # `b.py` after `dir/a.py`
                token = str(Path(paths[0]).parent / token)
            paths.append(token)
        rows.append((paths, cells[1]))
    assert rows, "README.md has no '## Map of the repository' table"
    return rows


def mapped_paths() -> set[str]:
    return {path.rstrip("/") for paths, _ in map_rows() for path in paths}


def ignored(name: str) -> bool:
    patterns = (ROOT / ".gitignore").read_text(encoding="utf-8").split()
    return any(fnmatch.fnmatch(name, pattern.rstrip("/")) for pattern in patterns)


def test_every_top_level_folder_is_in_the_map():
    folders = {
        path.name
        for path in ROOT.iterdir()
        if path.is_dir() and not path.name.startswith(".") and not ignored(path.name)
    }
    mapped = mapped_paths()
    missing = [
        folder
        for folder in sorted(folders)
        if not any(path == folder or path.startswith(f"{folder}/") for path in mapped)
    ]
    assert not missing, f"add these folders to the README's map: {missing}"


def test_every_package_of_bot_and_consent_is_in_the_map():
    """A package has its own row, or is named (`rules/`) in its parent package's row."""
    rows = map_rows()
    mapped = mapped_paths()
    missing = []
    for init in sorted([*(ROOT / "bot").rglob("__init__.py"), ROOT / "consent" / "__init__.py"]):
        package = init.parent.relative_to(ROOT).as_posix()
        if package == "bot" or package in mapped:
            continue
        parent, name = package.rsplit("/", 1)
        in_parent = any(
            parent in {path.rstrip("/") for path in paths} and f"`{name}/`" in description
            for paths, description in rows
        )
        if not in_parent:
            missing.append(package)
    assert not missing, f"add these packages to the README's map: {missing}"


def test_everything_the_map_names_exists():
    absent = []
    for paths, description in map_rows():
        absent += [path for path in paths if not (ROOT / path).exists()]
        folder = paths[0] if paths[0].endswith("/") else ""
        for token in TICKED.findall(description):
            if not NAMED_PATH.fullmatch(token):
                continue
            # `model.py` in the row of a folder is in that folder; `nlu/` may be anywhere.
            if not ((ROOT / folder / token).exists() or (ROOT / token).exists()):
                absent.append(f"{token} (in the row of {paths[0]})")
    assert not absent, f"the README's map names what does not exist: {absent}"


def test_the_map_lists_exactly_the_commands_of_python_m_bot():
    cli_rows = [description for paths, description in map_rows() if "bot/cli/" in paths]
    assert len(cli_rows) == 1, "the map needs one row for bot/cli/"
    listed = {token for token in TICKED.findall(cli_rows[0]) if COMMAND.fullmatch(token)}
    registered = set(commands())
    assert listed == registered, (
        f"the README's map of bot/cli/ lacks {sorted(registered - listed)} and names "
        f"{sorted(listed - registered)}, which `python -m bot` does not have"
    )


def test_the_readme_links_the_documents_a_safeguarding_review_reads():
    """Issue 13: the notice, the directory, the officers' guide and the DPIA exist and the
    README links each (a Markdown link, so a reviewer reaches it in one click)."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    for path in ("docs/privacy.md", "content/referrals.yml", "docs/officers.md", "docs/dpia.md"):
        assert (ROOT / path).is_file(), path
        assert f"]({path})" in text, f"link {path} from README.md"
