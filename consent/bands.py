"""Age bands, read from consent/bands.yml (data a facilitator may change, not code)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.datafiles import DataFileError, Fields, NodeReader, load_yaml

BANDS_FILE = Path(__file__).resolve().parent / "bands.yml"
TEXT_VARIANTS = ("nino", "adolescente", "joven")
BAND_ID = re.compile(r"[0-9]{1,2}-[0-9]{1,2}")


class BandsError(DataFileError):
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


class _Reader(NodeReader):
    """Reads the bands file's node tree; every check raises a BandsError at the node."""

    error = BandsError

    def bands(self, root: yaml.Node | None) -> Bands:
        if root is None:
            raise BandsError(self.path, 1, "the file is empty", "list the bands under 'bands:'")
        top = self.mapping(root, "the bands file", None)
        items = self.sequence(
            self.required(top, root, "bands", "the bands file"), "'bands'", "band"
        )
        bands: list[Band] = []
        for number, node in enumerate(items, start=1):
            what = f"band {number}"
            fields = self.mapping(node, what, None)
            id_node = self.required(fields, node, "id", what)
            band_id = self.text(id_node, f"the id of {what}")
            if not BAND_ID.fullmatch(band_id):
                raise self.fail(
                    id_node,
                    f"band id {band_id!r} is not of the form '13-15'",
                    'write the ages as FROM-TO, e.g. "13-15"',
                )
            low, high = (int(part) for part in band_id.split("-"))
            if low > high:
                raise self.fail(id_node, f"band {band_id} ends before it starts", "swap the ages")
            if bands and low <= int(bands[-1].id.split("-")[1]):
                raise self.fail(
                    id_node,
                    f"band {band_id} overlaps or precedes {bands[-1].id}",
                    "list bands from youngest to oldest without overlap",
                )
            texts_node = self.required(fields, node, "texts", what)
            texts = self.text(texts_node, f"'texts' of {what}")
            if texts not in TEXT_VARIANTS:
                raise self.fail(
                    texts_node,
                    f"unknown assent wording {texts!r}",
                    f"use one of {', '.join(TEXT_VARIANTS)}",
                )
            label = self.text(self.required(fields, node, "label", what), f"the label of {what}")
            bands.append(Band(band_id, label, texts))
        return Bands(
            tuple(bands), self.outside(top, root, "younger"), self.outside(top, root, "older")
        )

    def outside(self, top: Fields, root: yaml.Node, key: str) -> str:
        """The label of the button for ages before the first band or after the last."""
        node = self.required(top, root, key, "the bands file")
        fields = self.mapping(node, f"'{key}'", None)
        return self.text(self.required(fields, node, "label", f"'{key}'"), f"the label of '{key}'")


def load_bands(path: Path = BANDS_FILE) -> Bands:
    """The bands of `path`. A malformed file raises BandsError naming file, line and fix."""
    return _Reader(path).bands(load_yaml(path, BandsError))
