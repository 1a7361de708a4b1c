"""Age bands, read from consent/bands.yml (data a facilitator may change, not code)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

BANDS_FILE = Path(__file__).resolve().parent / "bands.yml"
TEXT_VARIANTS = ("nino", "adolescente", "joven")
BAND_ID = re.compile(r"[0-9]{1,2}-[0-9]{1,2}")


class BandsError(ValueError):
    """The bands file is malformed; the message names the file, the line and the fix."""


@dataclass(frozen=True)
class Band:
    id: str  # "13-15": short, stable, used in button data and receipts
    label: str
    texts: str  # which assent wording: nino | adolescente | joven


@dataclass(frozen=True)
class Bands:
    bands: tuple[Band, ...]
    younger_label: str
    older_label: str

    def get(self, band_id: str) -> Band | None:
        return next((band for band in self.bands if band.id == band_id), None)


def _fail(path: Path, node: yaml.Node | None, problem: str, fix: str) -> BandsError:
    line = f":{node.start_mark.line + 1}" if node is not None else ""
    return BandsError(f"{path}{line}: {problem}. Fix: {fix}")


def _mapping(node: yaml.Node) -> dict[str, yaml.Node]:
    return (
        {key.value: value for key, value in node.value}
        if isinstance(node, yaml.MappingNode)
        else {}
    )


def _text(path: Path, parent: yaml.Node, fields: dict[str, yaml.Node], key: str) -> str:
    node = fields.get(key)
    if not isinstance(node, yaml.ScalarNode) or not str(node.value).strip():
        raise _fail(path, node or parent, f"'{key}' is missing or empty", f"give '{key}' a text")
    return str(node.value).strip()


def load_bands(path: Path = BANDS_FILE) -> Bands:
    try:
        root = yaml.compose(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise BandsError(
            f"{path}: not valid YAML ({error}). Fix: check indentation and quotes"
        ) from None
    top = _mapping(root) if root is not None else {}
    bands_node = top.get("bands")
    if not isinstance(bands_node, yaml.SequenceNode) or not bands_node.value:
        raise _fail(path, root, "'bands' must be a non-empty list", "list the bands under 'bands:'")
    bands: list[Band] = []
    for node in bands_node.value:
        fields = _mapping(node)
        band_id = _text(path, node, fields, "id")
        if not BAND_ID.fullmatch(band_id):
            raise _fail(
                path,
                fields["id"],
                f"band id {band_id!r} is not of the form '13-15'",
                'write the ages as FROM-TO, e.g. "13-15"',
            )
        low, high = (int(part) for part in band_id.split("-"))
        if low > high:
            raise _fail(
                path, fields["id"], f"band {band_id} ends before it starts", "swap the ages"
            )
        if bands and low <= int(bands[-1].id.split("-")[1]):
            raise _fail(
                path,
                fields["id"],
                f"band {band_id} overlaps or precedes {bands[-1].id}",
                "list bands from youngest to oldest without overlap",
            )
        texts = _text(path, node, fields, "texts")
        if texts not in TEXT_VARIANTS:
            raise _fail(
                path,
                fields["texts"],
                f"unknown assent wording {texts!r}",
                f"use one of {', '.join(TEXT_VARIANTS)}",
            )
        bands.append(Band(band_id, _text(path, node, fields, "label"), texts))
    younger = _mapping(top.get("younger")) if top.get("younger") is not None else {}
    older = _mapping(top.get("older")) if top.get("older") is not None else {}
    return Bands(
        tuple(bands),
        _text(path, top.get("younger") or root, younger, "label"),
        _text(path, top.get("older") or root, older, "label"),
    )
