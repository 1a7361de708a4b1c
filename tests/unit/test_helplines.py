"""The help services a child reads come from the referral directory (bot.helplines): only
verified ones, those for what the answer is about, for the child's age, and for the place
the child named in that message, which is used for that answer only and kept nowhere."""

from __future__ import annotations

import pytest
from sqlalchemy import MetaData, select

from bot.awareness.schema import load_lessons
from bot.engine import Inbound, Kind
from bot.helplines import (
    AUDIENCE_OF_TEXTS,
    NONE_FITS,
    TOPIC_OF_CATEGORY,
    Helplines,
    region_in,
    topic_of_intent,
)
from bot.referrals import REFERRALS_FILE, SERVICES, TOPICS, load_referrals
from bot.runtime import engine_for
from bot.triage import categories
from consent import texts
from consent.bands import TEXT_VARIANTS, load_bands
from tests.fakes.assistant import FakeAssistant

CHILD = "c" * 32
PANI = "📞 PANI: 1147."
EMERGENCIAS = "🚨 Emergencias: 911."
# Added to a copy of the shipped directory: a verified self-harm line for 13-24, a verified
# line in Limón, and a line nobody verified that would fit every child and topic.
EXTRA = """
  - id: linea-prueba
    name: Línea de prueba
    number: "2222-1111"
    hours: De lunes a viernes.
    serves: [adolescencia, adultos]
    topics: [autolesion]
    region: nacional
    source: una prueba
    verified: 2026-12-01

  - id: limon-prueba
    name: Oficina de Limón
    number: "2758-0000"
    hours: De lunes a viernes.
    serves: [ninez, adolescencia, adultos]
    topics: [general]
    region: limon
    source: una prueba
    verified: 2026-12-01

  - id: sin-verificar
    name: Línea sin verificar
    number: "8888-0000"
    hours: A toda hora.
    serves: [ninez, adolescencia, adultos, migrantes]
    topics: [general, emergencia, trata, autolesion, abuso, grooming, explotacion_sexual]
    region: nacional
"""
UNVERIFIED = "8888-0000"
SELF_HARM_LINE = "2222-1111"
LIMON = "2758-0000"


@pytest.fixture
def helplines(tmp_path) -> Helplines:
    path = tmp_path / "referrals.yml"
    path.write_text(REFERRALS_FILE.read_text(encoding="utf-8") + EXTRA, encoding="utf-8")
    return Helplines(load_referrals(path))


@pytest.fixture
def assistant() -> FakeAssistant:
    return FakeAssistant(
        {
            "¿a qué número llamo?": "preguntar_informacion",
            "vivo en limón, ¿a qué número llamo?": "preguntar_informacion",
            "vivo en quepos, ¿a qué número llamo?": "preguntar_informacion",
            "me quiero hacer daño": "revelar_autolesion",
            "me tienen trabajando sin pago": "revelar_trata",
            "¿qué es la trata?": "faq_que_es_trata",
        }
    )


@pytest.fixture
def engine(assistant, database, helplines):
    engine = engine_for(assistant, database)
    engine.helplines = helplines
    return engine


async def say(engine, text: str) -> str:
    replies = await engine.handle(Inbound(CHILD, Kind.TEXT, text, address="telegram:42"))
    return "\n".join(reply.text for reply in replies)


async def press(engine, data: str) -> str:
    replies = await engine.handle(Inbound(CHILD, Kind.BUTTON, data, address="telegram:42"))
    return "\n".join(reply.text for reply in replies)


async def command(engine, name: str) -> str:
    replies = await engine.handle(Inbound(CHILD, Kind.COMMAND, name, address="telegram:42"))
    return "\n".join(reply.text for reply in replies)


async def choose_band(engine, band: str) -> None:
    """The child picks `band` at /start and declines: the band words the conversation."""
    await command(engine, "start")
    texts_of = load_bands().get(band)
    assert texts_of is not None
    right = texts.QUESTIONS[texts_of.texts].correct
    for data in (f"c:band:{band}", "c:read", f"c:q:{right}", "c:no"):
        await press(engine, data)


# -- the shipped directory, as a child of each age reads it ---------------------------------


def test_children_and_adolescents_get_pani_and_911_and_adults_911_only():
    helplines = Helplines.load()
    for audience in ("ninez", "adolescencia"):
        block = helplines.block(audience=audience)
        assert block.splitlines() == [
            "📞 PANI: 1147. La llamada es gratis. Las oficinas del PANI cierran los fines de "
            "semana.",
            "🚨 Emergencias: 911. Para cuando hay peligro ahora mismo. También recibe denuncias.",
        ]
    # The PANI serves children and adolescents: an adult of 18-24 is not sent there.
    assert helplines.block(audience="adultos").splitlines() == [
        "🚨 Emergencias: 911. Para cuando hay peligro ahora mismo. También recibe denuncias."
    ]
    assert helplines.block() == helplines.block(audience="ninez")  # age unknown: the youngest


def test_every_band_wording_and_triage_category_has_its_place_in_the_directory():
    assert set(AUDIENCE_OF_TEXTS) == set(TEXT_VARIANTS)
    assert set(TOPIC_OF_CATEGORY) == categories.LABELS
    assert set(TOPIC_OF_CATEGORY.values()) <= set(TOPICS)
    assert topic_of_intent("revelar_autolesion") == "autolesion"
    assert topic_of_intent("faq_senales_de_trata") == "trata"
    assert topic_of_intent("faq_que_es_trata") == "trata"
    assert topic_of_intent("ver_ayuda") == "general"


def test_when_nothing_verified_fits_the_child_is_told_that_ayuda_reaches_a_person(tmp_path):
    path = tmp_path / "referrals.yml"
    path.write_text("version: 1\nservices:\n" + EXTRA, encoding="utf-8")
    assert Helplines(load_referrals(path)).block("trata", "ninez") == NONE_FITS
    assert "AYUDA" in NONE_FITS


@pytest.mark.parametrize(
    ("text", "region"),
    [
        ("vivo en Limón", "limon"),
        ("soy de JACÓ y tengo miedo", "jaco"),
        ("estoy en san josé", "san-jose"),
        ("vivo en La Cruz, Guanacaste", "la-cruz"),
        ("me ayudó la Cruz Roja", None),  # not the place
        ("vivo entre Quepos y Parrita", None),  # two places: national services, no guess
        ("¿a qué número llamo?", None),
    ],
)
def test_a_place_is_read_only_when_the_child_names_one(text, region):
    assert region_in(text) == region


def test_the_wrong_topic_or_region_is_a_programming_error_not_a_silent_default():
    with pytest.raises(ValueError, match="unknown referral topic"):
        Helplines.load().block("suicidio")
    with pytest.raises(ValueError, match="unknown region"):
        Helplines.load().block(region="Limón")


# -- through the engine ---------------------------------------------------------------------


async def test_an_unverified_entry_in_the_file_is_never_shown_anywhere(engine):
    """Every answer that gives services, for every band: the unverified line fits them all
    (every topic, audience and region) and is in the file, and no child ever reads it."""
    said = [
        await command(engine, "ayuda"),
        await say(engine, "¿a qué número llamo?"),
        await say(engine, "¿qué es la trata?"),
        await say(engine, "me tienen trabajando sin pago"),  # a disclosure: a case
        await press(engine, "l:o:donde-pedir-ayuda"),
    ]
    for band in ("9-12", "13-15", "16-17", "18-24"):
        await choose_band(engine, band)
        said.append(await command(engine, "ayuda"))
        said.append(await say(engine, "vivo en limón, ¿a qué número llamo?"))
        said.append(await press(engine, "l:o:donde-pedir-ayuda"))
    assert all("911" in text for text in said)  # services were given in each
    assert not [text for text in said if UNVERIFIED in text or "sin verificar" in text]
    assert not [text for text in said if SERVICES in text]


async def test_help_lines_answers_pick_by_topic(engine):
    await choose_band(engine, "13-15")
    assert SELF_HARM_LINE in await say(engine, "me quiero hacer daño")  # the disclosure
    assert SELF_HARM_LINE not in await say(engine, "me tienen trabajando sin pago")
    assert SELF_HARM_LINE not in await command(engine, "ayuda")
    assert SELF_HARM_LINE not in await say(engine, "¿qué es la trata?")


async def test_help_lines_answers_pick_by_the_childs_age_band(engine):
    await choose_band(engine, "9-12")
    young = await command(engine, "ayuda")
    assert PANI in young and SELF_HARM_LINE not in await say(engine, "me quiero hacer daño")
    await choose_band(engine, "18-24")
    adult = await command(engine, "ayuda")
    assert PANI not in adult and EMERGENCIAS in adult
    assert PANI not in await say(engine, "¿qué es la trata?")
    assert PANI not in await press(engine, "l:o:donde-pedir-ayuda")


async def test_a_child_whose_age_is_not_known_is_given_the_youngests_services(engine):
    assert PANI in await command(engine, "ayuda")
    assert SELF_HARM_LINE not in await say(engine, "me quiero hacer daño")  # for 13-24 only


async def test_a_place_the_child_names_adds_its_services_for_that_answer_only(engine, database):
    assert LIMON in await say(engine, "vivo en limón, ¿a qué número llamo?")
    assert LIMON not in await say(engine, "vivo en quepos, ¿a qué número llamo?")
    assert LIMON not in await say(engine, "¿a qué número llamo?")  # not remembered
    # ... and written nowhere: no table holds the place.
    metadata = MetaData()
    metadata.reflect(database.engine)
    with database.engine.connect() as connection:
        for table in metadata.sorted_tables:
            for row in connection.execute(select(table)):
                assert not any("lim" in str(value).lower() for value in row), table.name


async def test_the_answers_about_a_case_give_the_services_too(engine):
    said = await say(engine, "me tienen trabajando sin pago")
    assert PANI in said and EMERGENCIAS in said
    case = next(
        reply.buttons[0][0].data
        for reply in await engine.handle(
            Inbound(CHILD, Kind.TEXT, "me tienen trabajando sin pago", address="telegram:42")
        )
        if reply.buttons and reply.buttons[0][0].data.startswith("t:yes:")
    )
    confirmed = await press(engine, case)
    assert PANI in confirmed and SERVICES not in confirmed


def test_lesson_08_takes_its_numbers_from_the_directory():
    messages = load_lessons()["donde-pedir-ayuda"].messages
    (services,) = [message for message in messages if SERVICES in message]
    assert not any(ch.isdigit() for ch in services)
    # The only number left by hand is "si es urgente, llame al 911", the emergency line.
    assert not any("1147" in message for message in messages)


async def test_a_disclosure_is_answered_with_services_when_the_band_cannot_be_read(engine):
    """Storage down: the band is unknown, so the youngest's services; the answer still comes."""

    def broken(user: str) -> str:
        raise RuntimeError("database is locked")

    engine.consent.consent.reading_band = broken
    said = await say(engine, "me tienen trabajando sin pago")
    assert PANI in said and EMERGENCIAS in said and SERVICES not in said
