"""The referral directory (content/referrals.yml): only verified services reach a child,
the services picked fit the situation, and a malformed file is refused naming the file,
the line and the fix."""

from __future__ import annotations

import re
import textwrap
from datetime import date

import pytest
import yaml

from bot.awareness.schema import load_lessons
from bot.referrals import REFERRALS_FILE, SERVICES, ReferralsError, load_referrals, main
from bot.settings import ROOT
from bot.triage import answers

TODAY = date(2026, 12, 4)
VALID = """\
version: 1
services:
  - id: pani-1147
    name: PANI
    number: "1147"
    hours: llamada gratis
    serves: [ninez, adolescencia]
    topics: [general]
    region: nacional
    source: Teletica 2014
    verified: 2026-12-01
  - id: linea-local
    name: Línea de Limón
    number: "2222-3333"
    hours: de lunes a viernes
    serves: [adultos]
    topics: [trata]
    region: limon
    source: un afiche de la municipalidad
    verified: 2026-11-30
  - id: sin-fuente
    name: Línea sin fuente
    number: "1234"
    hours: a toda hora
    serves: [ninez, adolescencia, adultos]
    topics: [autolesion]
    region: nacional
"""


def write(tmp_path, text: str):
    path = tmp_path / "referrals.yml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_shipped_directory_shows_only_the_verified_helplines_and_the_texts_take_them_from_it():
    directory = load_referrals()
    shown = {service.number for service in directory.shown()}
    assert shown == {"1147", "911"}  # DESIGN.md: the only numbers checked for publication
    lines = yaml.safe_load((ROOT / "domain" / "conversacion.yml").read_text(encoding="utf-8"))
    helplines = lines["responses"]["utter_lineas_de_ayuda"][0]["text"]
    # The help-lines answers name no number by hand: the engine fills them (bot.helplines).
    for text in (answers.HELPLINES, helplines):
        assert SERVICES in text and not re.search(r"\d", text), text


def test_a_service_without_a_source_is_kept_but_never_shown(tmp_path):
    directory = load_referrals(write(tmp_path, VALID), TODAY)
    assert [s.id for s in directory.services] == ["pani-1147", "linea-local", "sin-fuente"]
    assert [s.id for s in directory.shown()] == ["pani-1147", "linea-local"]
    assert directory.pick("autolesion", "adolescencia") == directory.pick("general")[:1]


def test_pick_chooses_by_topic_audience_and_region(tmp_path):
    directory = load_referrals(write(tmp_path, VALID), TODAY)
    ids = lambda services: [s.id for s in services]  # noqa: E731
    # A regional service only for a child who said they are there; national ones for all.
    assert ids(directory.pick("trata")) == ["pani-1147"]
    assert ids(directory.pick("trata", region="limon")) == ["pani-1147", "linea-local"]
    assert ids(directory.pick("trata", region="quepos")) == ["pani-1147"]
    assert ids(directory.pick("trata", "adultos")) == []  # PANI serves minors
    assert ids(directory.pick("trata", "adultos", "limon")) == ["linea-local"]
    assert ids(directory.pick("abuso", "adultos")) == []
    assert directory.shown()[0].line_for_child() == "📞 PANI: 1147. Llamada gratis."


def test_the_checker_says_ok_and_counts_what_is_shown(capsys):
    assert main([str(REFERRALS_FILE)]) == 0
    assert "2 verificados (los únicos que se muestran)" in capsys.readouterr().out


def test_the_directory_is_not_read_as_a_lesson():
    assert all(lesson.source.name != "referrals.yml" for lesson in load_lessons().values())


@pytest.mark.parametrize(
    ("old", "new", "line", "problem", "fix"),
    [
        ("    hours: llamada gratis", "    horas: llamada gratis", 6,
         "clave desconocida 'horas'", "¿quiso decir 'hours'?"),
        ('    number: "1147"', "    number: 1147 gratis", 5,
         "'number' de la entrada 1 no es válido", 'entre comillas, p. ej. "1147"'),
        ("    verified: 2026-12-01", "    verified: 2027-01-01", 11,
         "es una fecha futura (2027-01-01)", "el día en que alguien revisó la fuente"),
        ("    verified: 2026-12-01", "    verified: 1/12/2026", 11,
         "no es una fecha", "AAAA-MM-DD"),
        ("    source: Teletica 2014\n", "", 10,
         "la entrada 1 tiene 'verified' pero no 'source'", "agregue 'source' o quite las dos"),
        ("    topics: [trata]", "    topics: [trafico]", 17,
         "'trafico' no es un valor de 'topics'", "use uno de estos: emergencia, trata"),
        ("    region: limon", "    region: Limón", 18,
         "'region' de la entrada 2 no es válido", "use uno de estos: nacional, san-jose"),
        ("  - id: linea-local", "  - id: pani-1147", 12,
         "el id 'pani-1147' ya lo usa el servicio de la línea 3", "su propio id"),
    ],
)  # fmt: skip
def test_a_malformed_directory_names_the_file_the_line_and_the_fix(
    tmp_path, old, new, line, problem, fix
):
    assert old in VALID
    path = write(tmp_path, VALID.replace(old, new, 1))
    with pytest.raises(ReferralsError) as raised:
        load_referrals(path, TODAY)
    message = str(raised.value)
    assert message.startswith(f"{path}:{line}: "), message
    assert problem in message and "Solución:" in message and fix in message, message


def test_an_empty_directory_says_how_to_start_it(tmp_path):
    with pytest.raises(ReferralsError, match=r"referrals.yml:1: el archivo está vacío"):
        load_referrals(write(tmp_path, textwrap.dedent("# nada\n")), TODAY)
