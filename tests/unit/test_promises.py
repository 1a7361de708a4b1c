"""What the bot tells children about privacy and help, pinned to what the code does.

Each test reads a child-facing statement (a Rasa response in domain/, a gettext text, an
assent text, a lesson) and checks the behaviour it describes, so that neither can change
without the other: /borrar, /salir, the excerpt kept for officers, the consent receipt and
participation marker, contact with a protection person, and the advice on intimate images.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
import yaml
from babel.messages.pofile import read_po
from sqlalchemy import select

from bot.awareness.schema import load_lessons
from bot.campaigns import survey
from bot.campaigns.schema import load_campaign
from bot.engine import ERASED, Engine, Inbound, Kind
from bot.escalation import Cases, Disclosure
from bot.escalation.cards import render_card
from bot.escalation.cases import CONTACT_ENDED, EXCERPT_RETENTION
from bot.runtime import engine_for
from bot.settings import EXCERPT_RETENTION_MAX_DAYS, ROOT, Settings, SettingsError
from bot.storage import Escalation
from bot.storage.conversation import ConversationState
from bot.triage import answers
from consent import texts
from consent.models import ConsentReceipt
from tests.fakes.participants import participant

CHILD = "c" * 32
DISCLOSURE = "un señor me pide fotos sin ropa"


def responses() -> dict[str, str]:
    """Every Rasa response text, by name."""
    found: dict[str, str] = {}
    for path in sorted((ROOT / "domain").glob("*.yml")):
        domain = yaml.safe_load(path.read_text(encoding="utf-8"))
        for name, variants in (domain.get("responses") or {}).items():
            found[name] = " ".join(variant["text"] for variant in variants)
    return found


def catalog_texts() -> list[str]:
    """Every text of the children's catalog (Spanish is the source: msgid is the text)."""
    path = ROOT / "locales" / "es" / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as po:
        return [str(message.id) for message in read_po(po) if message.id]


def lesson_texts() -> list[str]:
    found = []
    for lesson in load_lessons().values():
        for band in (None, "9-12", "13-15", "16-17", "18-24"):
            found.extend(lesson.messages_for(band))
        for band in (None, "9-12", "13-15", "16-17", "18-24"):
            for question in lesson.quiz_for(band):
                found.append(question.text)
                for option in question.options:
                    found.extend((option.text, option.feedback))
    return found


def child_texts() -> list[str]:
    return [*responses().values(), *catalog_texts(), *lesson_texts()]


def fold(text: str) -> str:
    return " ".join(text.split())


# -- the excerpt kept for officers -------------------------------------------------------


def test_privacy_texts_state_the_excerpt_retention_that_cases_apply(monkeypatch):
    said = responses()
    promise = f"se borra a más tardar {EXCERPT_RETENTION_MAX_DAYS} días después de que se cierra"
    for name in ("utter_privacidad", "utter_faq_es_anonimo"):
        assert promise in said[name], name
        # A message to the officer waits in the outbox until delivered, then its words go
        # (tests/integration/test_telegram.py checks the body is None once delivered).
        assert "lo que usted le conteste se guarda solo hasta que le llega" in said[name], name
        assert "no se guarda, con una excepción" in said[name], name
    # What the code applies by default, and what an operator may set, keep that promise.
    assert EXCERPT_RETENTION == timedelta(days=EXCERPT_RETENTION_MAX_DAYS)
    monkeypatch.delenv("EXCERPT_RETENTION_DAYS", raising=False)
    assert Settings.from_env(dotenv=None).excerpt_retention_days == EXCERPT_RETENTION_MAX_DAYS
    monkeypatch.setenv("EXCERPT_RETENTION_DAYS", str(EXCERPT_RETENTION_MAX_DAYS + 1))
    with pytest.raises(SettingsError, match="EXCERPT_RETENTION_DAYS='31'.*domain/faq.yml"):
        Settings.from_env(dotenv=None)


def test_the_excerpt_is_erased_once_the_promised_days_have_passed(database):
    now = datetime(2026, 12, 1, 12, 0)
    cases = Cases(database, clock=lambda: now)
    case_id = cases.open(CHILD, Disclosure("high", "abuse", "self"), DISCLOSURE)
    with database.session() as session:
        session.get(Escalation, case_id).resolved_at = now - EXCERPT_RETENTION + timedelta(hours=1)
    assert cases.purge_expired() == 0  # not yet: the text says "a más tardar", not before
    now += timedelta(hours=2)
    assert cases.purge_expired() == 1
    with database.session() as session:
        assert session.get(Escalation, case_id).excerpt is None


# -- what a consultation stores ----------------------------------------------------------


def test_the_notice_says_how_long_a_half_answered_consultation_is_kept(database):
    hours = int(survey.ABANDONED_AFTER / timedelta(hours=1))
    for variant, paragraphs in texts.NOTICE.items():
        said = " ".join(paragraphs)
        assert re.search(rf"a medias, (se borran a las )?{hours} horas", said), variant
    now = [datetime(2027, 2, 10, 18, 0)]
    campaign = load_campaign(ROOT / "campaigns" / "seguridad-en-linea.yml")
    surveys = survey.Surveys(database, clock=lambda: now[0])
    surveys.start(CHILD, campaign, "13-15", participant(CHILD))
    now[0] += survey.ABANDONED_AFTER - timedelta(minutes=1)
    assert surveys.active(CHILD)
    now[0] += timedelta(minutes=2)
    assert not surveys.active(CHILD)  # and the row was deleted by that read
    with database.session() as session:
        assert session.scalars(select(ConversationState)).all() == []


def test_assent_texts_name_what_a_receipt_and_a_participation_marker_keep():
    from bot.campaigns.tables import Participation

    # The texts below describe exactly these columns; a new column needs new words.
    assert {c.name for c in ConsentReceipt.__table__.columns} == {
        "id", "user", "campaign", "text_version", "band", "given_on",
    }  # fmt: skip
    assert {c.name for c in Participation.__table__.columns} == {
        "campaign", "user", "completed_on",
    }  # fmt: skip
    for variant, paragraphs in texts.ASSENT.items():
        stored = fold(" ".join(paragraphs)).lower()
        assert "totales" in stored or "cuántas personas" in stored, variant
        assert "edad" in stored and "fecha" in stored, variant  # the receipt
        assert "no contarle dos veces" in stored, variant  # the participation marker
        assert "solo guardamos" not in stored and "solo cuántas" not in stored, variant
    faq = responses()["utter_faq_consultas_anonimas"]
    assert "no contarle dos veces" in faq and "/borrar" in faq


def test_a_wrong_answer_to_the_assent_check_is_never_called_nearly_right():
    for question in texts.QUESTIONS.values():
        assert not question.explanation.startswith("Casi"), question.explanation


# -- /borrar and /salir ------------------------------------------------------------------


async def test_borrar_says_what_stays_on_the_phone_and_how_to_delete_the_chat(assistant, database):
    engine = engine_for(assistant, database)
    replies = await engine.handle(
        Inbound(CHILD, Kind.COMMAND, "borrar", participant=participant(CHILD))
    )
    said = replies[0].text
    assert said.startswith(ERASED.split("{", 1)[0])
    assert "esta conversación" not in said  # the bot cannot delete the Telegram chat
    assert "siguen en su teléfono" in said and "«Eliminar chat»" in said


async def test_salir_says_finished_things_stay_when_a_receipt_exists(assistant, database):
    engine = engine_for(assistant, database)
    await engine.handle(Inbound(CHILD, Kind.COMMAND, "start", participant=participant(CHILD)))
    for data in ("c:band:13-15", "c:read", "c:q:0", "c:yes"):
        await engine.handle(Inbound(CHILD, Kind.BUTTON, data, participant=participant(CHILD)))
    replies = await engine.handle(
        Inbound(CHILD, Kind.COMMAND, "salir", participant=participant(CHILD))
    )
    said = " ".join(reply.text for reply in replies)
    with database.session() as session:
        assert session.scalars(select(ConsentReceipt.user)).all() == [CHILD]  # it stays
    assert "No se guardó nada" not in said
    assert "sigue guardado" in said and "/borrar" in said and "borre el chat" in said


# -- contact with a protection person ----------------------------------------------------


def test_the_officers_card_says_the_contact_ended_and_the_case_is_still_open(database):
    cases = Cases(database)
    case_id = cases.open(CHILD, Disclosure("high", "abuse", "self"), DISCLOSURE)
    with database.session() as session:
        case = session.get(Escalation, case_id)
        text, buttons = render_card(case, CONTACT_ENDED, repeat=False, now=case.created_at)
    assert text.startswith("🔕 Contacto terminado en el caso VS-")
    assert "no se le puede escribir por aquí" in text and "sigue abierto" in text
    assert buttons  # the officers can still take and close it


def test_texts_about_a_protection_person_promise_no_time_they_cannot_keep():
    for text in map(fold, child_texts()):
        assert "ya lo sabe" not in text, text  # said before the card is even delivered
        # "le va a escribir", "le responde": a promise of an answer, which needs its honest
        # time frame ("ya no le va a escribir" promises the opposite).
        if re.search(r"(?<!no )le va a escribir|le responde", text):
            assert "lo antes posible" in text, text
    for text in (answers.CONTACT_ACCEPTED, *lesson_texts()):
        if "lo antes posible" in text:
            assert "911" in text, text
    assert "lo antes posible" in responses()["utter_faq_horario_bot"]


async def test_help_command_offers_the_help_button_and_says_ayuda_reaches_a_person(
    assistant, database
):
    engine = Engine(assistant, Cases(database))
    replies = await engine.handle(
        Inbound(CHILD, Kind.COMMAND, "ayuda", participant=participant(CHILD))
    )
    said = " ".join(reply.text for reply in replies)
    assert "escriba AYUDA" in said and "persona de protección lo sabe" in said
    [button] = [b for reply in replies for row in reply.buttons for b in row]
    assert button.label == "Necesito ayuda"
    pressed = await engine.handle(
        Inbound(CHILD, Kind.BUTTON, button.data, participant=participant(CHILD))
    )
    assert answers.TOLD in pressed[0].text  # the button does what the text says
    with database.session() as session:
        assert session.scalars(select(Escalation.category)).all() == ["help_request"]


# -- honest answers about family and PANI; intimate images -------------------------------


def test_family_and_pani_answers_are_honest_and_gentle():
    said = responses()
    family = said["utter_faq_le_cuentan_a_mis_papas"]
    assert not family.startswith("No")
    assert "no le escribe ni le llama a su familia" in family  # what the bot does
    assert "hablar con un adulto que le cuide" in family  # what an officer may do
    pani = said["utter_faq_pani_me_quita_de_casa"]
    assert "otro lugar seguro" in pani and "a que le escuchen" in pani


def test_no_text_tells_a_child_to_keep_screenshots_and_sextortion_advice_says_why():
    for text in child_texts():
        assert "captura" not in text.lower(), text
    said = responses()
    never = "Nunca guarde, mande ni reenvíe una foto íntima, ni siquiera como prueba."
    for name in ("utter_faq_que_es_sextorsion", "utter_faq_amenaza_publicar_fotos"):
        assert never in said[name] and "nombre de usuario y los mensajes" in said[name], name
    assert any(never in fold(text) for text in lesson_texts())


def test_words_a_child_of_9_to_12_would_not_know_are_not_left_unexplained():
    """Issue 13: "consultas anónimas", "voluntario", "capta, traslada o retiene" read by a
    9-12 child without an explanation; a 9-12 child reads "sin decir su nombre" instead."""
    from tests.quality.test_readability import for_the_youngest

    for where, text in for_the_youngest():
        for word in ("anónim", "voluntari", "capta", "traslada", "retiene"):
            assert word not in text.lower(), f"{where}: {text[:80]!r}"


def test_no_child_text_uses_a_masculine_default_for_the_child():
    for text in child_texts():
        for slip in ("el adolescente", " acompañado,", "sentir incómodo,"):
            assert slip not in text, text
