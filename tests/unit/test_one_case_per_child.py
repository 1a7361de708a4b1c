"""One open case per child: later disclosures (and edits) update the child's open case and
queue a short «nuevo mensaje en el caso» card, instead of opening a case each (issue 15)."""

from __future__ import annotations

import threading
from datetime import datetime

from sqlalchemy import select, text

from bot.engine import Engine, Inbound, Kind
from bot.escalation import Cases, Disclosure
from bot.escalation.cards import render_card
from bot.escalation.cases import CASE_EXCERPT_LIMIT, grow_excerpt
from bot.escalation.officers import Officers
from bot.storage import Escalation, OutboxMessage
from bot.triage import answers
from tests.conftest import migrate_to
from tests.fakes.assistant import FakeAssistant

CHILD = "c" * 32
ADDRESS = "telegram:777"
DISCLOSURES = (
    "ayuda",
    "me quiero matar hoy",
    "quiero morir ya",
    "mi tío me toca",
    "me pegan en la casa",
    "ayuda por favor",
    "AYUDA!!",
    "auxilio",
    "me quiero morir",
    "me quiero matar 3",
)


def cases_of(database) -> list[Escalation]:
    with database.session() as session:
        return list(session.scalars(select(Escalation).order_by(Escalation.id)))


def rows(database) -> list[OutboxMessage]:
    with database.session() as session:
        return list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def texts(replies) -> str:
    return "\n".join(reply.text for reply in replies)


async def test_ten_disclosures_and_edits_keep_one_open_case_and_the_officers_see_each(database):
    engine = Engine(FakeAssistant(), Cases(database))
    for number, words in enumerate(DISCLOSURES):
        kind = Kind.EDITED if number % 2 else Kind.TEXT
        replies = await engine.handle(Inbound(CHILD, kind, words, address=ADDRESS))
        assert answers.TOLD in replies[0].text  # never ignored: the same kind answer
    (case,) = cases_of(database)
    assert [row.kind for row in rows(database)] == ["alert"] + ["more"] * 9
    assert case.excerpt.startswith("ayuda\n") and case.excerpt.endswith("me quiero matar 3")
    with database.session() as session:
        stored = session.get(Escalation, case.id)
        more = rows(database)[-1]
        text, buttons = render_card(stored, "more", False, datetime.utcnow(), more.body)
    assert text.startswith(f"📝 Nuevo mensaje en el caso {case.case_number}")
    assert "«me quiero matar 3»" in text and CHILD not in text and "777" not in text
    assert buttons  # the officer can take the case from the update too


async def test_an_update_does_not_ask_again_for_contact_the_child_already_answered(database):
    engine = Engine(FakeAssistant(), Cases(database))
    first = await engine.handle(Inbound(CHILD, Kind.TEXT, "me quiero matar", address=ADDRESS))
    assert answers.CONTACT in texts(first)
    (case,) = cases_of(database)
    await engine.handle(Inbound(CHILD, Kind.BUTTON, f"t:nocontact:{case.id}", address=ADDRESS))
    again = await engine.handle(Inbound(CHILD, Kind.TEXT, "quiero morir", address=ADDRESS))
    assert answers.TOLD in texts(again) and answers.ASK in texts(again)
    assert answers.CONTACT not in texts(again)
    # AYUDA brings the question back, as the answer to "No, gracias" promised.
    help_again = await engine.handle(Inbound(CHILD, Kind.TEXT, "ayuda", address=ADDRESS))
    assert answers.CONTACT in texts(help_again)
    assert len(cases_of(database)) == 1


def test_an_emergency_raises_a_high_case_and_its_update_is_an_emergency_card(database):
    cases = Cases(database)
    first = cases.file(CHILD, Disclosure("high", "abuse", "self"), "me pega")
    second = cases.file(CHILD, Disclosure("emergency", "abuse", "self"), "ahora mismo")
    later = cases.file(CHILD, Disclosure("high", "abuse", "self"), "sigue")
    assert first.case_id == second.case_id == later.case_id and second.updated
    (case,) = cases_of(database)
    assert case.urgency == "emergency"  # never lowered again by a later high one
    text, _buttons = render_card(case, "more", False, datetime.utcnow(), "ahora mismo")
    assert "EMERGENCIA" in text


def test_a_closed_case_does_not_take_new_disclosures(database):
    cases = Cases(database)
    first = cases.file(CHILD, Disclosure("high", "abuse", "self"), "uno")
    Officers(database).act(first.case_id, "resolve", "officer_1")
    second = cases.file(CHILD, Disclosure("high", "abuse", "self"), "dos")
    assert second.case_id != first.case_id and not second.updated
    assert [case.open_for for case in cases_of(database)] == [None, CHILD]


def test_erasure_leaves_no_pseudonym_on_the_open_case(database):
    cases = Cases(database)
    cases.file(CHILD, Disclosure("high", "abuse", "self"), "uno")
    cases.unlink(CHILD)
    assert [(case.user, case.open_for) for case in cases_of(database)] == [("unlinked", None)]
    assert not cases.file(CHILD, Disclosure("high", "abuse", "self"), "dos").updated


def test_the_case_excerpt_grows_bounded_keeping_the_first_and_the_newest_words():
    excerpt = "primero"
    for number in range(200):
        excerpt = grow_excerpt(excerpt, f"mensaje {number:03d} " + "x" * 40)
    assert len(excerpt) <= CASE_EXCERPT_LIMIT
    assert excerpt.startswith("primero\n[…]\n") and "mensaje 199" in excerpt


def test_two_disclosures_at_the_same_moment_open_one_case(database):
    barrier = threading.Barrier(4)
    results = []

    def disclose(number: int) -> None:
        cases = Cases(database)
        barrier.wait()
        results.append(cases.file(CHILD, Disclosure("high", "abuse", "self"), f"d{number}"))

    threads = [threading.Thread(target=disclose, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({result.case_id for result in results}) == 1
    assert len(cases_of(database)) == 1
    assert sorted(row.kind for row in rows(database)) == ["alert", "more", "more", "more"]


def test_migration_0012_gives_each_child_their_newest_open_case_and_back(database):
    migrate_to(database, "0011", down=True)
    with database.engine.begin() as connection:
        for number, (user, status) in enumerate(
            [
                ("ps_a", "open"),
                ("ps_a", "taken"),
                ("ps_a", "resolved"),
                ("unlinked", "open"),
                ("unlinked", "open"),
                ("ps_b", "resolved"),
            ],
            start=1,
        ):
            connection.execute(
                text(
                    'INSERT INTO escalations (id, "user", created_at, urgency, category, '
                    "subject, status, contact_requested) VALUES (:id, :user, "
                    "'2026-12-05 10:00:00', 'high', 'abuse', 'self', :status, :no)"
                ),
                {"id": number, "user": user, "status": status, "no": False},
            )
    migrate_to(
        database, "head"
    )  # two open cases of one child, and many unlinked ones: no unique clash
    with database.engine.begin() as connection:
        keys = connection.execute(text("SELECT id, open_for FROM escalations ORDER BY id")).all()
    assert [tuple(row) for row in keys] == [
        (1, None),
        (2, "ps_a"),
        (3, None),
        (4, None),
        (5, None),
        (6, None),
    ]
    assert Cases(database).file("ps_a", Disclosure("high", "abuse", "self"), "más").case_id == 2
    migrate_to(database, "0011", down=True)
    migrate_to(database, "head")


async def test_an_emergency_told_to_the_officer_of_an_open_case_raises_it(database):
    engine = Engine(FakeAssistant(), Cases(database))
    await engine.handle(Inbound(CHILD, Kind.TEXT, "me pegan en la casa", address=ADDRESS))
    (case,) = cases_of(database)
    await engine.handle(Inbound(CHILD, Kind.BUTTON, f"t:contact:{case.id}", address=ADDRESS))
    replies = await engine.handle(
        Inbound(CHILD, Kind.TEXT, "ayuda mi papá me está pegando ahora", address=ADDRESS)
    )
    assert replies[0].text == answers.EMERGENCY and answers.FORWARDED in texts(replies)
    (case,) = cases_of(database)
    assert case.urgency == "emergency"
    assert [row.kind for row in rows(database)][-1] == "message"
