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

from bot.i18n import N_, _s, _sn

NULL_TAG = "tag:yaml.org,2002:null"
# The usual causes of a syntax error in a facilitator's file.
YAML_FIX = N_(
    "revise la sangría (espacios, nunca tabuladores) y ponga entre comillas dobles un texto "
    "que contenga ': ' o ' #', o que empiece con una comilla, '[', '{', '*', '&' o '-'"
)

Fields = dict[str, tuple[yaml.Node, yaml.Node]]  # key -> (key node, value node)


class DataFileError(ValueError):
    """A data file is malformed. The message is "<file>:<line>: <problem>. Fix: <fix>" (no
    line when the mistake has none); the parts are kept as attributes too. `problem` and
    `fix` come translated (staff catalog); "Fix" is "Solución" in Spanish."""

    def __init__(self, path: Path | str, line: int | None, problem: str, fix: str) -> None:
        self.path = Path(path)
        self.line = line
        self.problem = problem
        self.fix = fix
        where = f"{path}:{line}" if line else f"{path}"
        super().__init__(
            f"{where}: " + _s("{problem}. Solución: {fix}").format(problem=problem, fix=fix)
        )


def line_of(node: yaml.Node) -> int:
    """The 1-based line a node starts on."""
    line: int = node.start_mark.line  # PyYAML ships no types: the mark's line is an int
    return line + 1


def load_yaml(path: Path, error: type[DataFileError] = DataFileError) -> yaml.Node | None:
    """The file's node tree (None for an empty file). An unreadable file or a syntax
    mistake raises `error`, at the mistake's line when YAML knows it."""
    try:
        source = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as failure:
        raise error(
            path,
            None,
            _s("no se puede leer el archivo ({failure})").format(failure=failure),
            _s("revise la ruta y guarde el archivo como UTF-8"),
        ) from None
    try:
        return yaml.compose(source)
    except yaml.MarkedYAMLError as failure:
        mark = failure.problem_mark or failure.context_mark
        raise error(
            path,
            mark.line + 1 if mark is not None else None,
            _s("esto no es YAML válido ({detail})").format(
                detail=failure.problem or failure.context
            ),
            _s(YAML_FIX),
        ) from None
    except yaml.YAMLError as failure:
        raise error(
            path,
            None,
            _s("esto no es YAML válido ({detail})").format(detail=failure),
            _s("revise la sangría y las comillas"),
        ) from None


def yml_files(folder: Path, kind: str, error: type[DataFileError] = DataFileError) -> list[Path]:
    """Every *.yml of a folder, by name. A *.yaml file is refused rather than silently
    ignored; `kind` names the files in that message, translated ("los archivos de lecciones")."""
    for stray in sorted(folder.glob("*.yaml")):
        raise error(
            stray,
            None,
            _s("{kind} deben terminar en .yml").format(kind=kind),
            _s("cámbiele el nombre a {name}").format(name=f"{stray.stem}.yml"),
        )
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
    if guess is None:
        return fix
    return _s("¿quiso decir '{guess}'? {fix}").format(guess=guess, fix=fix[0].upper() + fix[1:])


def _count(number: int, one: str, many: str) -> str:
    """ "1 message", "2 messages": the noun in the singular for one only (so in Spanish too)."""
    return f"{number} {one if number == 1 else many}"


class NodeReader:
    """Reads one file's node tree; every check raises `self.error` at the node.

    Subclasses set `error` to their own DataFileError and add what their file means;
    `text_fix` (marked with N_, translated when shown) says how to write a text where
    something else was found. Every `what` and `item` given to these checks comes
    translated: "la consulta", "la pregunta 'seguro'", "'title'"."""

    error: type[DataFileError] = DataFileError
    text_fix = N_("escriba {what} en una sola línea después de ':'")

    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, node: yaml.Node | None, problem: str, fix: str) -> DataFileError:
        return self.error(self.path, line_of(node) if node is not None else None, problem, fix)

    def empty(self, fix: str) -> DataFileError:
        """The file holds no YAML document at all; `fix` says what to start it with."""
        return self.error(self.path, 1, _s("el archivo está vacío"), fix)

    @staticmethod
    def is_null(node: yaml.Node) -> bool:
        return isinstance(node, yaml.ScalarNode) and node.tag == NULL_TAG

    def mapping(self, node: yaml.Node, what: str, allowed: tuple[str, ...] | None) -> Fields:
        """key -> (key node, value node); refuses repeated keys and, when `allowed` is
        given, keys not in it."""
        if not isinstance(node, yaml.MappingNode):
            fix = (
                _s("escriba {what} como líneas 'clave: valor' con sangría ({keys})")
                if allowed
                else _s("escriba {what} como líneas 'clave: valor' con sangría")
            )
            raise self.fail(
                node,
                _s("{what} debe ser un conjunto de líneas 'clave: valor'").format(what=what),
                fix.format(what=what, keys=", ".join(allowed or ())),
            )
        fields: Fields = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise self.fail(
                    key_node,
                    _s("una clave en {what} no es una palabra simple").format(what=what),
                    _s("use un nombre"),
                )
            key = str(key_node.value)
            if key in fields:
                raise self.fail(
                    key_node,
                    _s(
                        "'{key}' aparece dos veces en {what} (la primera en la línea {line})"
                    ).format(key=key, what=what, line=line_of(fields[key][0])),
                    _s("deje un solo '{key}' y borre el otro").format(key=key),
                )
            if allowed is not None and key not in allowed:
                raise self.fail(
                    key_node,
                    _s("clave desconocida '{key}' en {what}").format(key=key, what=what),
                    suggest(
                        key,
                        allowed,
                        _s("use solo las claves permitidas aquí: {keys}").format(
                            keys=", ".join(allowed)
                        ),
                    ),
                )
            fields[key] = (key_node, value_node)
        return fields

    def required(self, fields: Fields, parent: yaml.Node, key: str, what: str) -> yaml.Node:
        """The value of `key`, which must be there and not empty."""
        if key not in fields or self.is_null(fields[key][1]):
            raise self.fail(
                fields[key][0] if key in fields else parent,
                _s("{what} no tiene '{key}'").format(what=what, key=key),
                _s("agregue una línea '{key}:' a {what}").format(key=key, what=what),
            )
        return fields[key][1]

    def text(self, node: yaml.Node, what: str, limit: int | None = None, fix: str = "") -> str:
        """A non-empty text, stripped; at most `limit` characters (`fix` says how to
        shorten it, when there is more to say than "shorten it")."""
        if not isinstance(node, yaml.ScalarNode):
            raise self.fail(
                node,
                _s("{what} debe ser un texto").format(what=what),
                _s(self.text_fix).format(what=what),
            )
        value = "" if node.tag == NULL_TAG else str(node.value).strip()
        if not value:
            raise self.fail(
                node,
                _s("{what} está en blanco").format(what=what),
                _s("escriba {what}").format(what=what),
            )
        if limit is not None and len(value) > limit:
            raise self.fail(
                node,
                _sn(
                    "{what} tiene {count} carácter, más de {limit}",
                    "{what} tiene {count} caracteres, más de {limit}",
                    len(value),
                ).format(what=what, count=len(value), limit=limit),
                fix or _s("acórtelo a {limit} caracteres o menos").format(limit=limit),
            )
        return value

    def sequence(
        self,
        node: yaml.Node,
        what: str,
        item: str,
        counts: tuple[int, int] | None = None,
        items: str = "",
    ) -> list[yaml.Node]:
        """The items of a list: `counts` (low, high) of them, or at least one. `item` names
        one item ("mensaje"); with `counts`, `items` names several ("mensajes")."""
        if counts is None:
            if not isinstance(node, yaml.SequenceNode) or not node.value:
                raise self.fail(
                    node,
                    _s("{what} debe ser una lista con al menos un elemento").format(what=what),
                    _s("ponga cada {item} en su propia línea, empezando con '- '").format(
                        item=item
                    ),
                )
            return list(node.value)
        assert items, "a counted list names its items in the plural"
        low, high = counts
        if not isinstance(node, yaml.SequenceNode):
            raise self.fail(
                node,
                _s("{what} debe ser una lista").format(what=what),
                _s(
                    "ponga debajo de {low} a {high} {items}, en líneas separadas que empiecen "
                    "con '- '"
                ).format(low=low, high=high, items=items),
            )
        if not low <= len(node.value) <= high:
            raise self.fail(
                node,
                _s("{what} tiene {count}").format(
                    what=what, count=_count(len(node.value), item, items)
                ),
                _s("póngale de {low} a {high} {items}").format(low=low, high=high, items=items),
            )
        return list(node.value)
