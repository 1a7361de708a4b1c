"""Participants as a channel makes them (bot.privacy.Participant), for tests that send
events by hand: a test's user string stands for the raw channel id, under a fixed test key.
An event without one starts no survey, as from a channel that cannot tell people apart."""

from __future__ import annotations

from bot.privacy import Participant, Pseudonymizer

TEST_KEY = b"t" * 32
_TESTS = Pseudonymizer(TEST_KEY)


def participant(user: str, key: bytes = TEST_KEY) -> Participant:
    """The participant a channel would lend with events from `user`, under `key`."""
    return (_TESTS if key == TEST_KEY else Pseudonymizer(key)).participant("test", user)
