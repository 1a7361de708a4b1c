"""Cases: what is kept about a child after a disclosure, for how long, and who may change it."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from bot.escalation import Cases, Disclosure
from bot.storage import AuditEntry, Escalation, OutboxMessage

CHILD = "c" * 32
OTHER = "o" * 32
DISCLOSURE = Disclosure("high", "abuse", "self")


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 29, 12, 0)

    def __call__(self) -> datetime:
        return self.now


def kinds(database) -> list[str]:
    with database.session() as session:
        return list(session.scalars(select(OutboxMessage.kind).order_by(OutboxMessage.id)))


def test_opening_commits_the_case_its_alert_and_an_audit_entry_together(database):
    case_id = Cases(database).open(CHILD, DISCLOSURE, "x" * 900)
    with database.session() as session:
        case = session.get(Escalation, case_id)
        assert (case.status, case.user, len(case.excerpt)) == ("open", CHILD, 500)
        assert case.contact_address is None and case.case_number == "VS-000001"
        assert session.scalars(select(AuditEntry.action)).all() == ["opened"]
    assert kinds(database) == ["alert"]


def test_only_the_child_of_an_open_case_can_accept_contact(database):
    cases = Cases(database)
    case_id = cases.open(CHILD, DISCLOSURE, "texto")
    assert not cases.accept_contact(case_id, OTHER, "telegram:42")
    assert not cases.accept_contact(case_id + 1, CHILD, "telegram:42")
    assert cases.contact_case(CHILD) is None
    assert cases.accept_contact(case_id, CHILD, "telegram:42")
    assert cases.contact_case(CHILD) == case_id
    assert cases.contact(case_id).address == "telegram:42"
    assert kinds(database) == ["alert", "contact"]


def test_contact_case_is_the_childs_latest_open_one_they_agreed_to(database):
    cases = Cases(database)
    first, second, not_agreed = (cases.open(CHILD, DISCLOSURE, "texto") for _ in range(3))
    others = cases.open(OTHER, DISCLOSURE, "texto")
    for case_id, user in ((first, CHILD), (second, CHILD), (others, OTHER)):
        assert cases.accept_contact(case_id, user, "telegram:42")
    assert cases.contact_case(CHILD) == second  # not `not_agreed`, though it is newer
    with database.session() as session:
        session.get(Escalation, second).status = "taken"
    assert cases.contact_case(CHILD) == second  # an officer took it: still open
    with database.session() as session:
        session.get(Escalation, second).status = "false_alarm"
    assert cases.contact_case(CHILD) == first
    assert cases.contact_case(OTHER) == others
    assert not_agreed not in (cases.contact_case(CHILD), cases.contact_case(OTHER))


def test_declining_contact_keeps_no_chat_id(database):
    cases = Cases(database)
    case_id = cases.open(CHILD, DISCLOSURE, "texto")
    assert cases.decline_contact(case_id, CHILD)
    assert cases.contact(case_id) is None
    with database.session() as session:
        assert "contact_declined" in session.scalars(select(AuditEntry.action)).all()


def test_a_closed_case_gives_no_contact_and_takes_no_answers(database):
    cases = Cases(database)
    case_id = cases.open(CHILD, DISCLOSURE, "texto")
    cases.accept_contact(case_id, CHILD, "telegram:42")
    with database.session() as session:
        session.get(Escalation, case_id).status = "resolved"
    assert cases.contact(case_id) is None
    assert cases.contact_case(CHILD) is None
    assert not cases.confirm(case_id, CHILD, understood=True)


def test_excerpts_are_erased_thirty_days_after_resolution_not_before(database):
    clock = Clock()
    cases = Cases(database, clock)
    old, recent, still_open = (cases.open(CHILD, DISCLOSURE, "texto") for _ in range(3))
    with database.session() as session:
        session.get(Escalation, old).resolved_at = clock.now - timedelta(days=31)
        session.get(Escalation, old).status = "resolved"
        session.get(Escalation, recent).resolved_at = clock.now - timedelta(days=29)
        session.get(Escalation, recent).status = "resolved"
    assert cases.purge_expired() == 1
    with database.session() as session:
        excerpts = {c.id: c.excerpt for c in session.scalars(select(Escalation))}
    assert excerpts == {old: None, recent: "texto", still_open: "texto"}


def test_undelivered_child_messages_of_a_closed_case_are_erased(database):
    cases = Cases(database)
    case_id = cases.open(CHILD, DISCLOSURE, "texto")
    cases.accept_contact(case_id, CHILD, "telegram:42")
    cases.forward(case_id, "un mensaje")
    with database.session() as session:
        session.get(Escalation, case_id).status = "resolved"
    cases.purge_expired()
    with database.session() as session:
        row = session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "message")).one()
        assert row.body is None and row.failed_at is not None


def test_the_timers_pass_also_erases_expired_excerpts(database):
    from bot.escalation.timers import Timers

    clock = Clock()
    cases = Cases(database, clock)
    case_id = cases.open(CHILD, DISCLOSURE, "texto")
    with database.session() as session:
        case = session.get(Escalation, case_id)
        case.status, case.resolved_at = "resolved", clock.now - timedelta(days=2)
    Timers(database, clock, retention=timedelta(days=1)).due()
    with database.session() as session:
        assert session.get(Escalation, case_id).excerpt is None
