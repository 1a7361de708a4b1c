"""Key safety: the database knows which pseudonym key it was made with, refuses another, and
`rotate-key` moves it to a new key in one transaction (re-keying what keeps a raw id, erasing
or unlinking what cannot be re-keyed)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from bot import agent, cli, rotation, runtime
from bot.broadcasts import Outreach
from bot.campaigns.tables import Participation
from bot.escalation import Cases, Disclosure
from bot.privacy import Pseudonymizer, check_key, fingerprint, load_key, stored_fingerprint
from bot.settings import Settings, SettingsError
from bot.storage import Escalation, Setting
from consent.models import ConsentReceipt

OLD = b"o" * 64
NEW = b"n" * 64
CHILD = 987654321
OTHER = 123456789


def test_the_database_records_a_fingerprint_never_the_key(database):
    check_key(database, OLD, "var/secret.key")
    assert stored_fingerprint(database) == fingerprint(OLD)
    assert fingerprint(OLD) != fingerprint(NEW)
    with database.session() as session:
        values = [row.value for row in session.scalars(select(Setting))]
    assert not any(OLD.decode()[:16] in value for value in values)


def test_replicas_starting_at_once_on_a_new_database_both_start(database, monkeypatch):
    """Two replicas both see no fingerprint and both insert it: the one that loses the race
    reads the winner's and compares, instead of crashing on the unique key."""
    from sqlalchemy.orm import Session

    check_key(database, OLD, "var/secret.key")  # the other replica won the race
    real_get = Session.get
    seen: list[object] = []

    def first_miss(self, entity, key, **kwargs):
        if not seen:
            seen.append(key)
            return None  # read before the other replica committed
        return real_get(self, entity, key, **kwargs)

    monkeypatch.setattr(Session, "get", first_miss)
    check_key(database, OLD, "var/secret.key")
    seen.clear()
    with pytest.raises(SettingsError):
        check_key(database, NEW, "var/secret.key")


def test_a_different_key_is_refused_with_how_to_restore_or_rotate(database, staff_in_spanish):
    check_key(database, OLD, "var/secret.key")
    check_key(database, OLD, "var/secret.key")  # the same key: fine, again and again
    with pytest.raises(SettingsError) as refused:
        check_key(database, NEW, "var/secret.key")
    message = str(refused.value)
    assert "var/secret.key" in message and "copia de seguridad" in message
    assert "python -m bot rotate-key" in message
    assert OLD.decode() not in message and NEW.decode() not in message


def test_a_lost_key_file_silently_regenerated_stops_the_bot(database, tmp_path, monkeypatch):
    key_file = tmp_path / "secret.key"
    settings = Settings(database_url=database.url, key_file=key_file)
    check_key(database, load_key(None, key_file), str(key_file))  # the first start
    key_file.unlink()  # lost: a new one is created at the next start
    monkeypatch.setattr(agent, "train", lambda *_: pytest.fail("started with another key"))
    with pytest.raises(SettingsError, match="rotate-key"):
        runtime.build(settings)
    assert key_file.exists()  # the new key file is there; the README says how to restore


def populate(database):
    """A subscriber and an open contact case (both keep the raw chat id), a case without
    contact, a consent receipt and a survey marker (neither keeps a raw id)."""
    old = Pseudonymizer(OLD)
    child, other = old("telegram", CHILD), old("telegram", OTHER)
    Outreach(database).subscribe(child, f"telegram:{CHILD}")
    cases = Cases(database)
    contact = cases.open(child, Disclosure("high", "abuse", "self"), "texto")
    assert cases.accept_contact(contact, child, f"telegram:{CHILD}")
    plain = cases.open(other, Disclosure("high", "abuse", "self"), "texto")
    with database.session() as session:
        session.add(
            ConsentReceipt(
                user=other, campaign="c", text_version="1", band="13-15", given_on=date.today()
            )
        )
        session.add(Participation(user=other, campaign="c", completed_on=date.today()))
    check_key(database, OLD, "test")
    return contact, plain


def snapshot(database):
    with database.session() as session:
        return (
            sorted(session.scalars(select(Escalation.user))),
            session.scalar(select(func.count()).select_from(ConsentReceipt)),
            session.scalar(select(func.count()).select_from(Participation)),
            stored_fingerprint(database),
        )


def test_rotation_rekeys_what_keeps_a_raw_id_and_erases_the_rest(database):
    contact, plain = populate(database)
    new = Pseudonymizer(NEW)
    done = rotation.rotate(database, OLD, NEW, dry_run=False)
    assert (done.rekeyed_subscriptions, done.rekeyed_cases, done.unlinked_cases) == (1, 1, 1)
    assert Outreach(database).is_subscribed(new("telegram", CHILD))  # /baja still finds it
    assert Cases(database).contact_case(new("telegram", CHILD)) == contact
    with database.session() as session:
        assert session.get(Escalation, plain).user == "unlinked"
        assert session.scalar(select(func.count()).select_from(ConsentReceipt)) == 0
        assert session.scalar(select(func.count()).select_from(Participation)) == 0
    check_key(database, NEW, "test")  # the bot now starts with the new key
    with pytest.raises(SettingsError):
        check_key(database, OLD, "test")


def test_rotation_is_one_transaction(database, monkeypatch):
    populate(database)
    before = snapshot(database)

    def crash(*_args):
        raise RuntimeError("disk full")

    monkeypatch.setattr(rotation, "record_fingerprint", crash)
    with pytest.raises(RuntimeError):
        rotation.rotate(database, OLD, NEW, dry_run=False)
    assert snapshot(database) == before


def test_rotation_without_yes_or_with_the_wrong_old_key_changes_nothing(
    database, tmp_path, monkeypatch
):
    populate(database)
    before = snapshot(database)
    old_file, wrong_file = tmp_path / "old.key", tmp_path / "wrong.key"
    for path, key in ((old_file, OLD), (wrong_file, b"w" * 64)):
        path.write_bytes(key)
        path.chmod(0o600)
    monkeypatch.setenv("DATABASE_URL", database.url)
    monkeypatch.setenv("VOZ_SECRET_KEY", NEW.decode())
    assert cli.main(["rotate-key", "--old-key-file", str(old_file)]) == 1  # a preview
    assert cli.main(["rotate-key", "--old-key-file", str(wrong_file), "--yes"]) == 2
    assert cli.main(["rotate-key", "--old-key-file", str(tmp_path / "none"), "--yes"]) == 2
    assert not (tmp_path / "none").exists()
    assert snapshot(database) == before
    assert cli.main(["rotate-key", "--old-key-file", str(old_file), "--yes"]) == 0
    assert stored_fingerprint(database) == fingerprint(NEW)
