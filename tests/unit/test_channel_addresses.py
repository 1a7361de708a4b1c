"""Addresses are opaque outside their channel: Telegram makes and reads "telegram:<chat id>",
the database keeps them as strings (migration 0010 converts the old chat ids both ways), and
an officer's message to a child on a channel the officers' side cannot reach is refused with
a clear error, not a crash."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from bot.channels import (
    BUTTON_DATA_LIMIT,
    LIMITS,
    Channels,
    Sent,
    UnknownChannel,
    channel_of,
    is_private,
)
from bot.channels.telegram import address as telegram
from bot.channels.telegram.contact import case_closed, tell_child_case_closed
from bot.events import Reply
from tests.conftest import migrate_to


def test_a_telegram_address_round_trips_and_names_its_channel():
    made = telegram.chat_address(123456789)
    assert made == "telegram:123456789" and channel_of(made) == "telegram"
    assert telegram.chat_id(made) == 123456789
    assert telegram.is_private(made) and not telegram.is_private("telegram:-1001234567890")


def test_another_channels_address_is_not_read_as_a_telegram_chat():
    with pytest.raises(UnknownChannel):
        telegram.chat_id("whatsapp:50688887777")
    with pytest.raises(UnknownChannel):
        Channels(Recording("telegram")).for_address("web:3f2a")
    with pytest.raises(ValueError):
        telegram.chat_id("telegram:not-a-number")


def test_every_channel_folder_is_found_and_button_data_fits_the_smallest_limit():
    assert {"telegram", "terminal"} <= set(LIMITS)
    assert LIMITS["telegram"].button_data_bytes == 64 == BUTTON_DATA_LIMIT


class Recording:
    """A channel that records what it was asked to send or edit."""

    limits = LIMITS["terminal"]

    def __init__(self, name: str) -> None:
        self.name = name
        self.sent: list[tuple[str, str]] = []
        self.edited: list[tuple[Sent, str]] = []

    async def send(self, to, reply):
        self.sent.append((to, reply.text))
        return Sent(to, str(len(self.sent)))

    async def edit(self, sent, reply):
        self.edited.append((sent, reply.text))


async def test_channels_resolve_an_address_to_the_channel_that_owns_it():
    web = Recording("web")
    channels = Channels(web)
    await channels.send("web:3f2a", Reply("hola"))
    assert web.sent == [("web:3f2a", "hola")]
    with pytest.raises(UnknownChannel):
        channels.for_address("telegram:42")


async def test_a_replace_reply_edits_the_pressed_message_and_the_others_are_sent():
    web = Recording("web")
    pressed = Sent("web:3f2a", "7")
    replies = [Reply("marcada", replace=True), Reply("siguiente")]
    done = await Channels(web).deliver("web:3f2a", replies, pressed)
    assert web.edited == [(pressed, "marcada")] and web.sent == [("web:3f2a", "siguiente")]
    assert done[0] == pressed
    await Channels(web).deliver("web:3f2a", [Reply("sin botón", replace=True)])
    assert web.sent[-1] == ("web:3f2a", "sin botón")


def test_only_an_address_its_channel_vouches_for_is_private():
    assert is_private("telegram:42")
    assert not is_private("telegram:-1001234567890")
    assert not is_private("telegram:not-a-number")
    assert not is_private("web:3f2a")  # no such channel here
    assert not is_private("terminal:local")  # a channel that cannot tell
    assert not is_private("42")


async def test_closing_a_case_of_a_child_on_another_channel_tells_nobody_and_does_not_crash():
    telegram_channel = Recording("telegram")
    channels = Channels(telegram_channel)
    await tell_child_case_closed(channels, "whatsapp:50688887777", "VS-000001")
    assert telegram_channel.sent == []
    await tell_child_case_closed(channels, "telegram:42", "VS-000001")
    assert telegram_channel.sent == [("telegram:42", case_closed())]


def test_the_case_closed_message_gives_the_services_for_the_cases_age_band():
    adult, minor = case_closed(age_band="18-24"), case_closed(age_band="13-15")
    assert "911" in adult and "1147" not in adult  # the PANI serves minors
    assert "PANI: 1147" in minor and "911" in minor
    # No band recorded, or one the bands file no longer lists: the youngest's services.
    assert case_closed() == case_closed(age_band="9-12") == case_closed(age_band="99-99")
    assert "PANI: 1147" in case_closed()


async def test_the_child_of_an_adults_case_is_told_of_the_closing_without_the_pani():
    telegram_channel = Recording("telegram")
    await tell_child_case_closed(Channels(telegram_channel), "telegram:42", "VS-000001", "18-24")
    assert telegram_channel.sent == [("telegram:42", case_closed(age_band="18-24"))]


def test_migration_0010_turns_chat_ids_into_addresses_and_back(database):
    migrate_to(database, "0009", down=True)
    with database.engine.begin() as connection:
        connection.execute(
            text(
                'INSERT INTO escalations (id, "user", created_at, urgency, category, subject, '
                "status, contact_requested, contact_chat_id) VALUES "
                "(1, 'ps_a', '2026-12-05 10:00:00', 'high', 'grooming', 'self', 'open', "
                ":yes, 987654321), "
                "(2, 'ps_b', '2026-12-05 10:00:00', 'high', 'grooming', 'self', 'open', :no, NULL)"
            ),
            {"yes": True, "no": False},
        )
        connection.execute(
            text(
                'INSERT INTO subscriptions ("user", chat_id, since) VALUES '
                "('ps_a', 5512345678, '2026-12-05')"
            )
        )
    migrate_to(database, "head")
    with database.engine.begin() as connection:
        contacts = connection.execute(
            text("SELECT id, contact_address FROM escalations ORDER BY id")
        ).all()
        subscriptions = connection.execute(text('SELECT "user", address FROM subscriptions')).all()
        assert [tuple(row) for row in contacts] == [(1, "telegram:987654321"), (2, None)]
        assert [tuple(row) for row in subscriptions] == [("ps_a", "telegram:5512345678")]
        connection.execute(
            text(
                'INSERT INTO subscriptions ("user", address, since) VALUES '
                "('ps_w', 'whatsapp:50688887777', '2026-12-05')"
            )
        )
    migrate_to(database, "0009", down=True)
    with database.engine.begin() as connection:
        contacts = connection.execute(
            text("SELECT id, contact_chat_id FROM escalations ORDER BY id")
        ).all()
        subscriptions = connection.execute(text('SELECT "user", chat_id FROM subscriptions')).all()
    assert [tuple(row) for row in contacts] == [(1, 987654321), (2, None)]
    assert [tuple(row) for row in subscriptions] == [("ps_a", 5512345678)]
    migrate_to(database, "head")


@pytest.mark.parametrize(
    ("chat_id", "kind", "expected"),
    [(42, "private", "telegram:42"), (-1001234567890, "supergroup", None), (-42, "group", None)],
)
def test_only_a_private_telegram_chat_gives_the_engine_an_address(chat_id, kind, expected):
    from datetime import datetime, timezone

    from telegram import Chat, Message, Update, User

    from bot.channels.telegram.handlers import TelegramAdapter
    from bot.events import Kind
    from bot.privacy import Pseudonymizer

    adapter = TelegramAdapter(None, Pseudonymizer(b"k" * 32), None)  # type: ignore[arg-type]
    child = User(id=42, first_name="Ana", is_bot=False)
    message = Message(
        1, datetime.now(timezone.utc), Chat(id=chat_id, type=kind), from_user=child, text="hola"
    )
    event = adapter.event(Update(1, message=message), Kind.TEXT, "hola")
    assert event.address == expected
    assert "telegram:" not in repr(event)  # the address is never in a log line
