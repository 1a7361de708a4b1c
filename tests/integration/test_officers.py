"""Officer actions on a case: every transition, valid or not, and its audit trail.

Every test runs on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from bot.escalation import Cases, Disclosure
from bot.escalation.officers import ActionResult, Officers, status_line
from bot.storage import AuditEntry, Escalation, OutboxMessage

START = datetime(2026, 3, 1, 12, 0, 0)
CHILD = "ps_child_3f9a1c0d2b7e4a6f"
OFFICER = "ps_officer_a1b2c3d4e5f60718"
OTHER_OFFICER = "ps_officer_9f8e7d6c5b4a3921"
CHILD_CHAT = 987654321


class Clock:
    def __init__(self, now: datetime = START) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def officers(database, clock) -> Officers:
    return Officers(database, clock=clock)


def open_case(database, clock, status: str = "open", contact: bool = True) -> int:
    case_id = Cases(database, clock=clock).open(
        CHILD, Disclosure("high", "abuse", "self"), "mi tío me pega"
    )
    with database.session() as session:
        case = session.get(Escalation, case_id)
        case.status = status
        if contact:
            case.contact_requested, case.contact_address = True, f"telegram:{CHILD_CHAT}"
    return case_id


def load(database, case_id: int) -> Escalation:
    with database.session() as session:
        return session.get(Escalation, case_id)


def audit(database, case_id: int) -> list[tuple[str, str]]:
    """(actor, action) of the officers' entries, oldest first (not the system's)."""
    with database.session() as session:
        rows = session.execute(
            select(AuditEntry.actor, AuditEntry.action)
            .where(AuditEntry.escalation_id == case_id, AuditEntry.actor != "system")
            .order_by(AuditEntry.id)
        ).all()
    return [tuple(row) for row in rows]


# --------------------------------------------------------------------------- valid


@pytest.mark.parametrize(
    "start, action, end, audited",
    [
        ("open", "take", "taken", "taken"),
        ("open", "resolve", "resolved", "resolved"),
        ("taken", "resolve", "resolved", "resolved"),
        ("open", "false", "false_alarm", "false_alarm"),
        ("taken", "false", "false_alarm", "false_alarm"),
    ],
)
def test_valid_transition_is_accepted_and_audited_with_the_officer_pseudonym(
    database, officers, clock, start, action, end, audited
):
    case_id = open_case(database, clock, status=start)
    clock.advance(minutes=3)
    result = officers.act(case_id, action, OFFICER)
    assert result.accepted and result.reason is None and result.status == end
    assert load(database, case_id).status == end
    assert audit(database, case_id) == [(OFFICER, audited)]
    with database.session() as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.actor == OFFICER)).one()
    assert entry.at == clock.now


def test_take_keeps_the_contact_address_while_the_case_stays_open(database, officers, clock):
    case_id = open_case(database, clock)
    officers.act(case_id, "take", OFFICER)
    case = load(database, case_id)
    assert case.contact_address == f"telegram:{CHILD_CHAT}" and case.resolved_at is None


@pytest.mark.parametrize("start", ["open", "taken"])
@pytest.mark.parametrize("action", ["resolve", "false"])
def test_closing_a_case_sets_resolved_at_and_deletes_the_contact_address(
    database, officers, clock, start, action
):
    case_id = open_case(database, clock, status=start)
    clock.advance(minutes=20)
    assert officers.act(case_id, action, OFFICER).accepted
    case = load(database, case_id)
    assert case.contact_address is None
    assert case.resolved_at == clock.now
    assert case.contact_requested is True  # the fact stays; only the raw id goes


@pytest.mark.parametrize("band", ["18-24", None])
def test_closing_hands_back_the_address_and_the_age_band_to_tell_the_child(
    database, officers, clock, band
):
    """The child is told once, with the services for the case's age band (none: the
    youngest's); a case that is not closed hands back neither."""
    case_id = open_case(database, clock)
    with database.session() as session:
        session.get(Escalation, case_id).age_band = band
    taken = officers.act(case_id, "take", OFFICER)
    assert (taken.closed_contact, taken.closed_age_band) == (None, None)
    closed = officers.act(case_id, "resolve", OFFICER)
    assert (closed.closed_contact, closed.closed_age_band) == (f"telegram:{CHILD_CHAT}", band)


# ------------------------------------------------------------------------- invalid


@pytest.mark.parametrize(
    "start, action, reason",
    [
        ("taken", "take", "already_taken"),
        ("resolved", "take", "already_resolved"),
        ("false_alarm", "take", "already_false_alarm"),
        ("resolved", "resolve", "already_resolved"),
        ("false_alarm", "resolve", "already_false_alarm"),
        ("resolved", "false", "already_resolved"),
        ("false_alarm", "false", "already_false_alarm"),
    ],
)
def test_invalid_transition_is_refused_changes_nothing_and_is_audited(
    database, officers, clock, start, action, reason
):
    case_id = open_case(database, clock, status=start)
    before = load(database, case_id)
    result = officers.act(case_id, action, OFFICER)
    assert not result.accepted and result.reason == reason and result.status == start
    after = load(database, case_id)
    assert (after.status, after.resolved_at, after.contact_address) == (
        before.status,
        before.resolved_at,
        before.contact_address,
    )
    assert audit(database, case_id) == [(OFFICER, f"refused_{action}")]


def test_double_take_keeps_the_first_officer_and_audits_both_presses(database, officers, clock):
    case_id = open_case(database, clock)
    first = officers.act(case_id, "take", OFFICER)
    clock.advance(minutes=1)
    second = officers.act(case_id, "take", OTHER_OFFICER)
    assert first.accepted and not second.accepted
    assert second.answer == "Este caso ya fue tomado por otra persona de protección."
    # es_CR time (Babel): 12-hour clock, narrow no-break spaces.
    taken_at = "a las 12:00\u202fp.\u202fm. UTC"
    assert second.status_line == f"✅ Tomado por una persona de protección {taken_at}"
    assert audit(database, case_id) == [(OFFICER, "taken"), (OTHER_OFFICER, "refused_take")]


def test_unknown_case_is_refused_without_writing_anything(database, officers, clock):
    case_id = open_case(database, clock)
    result = officers.act(999999, "take", OFFICER)
    assert not result.accepted and not result.exists and result.reason == "unknown_case"
    with database.session() as session:
        assert session.scalars(select(AuditEntry.action)).all() == ["opened"]
    assert load(database, case_id).status == "open"


def test_unknown_case_with_the_largest_accepted_id_is_refused(database, officers):
    # The card data allows 12 digits; PostgreSQL's integer column holds fewer.
    assert officers.act(999_999_999_999, "resolve", OFFICER).reason == "unknown_case"


def test_unknown_action_is_refused_and_audited(database, officers, clock):
    case_id = open_case(database, clock)
    result = officers.act(case_id, "delete", OFFICER)  # type: ignore[arg-type]
    assert not result.accepted and result.reason == "unknown_action"
    assert load(database, case_id).status == "open"
    assert audit(database, case_id) == [(OFFICER, "refused_unknown")]


def test_officers_pressing_take_at_once_get_exactly_one_acceptance(database, clock):
    case_id = open_case(database, clock)
    results: list[ActionResult] = []
    barrier = threading.Barrier(6)

    def press(n: int) -> None:
        barrier.wait()
        results.append(Officers(database, clock=clock).act(case_id, "take", f"ps_officer_{n}"))

    threads = [threading.Thread(target=press, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(r.accepted for r in results) == 1
    actions = sorted(action for _actor, action in audit(database, case_id))
    assert actions == ["refused_take"] * 5 + ["taken"]


def test_no_action_touches_the_outbox(database, officers, clock):
    case_id = open_case(database, clock)
    for action in ("take", "take", "resolve", "false"):
        officers.act(case_id, action, OFFICER)
    with database.session() as session:
        assert session.scalars(select(OutboxMessage.kind)).all() == ["alert"]


# ------------------------------------------------------------------ refused presses


def test_an_officers_refusals_are_audited_once_per_case_and_action(database, officers, clock):
    case_id = open_case(database, clock, status="resolved")
    for _ in range(5):
        officers.act(case_id, "take", OFFICER)
        officers.act(case_id, "resolve", OFFICER)
        officers.act(case_id, "take", OTHER_OFFICER)
    assert audit(database, case_id) == [
        (OFFICER, "refused_take"),
        (OFFICER, "refused_resolve"),
        (OTHER_OFFICER, "refused_take"),
    ]


# ------------------------------------------------------------------- status lines


def test_status_lines_for_the_card(database, officers, clock):
    case_id = open_case(database, clock)
    assert officers.status_line(load(database, case_id)) == ""
    clock.advance(minutes=7)
    result = officers.act(case_id, "take", OFFICER)
    expected = "✅ Tomado por una persona de protección a las 12:07\u202fp.\u202fm. UTC"
    assert result.status_line == expected
    clock.advance(hours=2)
    assert officers.status_line(load(database, case_id)) == expected  # from the audit log
    assert officers.act(case_id, "resolve", OFFICER).status_line == "🟢 Resuelto"
    assert status_line("false_alarm") == "⚪ Falsa alarma"


def test_answers_name_the_case_number(database, officers, clock):
    case_id = open_case(database, clock)
    assert officers.act(case_id, "take", OFFICER).answer == "Caso VS-000001 tomado. Gracias."
    assert officers.act(case_id, "false", OFFICER).answer == (
        "Caso VS-000001 marcado como falsa alarma."
    )
    assert (
        officers.act(case_id, "resolve", OFFICER).answer
        == "Este caso ya fue marcado como falsa alarma."
    )
