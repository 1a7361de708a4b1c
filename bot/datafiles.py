"""Reading the YAML files facilitators write (lessons, campaigns, age bands), strictly.

Every mistake is reported as "<file>:<line>: <what is wrong>. Fix: <how>". Files are read
with `yaml.compose`, which keeps each value's line, and are never turned into Python
objects by PyYAML: every value is read from its node, so `si`, `no`, `0123` or
`2026-12-01` stay the text that was written.

What is here is what every such file shares: `load_yaml` (the file's node tree, or an
error at the line of a syntax mistake), `DataFileError` (each kind of file subclasses it),
`NodeReader` (shapes: key-value sets, lists, texts) and `suggest` ("did you mean ...?").
What a lesson, a campaign or a band must contain stays with its own reader.
"""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Iterable
from pathlib import Path

import yaml

NULL_TAG = "tag:yaml.org,2002:null"
# The usual causes of a syntax error in a facilitator's file.
YAML_FIX = (
    "check the indentation (spaces, never tabs), and put in double quotes a text that "
    "contains ': ' or ' #', or that starts with a quote, '[', '{', '*', '&' or '-'"
)

Fields = dict[str, tuple[yaml.Node, yaml.Node]]  # key -> (key node, value node)


class DataFileError(ValueError):
    """A data file is malformed. The message is "<file>:<line>: <problem>. Fix: <fix>" (no
    line when the mistake has none); the parts are kept as attributes too."""

    def __init__(self, path: Path | str, line: int | None, problem: str, fix: str) -> None:
        self.path = Path(path)
        self.line = line
        self.problem = problem
        self.fix = fix
        where = f"{path}:{line}" if line else f"{path}"
        super().__init__(f"{where}: {problem}. Fix: {fix}")


def line_of(node: yaml.Node) -> int:
    """The 1-based line a node starts on."""
    return node.start_mark.line + 1


def load_yaml(path: Path, error: type[DataFileError] = DataFileError) -> yaml.Node | None:
    """The file's node tree (None for an empty file). An unreadable file or a syntax
    mistake raises `error`, at the mistake's line when YAML knows it."""
    try:
        source = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as failure:
        raise error(
            path, None, f"cannot read the file ({failure})", "check the path, and save it as UTF-8"
        ) from None
    try:
        return yaml.compose(source)
    except yaml.MarkedYAMLError as failure:
        mark = failure.problem_mark or failure.context_mark
        raise error(
            path,
            mark.line + 1 if mark is not None else None,
            f"this is not valid YAML ({failure.problem or failure.context})",
            YAML_FIX,
        ) from None
    except yaml.YAMLError as failure:
        raise error(
            path, None, f"this is not valid YAML ({failure})", "check indentation and quotes"
        ) from None


def yml_files(folder: Path, kind: str, error: type[DataFileError] = DataFileError) -> list[Path]:
    """Every *.yml of a folder, by name. A *.yaml file is refused rather than silently
    ignored; `kind` names the files in that message ("lesson files")."""
    for stray in sorted(folder.glob("*.yaml")):
        raise error(stray, None, f"{kind} must end in .yml", f"rename it to {stray.stem}.yml")
    return sorted(folder.glob("*.yml"))


def plain(word: str) -> str:
    """Lowercase, without accents: 'Sí' and 'si' are the same word to a reader."""
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def did_you_mean(word: str, choices: Iterable[str]) -> str | None:
    """The choice the writer most likely meant: the same word but for case and accents,
    else a close spelling; None if nothing is close."""
    choices = list(choices)
    same = [choice for choice in choices if plain(choice) == plain(word)]
    if same:
        return same[0]
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return close[0] if close else None


def suggest(word: str, choices: Iterable[str], fix: str) -> str:
    """The fix, led by "did you mean '...'?" when a choice is close to what was written."""
    guess = did_you_mean(word, choices)
    return f"did you mean '{guess}'? {fix[0].upper()}{fix[1:]}" if guess else fix


def _count(items: int, what: str) -> str:
    return f"{items} {what}" if items == 1 else f"{items} {what}s"


class NodeReader:
    """Reads one file's node tree; every check raises `self.error` at the node.

    Subclasses set `error` to their own DataFileError and add what their file means;
    `text_fix` says how to write a text where something else was found."""

    error: type[DataFileError] = DataFileError
    text_fix = "write {what} on one line after ':'"

    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, node: yaml.Node | None, problem: str, fix: str) -> DataFileError:
        return self.error(self.path, line_of(node) if node is not None else None, problem, fix)

    @staticmethod
    def is_null(node: yaml.Node) -> bool:
        return isinstance(node, yaml.ScalarNode) and node.tag == NULL_TAG

    def mapping(self, node: yaml.Node, what: str, allowed: tuple[str, ...] | None) -> Fields:
        """key -> (key node, value node); refuses repeated keys and, when `allowed` is
        given, keys not in it."""
        if not isinstance(node, yaml.MappingNode):
            raise self.fail(
                node,
                f"{what} must be a set of 'key: value' lines",
                f"write {what} as indented 'key: value' lines"
                + (f" ({', '.join(allowed)})" if allowed else ""),
            )
        fields: Fields = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise self.fail(key_node, f"a key in {what} is not a plain word", "use a name")
            key = str(key_node.value)
            if key in fields:
                raise self.fail(
                    key_node,
                    f"'{key}' appears twice in {what} (first on line {line_of(fields[key][0])})",
                    f"keep one '{key}' and remove the other",
                )
            if allowed is not None and key not in allowed:
                raise self.fail(
                    key_node,
                    f"unknown key '{key}' in {what}",
                    suggest(key, allowed, f"use only the keys allowed here: {', '.join(allowed)}"),
                )
            fields[key] = (key_node, value_node)
        return fields

    def required(self, fields: Fields, parent: yaml.Node, key: str, what: str) -> yaml.Node:
        """The value of `key`, which must be there and not empty."""
        if key not in fields or self.is_null(fields[key][1]):
            raise self.fail(
                fields[key][0] if key in fields else parent,
                f"{what} has no '{key}'",
                f"add a '{key}:' line to {what}",
            )
        return fields[key][1]

    def text(self, node: yaml.Node, what: str, limit: int | None = None, fix: str = "") -> str:
        """A non-empty text, stripped; at most `limit` characters (`fix` says how to
        shorten it, when there is more to say than "shorten it")."""
        if not isinstance(node, yaml.ScalarNode):
            raise self.fail(node, f"{what} must be a text", self.text_fix.format(what=what))
        value = "" if node.tag == NULL_TAG else str(node.value).strip()
        if not value:
            raise self.fail(node, f"{what} is empty", f"write {what}")
        if limit is not None and len(value) > limit:
            raise self.fail(
                node,
                f"{what} has {len(value)} characters, more than {limit}",
                fix or f"shorten it to {limit} characters or fewer",
            )
        return value

    def sequence(
        self, node: yaml.Node, what: str, item: str, counts: tuple[int, int] | None = None
    ) -> list[yaml.Node]:
        """The items of a list: `counts` (low, high) of them, or at least one."""
        if counts is None:
            if not isinstance(node, yaml.SequenceNode) or not node.value:
                raise self.fail(
                    node,
                    f"{what} must be a non-empty list",
                    f"list each {item} on its own line starting with '- '",
                )
            return list(node.value)
        low, high = counts
        if not isinstance(node, yaml.SequenceNode):
            raise self.fail(
                node,
                f"{what} must be a list",
                f"list {low} to {high} {item}s under it, each on its own line starting with '- '",
            )
        if not low <= len(node.value) <= high:
            raise self.fail(
                node,
                f"{what} has {_count(len(node.value), item)}",
                f"give it {low} to {high} {item}s",
            )
        return list(node.value)
