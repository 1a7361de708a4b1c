"""Age bands, read from consent/bands.yml (data a facilitator may change, not code)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.datafiles import DataFileError, Fields, NodeReader, load_yaml
from bot.i18n import _s

BANDS_FILE = Path(__file__).resolve().parent / "bands.yml"
TEXT_VARIANTS = ("nino", "adolescente", "joven")
BAND_ID = re.compile(r"[0-9]{1,2}-[0-9]{1,2}")


class BandsError(DataFileError):
    """The bands file is malformed; the message names the file, the line and the fix, in
    the staff language (a facilitator edits this file)."""


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
            raise self.empty(_s("ponga las franjas de edad debajo de 'bands:'"))
        file = _s("el archivo de franjas de edad")
        top = self.mapping(root, file, None)
        items = self.sequence(self.required(top, root, "bands", file), "'bands'", _s("franja"))
        bands: list[Band] = []
        for number, node in enumerate(items, start=1):
            what = _s("la franja {number}").format(number=number)
            fields = self.mapping(node, what, None)
            id_node = self.required(fields, node, "id", what)
            band_id = self.text(id_node, _s("el id de {what}").format(what=what))
            if not BAND_ID.fullmatch(band_id):
                raise self.fail(
                    id_node,
                    _s("el id de franja {band} no tiene la forma '13-15'").format(
                        band=repr(band_id)
                    ),
                    _s('escriba las edades como DESDE-HASTA, p. ej. "13-15"'),
                )
            low, high = (int(part) for part in band_id.split("-"))
            if low > high:
                raise self.fail(
                    id_node,
                    _s("la franja {band} termina antes de empezar").format(band=band_id),
                    _s("intercambie las edades"),
                )
            if bands and low <= int(bands[-1].id.split("-")[1]):
                raise self.fail(
                    id_node,
                    _s("la franja {band} se traslapa con {previous} o va antes").format(
                        band=band_id, previous=bands[-1].id
                    ),
                    _s("ponga las franjas de menor a mayor edad, sin traslapes"),
                )
            texts_node = self.required(fields, node, "texts", what)
            texts = self.text(texts_node, _s("'texts' de {what}").format(what=what))
            if texts not in TEXT_VARIANTS:
                raise self.fail(
                    texts_node,
                    _s("texto de asentimiento desconocido {texts}").format(texts=repr(texts)),
                    _s("use uno de estos: {choices}").format(choices=", ".join(TEXT_VARIANTS)),
                )
            label = self.text(
                self.required(fields, node, "label", what),
                _s("la etiqueta de {what}").format(what=what),
            )
            bands.append(Band(band_id, label, texts))
        return Bands(
            tuple(bands), self.outside(top, root, "younger"), self.outside(top, root, "older")
        )

    def outside(self, top: Fields, root: yaml.Node, key: str) -> str:
        """The label of the button for ages before the first band or after the last."""
        node = self.required(top, root, key, _s("el archivo de franjas de edad"))
        fields = self.mapping(node, f"'{key}'", None)
        return self.text(
            self.required(fields, node, "label", f"'{key}'"),
            _s("la etiqueta de {what}").format(what=f"'{key}'"),
        )


def load_bands(path: Path = BANDS_FILE) -> Bands:
    """The bands of `path`. A malformed file raises BandsError naming file, line and fix."""
    return _Reader(path).bands(load_yaml(path, BandsError))
