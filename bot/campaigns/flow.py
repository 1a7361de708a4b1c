"""Campaigns as flows: choosing a consultation, and answering its survey.

- `CampaignChoice` ("p:<campaign>", and the intent `participar`): the open campaigns that
  need no workshop code; one is started at once, several are offered as buttons. It also
  continues the consent gate (`after_consent`): assent to a campaign starts its survey.
- `SurveyFlow` ("s:<question>:<option>"): the survey's buttons, a reminder when the child
  types instead, and the survey in progress and participation markers /borrar erases (the
  totals stay: they say nothing of who answered). After the thanks it offers the results
  (bot.campaigns.feedback).
"""

from __future__ import annotations

from typing import Protocol

from bot.campaigns import feedback
from bot.campaigns.model import Campaign
from bot.campaigns.survey import BUTTONS, CHOOSE, NONE_OPEN, Step, Surveys
from bot.campaigns.tables import Participation
from bot.events import Button, Reply
from bot.flows import Codec, Flow, Turn
from bot.i18n import _
from bot.storage.conversation import ConversationState
from consent import GENERAL, ConsentFlow, Outcome

CHOICE = Codec("p", r"[a-z0-9][a-z0-9-]{1,40}")
CLOSED = _("Esa consulta ya no está abierta. ¡Gracias por su interés!")


class Campaigns(Protocol):
    """Which campaigns children can take part in now (bot.campaigns.launch.CampaignRegistry)."""

    def live(self, campaign_id: str) -> Campaign | None: ...

    def open_campaigns(self) -> list[Campaign]: ...


class SurveyFlow(Flow):
    name = "survey"
    buttons = BUTTONS
    erases = frozenset({Participation.__tablename__, ConversationState.__tablename__})

    def __init__(self, surveys: Surveys, consent: ConsentFlow) -> None:
        self.surveys = surveys
        self.consent = consent

    async def start(self, turn: Turn, campaign: Campaign | None, band: str) -> list[Reply]:
        if campaign is None:
            return await self._after(turn, Step([Reply(CLOSED)], finished=True))
        return await self._after(turn, self.surveys.start(turn.user, campaign, band))

    async def press(self, turn: Turn) -> list[Reply] | None:
        user = turn.user
        # Answers are counted only under a valid consent receipt for the campaign.
        step = self.surveys.press(
            user, turn.event.text, lambda campaign: self.consent.receipt(user, campaign) is not None
        )
        return None if step is None else await self._after(turn, step)

    def remind(self, user: str) -> list[Reply] | None:
        step = self.surveys.remind(user)  # one read of the survey's state, per typed text
        return None if step is None else step.replies

    def forget(self, user: str) -> None:
        self.surveys.abandon(user)

    def erase(self, user: str) -> int:
        return self.surveys.erase(user)

    @staticmethod
    async def _after(turn: Turn, step: Step) -> list[Reply]:
        if not step.finished:
            return step.replies
        if step.counted is not None:  # just counted: the child may ask to hear the results
            return [*step.replies, feedback.offer(*step.counted), *await turn.menu()]
        return [*step.replies, *await turn.menu()]


class CampaignChoice(Flow):
    name = "campaign choice"
    buttons = CHOICE
    intents = frozenset({"participar"})

    def __init__(self, consent: ConsentFlow, campaigns: Campaigns, surveys: SurveyFlow) -> None:
        self.consent = consent
        self.campaigns = campaigns
        self.surveys = surveys

    async def press(self, turn: Turn) -> list[Reply] | None:
        fields = CHOICE.parse(turn.event.text)
        if fields is None:
            return None
        return await self.after_consent(turn, self.consent.start(turn.user, fields[0]))

    async def answer(self, turn: Turn, intent: str) -> list[Reply]:
        """ "Participar en una consulta": the open campaigns that need no workshop code."""
        open_now = [c for c in self.campaigns.open_campaigns() if not c.access_code]
        if not open_now:
            return [Reply(NONE_OPEN)]
        if len(open_now) == 1:
            return await self.after_consent(turn, self.consent.start(turn.user, open_now[0].id))
        buttons = tuple((Button(c.title, CHOICE.encode(c.id)),) for c in open_now)
        return [Reply(CHOOSE, buttons)]

    async def after_consent(self, turn: Turn, outcome: Outcome) -> list[Reply]:
        """After assent to a campaign its survey starts at once; else back to the menu."""
        if not outcome.finished:
            return outcome.replies
        if outcome.consented and outcome.campaign not in (None, GENERAL) and outcome.band:
            campaign = self.campaigns.live(outcome.campaign)
            step = await self.surveys.start(turn, campaign, outcome.band)
            return [*outcome.replies, *step]
        return [*outcome.replies, *await turn.menu()]
