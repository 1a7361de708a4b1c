"""The consent gate as a flow: the "c:" buttons, /start, and what /salir and /borrar do to
a child's consent.

The engine calls `code` itself, in its fixed safety order (after triage, before any other
flow): a typed workshop code is the one text the gate reads. What follows a finished
assent is not the gate's business: `then` continues (bot.campaigns.flow starts the
campaign's survey); by default the child sees the menu. The composition root finds the
continuation among the registered flows: the one flow that `FollowsConsent`, if any.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from types import MappingProxyType
from typing import Protocol, runtime_checkable

from bot.events import Reply
from bot.flows import Flow, Turn
from bot.i18n import _
from consent.flow import BUTTONS, GENERAL, ConsentFlow, Outcome
from consent.models import ChosenBand, ConsentReceipt, ConsentSession

Continue = Callable[[Turn, Outcome], Awaitable[list[Reply]]]


@runtime_checkable
class FollowsConsent(Protocol):
    """A flow that continues the gate once a child's assent finishes (at most one does)."""

    async def after_consent(self, turn: Turn, outcome: Outcome) -> list[Reply]: ...


async def menu_when_finished(turn: Turn, outcome: Outcome) -> list[Reply]:
    """The outcome's replies, then the menu once the flow ended (either way)."""
    if not outcome.finished:
        return outcome.replies
    return [*outcome.replies, *await turn.menu()]


class ConsentGate(Flow):
    name = "consent"
    buttons = BUTTONS
    commands = frozenset({"start"})
    usage = MappingProxyType({"start": _("para empezar")})
    # Wrong-code counters (consent_code_attempts) are keyed by a one-way token, not the
    # pseudonym, and stay on purpose: see ConsentFlow.erase.
    erases = frozenset(
        {ConsentSession.__tablename__, ConsentReceipt.__tablename__, ChosenBand.__tablename__}
    )

    def __init__(self, consent: ConsentFlow, then: Continue = menu_when_finished) -> None:
        self.consent = consent
        self.then = then

    async def press(self, turn: Turn) -> list[Reply] | None:
        outcome = self.consent.press(turn.user, turn.event.text)
        return None if outcome is None else await self.then(turn, outcome)

    async def command(self, turn: Turn) -> list[Reply]:
        """/start, or /start <campaign> from a campaign link or QR code."""
        return await self.then(turn, self.consent.start(turn.user, turn.event.argument or GENERAL))

    async def code(self, turn: Turn, text: str) -> list[Reply] | None:
        """A typed text in the workshop-code step; None when the child is not in it."""
        outcome = self.consent.code(turn.user, text)
        return None if outcome is None else await self.then(turn, outcome)

    def forget(self, user: str) -> None:
        """/salir: no half consent, and the band chosen for this conversation goes too."""
        self.consent.stop(user)
        self.consent.chosen.forget(user)

    def erase(self, user: str) -> int:
        return self.consent.erase(user) + self.consent.chosen.erase(user)
