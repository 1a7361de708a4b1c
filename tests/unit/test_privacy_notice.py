"""The privacy notice (/privacidad, docs/privacy.md): per band, naming who is responsible
from the settings, and saying what the code keeps, for how long and who reads it."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.campaigns.results import SMALLEST_SHOWN
from bot.engine import Inbound, Kind
from bot.runtime import engine_for
from bot.settings import EXCERPT_RETENTION_MAX_DAYS, ROOT, Settings
from consent import notice
from consent.bands import load_bands
from consent.chosen import KEPT_FOR
from consent.document import render_privacy
from tests.fakes.participants import participant

CHILD = "c" * 32


def test_the_committed_privacy_notice_is_current():
    committed = (ROOT / "docs" / "privacy.md").read_text(encoding="utf-8")
    assert committed == render_privacy(), "regenerate: python -m bot privacy-doc > docs/privacy.md"


@pytest.mark.parametrize("variant", sorted({band.texts for band in load_bands().bands}))
def test_every_band_is_told_what_ley_8968_asks_and_what_the_code_keeps(variant):
    text = "\n".join(notice.notice(variant, "Fundación Ejemplo", "datos@ejemplo.org"))
    assert "Fundación Ejemplo" in text and "datos@ejemplo.org" in text  # who, how to reach
    assert "Qué guardamos" in text and "Quién lo ve" in text  # purposes, recipients
    assert f"a más tardar {EXCERPT_RETENTION_MAX_DAYS} días" in text  # Cases' retention
    assert f"menos de {SMALLEST_SHOWN}" in text  # the results' suppression
    # results_requests (bot.campaigns.feedback): the address kept until the results are sent
    assert "los resultados de una consulta" in text and "resultados" in text.split("tiempo")[1]
    # chosen_bands (consent.chosen): the band, forgotten after KEPT_FOR idle.
    assert KEPT_FOR == timedelta(hours=2) and "dos horas sin usar el bot" in text
    # bot.helplines: a place the child names is used for that answer and stored nowhere
    # (tests/unit/test_helplines.py).
    assert "solo para esa respuesta" in text
    # Rights, and how to use them.
    assert "/borrar" in text and "/salir" in text and "con un botón que ya no le escriban" in text
    assert "PRODHAB" in text


def test_the_organisation_comes_from_the_settings(monkeypatch):
    monkeypatch.setenv("ORGANISATION_NAME", "Fundación Ejemplo")
    monkeypatch.setenv("ORGANISATION_CONTACT", "datos@ejemplo.org")
    settings = Settings.from_env(dotenv=None)
    assert (settings.organisation_name, settings.organisation_contact) == (
        "Fundación Ejemplo",
        "datos@ejemplo.org",
    )
    assert notice.notice("nino", None, None)[1] == notice.NOT_CONFIGURED
    assert "Fundación" not in (ROOT / "consent" / "notice.py").read_text(encoding="utf-8")


async def test_privacidad_speaks_in_the_words_of_the_childs_band(assistant, database):
    engine = engine_for(assistant, database, responsible=("Fundación Ejemplo", "datos@ejemplo.org"))
    unknown = await engine.handle(
        Inbound(CHILD, Kind.COMMAND, "privacidad", participant=participant(CHILD))
    )
    assert unknown[0].text == "\n\n".join(
        notice.notice("nino", "Fundación Ejemplo", "datos@ejemplo.org")
    )  # in doubt, the younger status applies
    await engine.handle(Inbound(CHILD, Kind.COMMAND, "start", participant=participant(CHILD)))
    for data in ("c:band:16-17", "c:read", "c:q:0", "c:yes"):
        await engine.handle(Inbound(CHILD, Kind.BUTTON, data, participant=participant(CHILD)))
    known = await engine.handle(
        Inbound(CHILD, Kind.COMMAND, "privacidad", participant=participant(CHILD))
    )
    assert known[0].text == "\n\n".join(
        notice.notice("adolescente", "Fundación Ejemplo", "datos@ejemplo.org")
    )
    assert "/privacidad para saber qué se guarda" in engine.unknown_command
