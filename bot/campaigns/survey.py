"""The survey flow: a campaign's questions, one at a time, with inline buttons.

Answers chosen so far are held as conversation state (bot.storage.conversation: option ids,
in `conversation_state`, expiring ABANDONED_AFTER after the last press), so whichever replica
takes the next press can go on; when the child finishes they are added to the aggregate
counters in one transaction, together with the participation marker (the pseudonym, erased
by /borrar) and the participation token (a keyed one-way token of the person for this
campaign, bot.privacy.Participant, kept after /borrar: a person is counted once per
campaign, even if they erase their data and come back), and the state is deleted. The
token is made from the event that starts the survey (to refuse a second time) and from the
one that finishes it (to record it), never kept in the conversation state: there it would
sit beside the pseudonym. An abandoned or withdrawn survey adds nothing, and no answer is
kept per person beyond that expiry. Each press names the state it read (compare-and-set):
of two presses handled at once, by two replicas, one advances the survey and the other is
refused as stale, so the last question is counted once.
Each completion draws a random record key (0-255) and adds it, modulo 256, to the key of
every counter it counts (the cell-key perturbation, bot.campaigns.perturbation); the draw
is not kept anywhere else. After counting, a release is taken if one is due
(bot.campaigns.releases).
Buttons carry "s:<question>:<option>" (or "s:<question>:done" for a multiple-choice
question); a press is accepted only for the question on screen.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.sql.dml import Insert

from bot.campaigns import releases
from bot.campaigns.model import SKIP, Campaign, Question
from bot.campaigns.perturbation import KEYS
from bot.campaigns.tables import ANY, AnswerCounter, Participation, ParticipationToken
from bot.events import Button, Participant, Reply
from bot.flows.codec import Codec
from bot.i18n import _
from bot.logs import describe
from bot.storage import Database
from bot.storage.conversation import DatabaseStates, Held, States

logger = logging.getLogger(__name__)

BUTTONS = Codec("s", r"[a-z0-9_]{1,20}:[a-z0-9_]{1,12}")
DONE = "done"
ABANDONED_AFTER = timedelta(hours=2)  # an unfinished survey is dropped, counting nothing

PICK = _("Elija una opción con los botones. Si algo le preocupa, escriba AYUDA.")
PICK_MANY = _("Puede marcar varias opciones. Cuando termine, toque «Listo».")
READY = _("Listo ✔")
THANKS = _(
    "¡Gracias! 💛 Sus respuestas ya se sumaron a las de otras personas, sin su nombre. "
    "Su opinión cuenta."
)
ALREADY = _("Usted ya participó en esta consulta. ¡Gracias! Sus respuestas ya cuentan.")
# A person who completed the campaign, used /borrar, and came back: their answers were
# counted once and stay in the totals (they name no one); they cannot be counted again.
ALREADY_ERASED = _(
    "Usted ya contestó esta consulta antes. Aunque borró sus datos, sus respuestas ya se "
    "sumaron una vez, sin su nombre, y no se cuentan dos veces. ¡Gracias por participar! 💛"
)
NOT_SAVED = _(
    "Perdón, no pude guardar sus respuestas ahora. No se guardó nada; puede intentarlo más "
    "tarde con el mismo enlace. Si algo le preocupa, escriba AYUDA."
)
NONE_OPEN = _("Ahora no hay consultas abiertas. ¡Gracias por su interés!")
CHOOSE = _("¿En cuál consulta quiere participar?")


@dataclass
class Progress:
    campaign: Campaign
    band: str
    question: str
    answers: dict[str, tuple[str, ...]] = field(default_factory=dict)
    ticked: set[str] = field(default_factory=set)  # multiple choice, before «Listo»

    def payload(self) -> dict[str, Any]:
        """What is kept between presses: ids only."""
        return {
            "campaign": self.campaign.id,
            "band": self.band,
            "question": self.question,
            "answers": {question: list(chosen) for question, chosen in self.answers.items()},
            "ticked": sorted(self.ticked),
        }


@dataclass(frozen=True)
class Step:
    replies: list[Reply]
    finished: bool = False
    counted: tuple[str, str] | None = None  # (campaign, band) when this step counted answers


def draw_record_key() -> int:
    """A completion's record key: uniform over 0..255, from the OS's random source."""
    return secrets.randbelow(KEYS)


class Surveys:
    def __init__(
        self,
        database: Database,
        clock: Callable[[], datetime] = datetime.utcnow,
        record_key: Callable[[], int] = draw_record_key,
        campaigns: Callable[[str], Campaign | None] | None = None,
    ):
        """`campaigns` finds a campaign's definition by id (CampaignRegistry.get), for a
        press whose survey another replica started; without it, only campaigns started
        through this object are known (one process)."""
        self.database = database
        self.clock = clock
        self.record_key = record_key
        self.campaigns = campaigns
        self.states: States = DatabaseStates(database, "survey", ABANDONED_AFTER, clock)
        self._started: dict[str, Campaign] = {}  # definitions by id, not people
        # Called when a completion took a release (the results task sends the children who
        # asked: bot.campaigns.results_task); set by the channel that runs that task.
        self.on_release: Callable[[], None] | None = None

    # -- queries ----------------------------------------------------------------------------

    def active(self, user: str) -> bool:
        return self._held(user) is not None

    def _campaign(self, campaign_id: str) -> Campaign | None:
        found = self.campaigns(campaign_id) if self.campaigns is not None else None
        return found if found is not None else self._started.get(campaign_id)

    def _held(self, user: str) -> tuple[Held, Progress] | None:
        """The child's survey in progress, unless it expired or its campaign is unknown."""
        held = self.states.get(user)
        if held is None:
            return None
        state = held.payload
        try:
            campaign = self._campaign(state["campaign"])
            if campaign is None:
                return None
            answers = {q: tuple(chosen) for q, chosen in state["answers"].items()}
            progress = Progress(campaign, state["band"], state["question"], answers)
            progress.ticked = set(state["ticked"])
        except (KeyError, TypeError, AttributeError):  # another version's row: stale
            return None
        return held, progress

    def participated(self, user: str, campaign: str) -> bool:
        with self.database.session() as session:
            return session.get(Participation, (campaign, user)) is not None

    def counted(self, token: str, campaign: str) -> bool:
        """This participation token was already counted in the campaign."""
        with self.database.session() as session:
            return session.get(ParticipationToken, (campaign, token)) is not None

    # -- transitions ------------------------------------------------------------------------

    def start(
        self, user: str, campaign: Campaign, band: str, participant: Participant | None
    ) -> Step:
        """Ask the first question, unless this person was counted in the campaign already.
        `participant` None (a channel that cannot tell people apart): nothing could be
        counted, so the survey does not start."""
        if participant is None:
            logger.error("a survey was started from a channel that gives no participant")
            return Step([Reply(NOT_SAVED)], finished=True)
        if self.participated(user, campaign.id):
            return Step([Reply(ALREADY)], finished=True)
        if self.counted(participant.token(campaign.id), campaign.id):
            return Step([Reply(ALREADY_ERASED)], finished=True)
        first = self._next(campaign, {}, after=None)
        if first is None:
            return Step([Reply(THANKS)], finished=True)
        progress = Progress(campaign, band, first.id)
        self._started[campaign.id] = campaign
        self.states.put(user, progress.payload(), after=None)  # replaces any other survey
        return Step([Reply(campaign.title), self._ask(progress)])

    def press(
        self,
        user: str,
        data: str,
        may_record: Callable[[str], bool],
        participant: Participant | None,
    ) -> Step | None:
        """A survey button; None when it is forged, stale or for another question.
        `may_record(campaign)` is asked at the end: answers are added only with a valid
        consent receipt for that campaign; `participant` (the presser, from the event) gives
        the participation token written with them."""
        fields = BUTTONS.parse(data)
        found = None if fields is None else self._held(user)
        if fields is None or found is None:
            return None
        held, progress = found
        question = progress.campaign.question(progress.question)
        question_id, option_id = fields
        if question is None or question_id != question.id:
            return None
        if question.type == "multiple" and option_id != SKIP:
            if option_id == DONE:
                if not progress.ticked:
                    return Step([Reply(PICK_MANY)])
                chosen = tuple(sorted(progress.ticked))
                return self._answer(user, held, progress, question, chosen, may_record, participant)
            if question.option(option_id) is None:
                return None
            progress.ticked ^= {option_id}  # a second press unticks
            if self.states.put(user, progress.payload(), after=held) is None:
                return None  # another press of this survey was taken first
            return Step([self._ask(progress, replace=True)])
        if question.option(option_id) is None:
            return None
        return self._answer(user, held, progress, question, (option_id,), may_record, participant)

    def remind(self, user: str) -> Step | None:
        """Typed text during a survey (after triage): show the question again."""
        found = self._held(user)
        if found is None:
            return None
        return Step([Reply(PICK), self._ask(found[1])])

    def abandon(self, user: str) -> bool:
        """/salir, /borrar: drop the answers held so far; nothing is counted."""
        return self.states.drop(user)

    def erase(self, user: str) -> int:
        """/borrar: the survey in progress and the participation markers of this pseudonym
        (the totals stay: anonymous; the participation tokens stay too: they name no one,
        see ParticipationToken)."""
        deleted = self.states.erase(user)
        with self.database.session() as session:
            rows = session.query(Participation).filter(Participation.user == user)
            deleted += int(rows.delete(synchronize_session=False))
        return deleted

    # -- pieces -----------------------------------------------------------------------------

    def _answer(
        self,
        user: str,
        held: Held,
        progress: Progress,
        question: Question,
        chosen: tuple[str, ...],
        may_record: Callable[[str], bool],
        participant: Participant | None,
    ) -> Step | None:
        """Record one answer and move on; None if another press took this step first."""
        progress.answers[question.id] = chosen
        progress.ticked = set()
        following = self._next(progress.campaign, progress.answers, after=question.id)
        if following is not None:
            progress.question = following.id
            if self.states.put(user, progress.payload(), after=held) is None:
                return None
            return Step([self._ask(progress)])
        if not self.states.drop(user, after=held):
            return None  # the other press finished it (and counted it, once)
        if not may_record(progress.campaign.id):
            logger.warning("survey finished without a valid consent receipt; nothing counted")
            return Step([Reply(NOT_SAVED)], finished=True)
        if participant is None:
            logger.error("a survey was finished from a channel that gives no participant")
            return Step([Reply(NOT_SAVED)], finished=True)
        try:
            counted = self._record(user, progress, participant.token(progress.campaign.id))
        except Exception as error:  # noqa: BLE001 - the child is told; nothing half-written (one transaction)
            logger.error("could not record a survey: %s", describe(error))
            return Step([Reply(NOT_SAVED)], finished=True)
        if counted:
            try:
                taken = releases.take_due(self.database, progress.campaign, self.clock())
            except Exception as error:  # noqa: BLE001 - the answers are counted; the next read retries
                logger.error("could not take a due release: %s", describe(error))
            else:
                if taken is not None and self.on_release is not None:
                    self.on_release()
        if not counted:
            return Step([Reply(ALREADY)], finished=True)
        return Step([Reply(THANKS)], finished=True, counted=(progress.campaign.id, progress.band))

    @staticmethod
    def _next(
        campaign: Campaign, answers: dict[str, tuple[str, ...]], after: str | None
    ) -> Question | None:
        ids = [q.id for q in campaign.questions]
        start = 0 if after is None else ids.index(after) + 1
        for question in campaign.questions[start:]:
            condition = question.show_if
            if condition is None or set(answers.get(condition.question, ())) & condition.answers:
                return question
        return None

    def _ask(self, progress: Progress, replace: bool = False) -> Reply:
        question = progress.campaign.question(progress.question)
        assert question is not None
        rows: list[tuple[Button, ...]] = []
        for option in question.options:
            label = option.text.for_band(progress.band)
            if question.type == "multiple" and option.id != SKIP:
                label = ("✅ " if option.id in progress.ticked else "▫️ ") + label
            rows.append((Button(label, BUTTONS.encode(question.id, option.id)),))
        text = question.text.for_band(progress.band)
        if question.type == "multiple":
            rows.append((Button(READY, BUTTONS.encode(question.id, DONE)),))
            text = f"{text}\n{PICK_MANY}"
        return Reply(text, tuple(rows), replace=replace)

    def _record(self, user: str, progress: Progress, token: str) -> bool:
        """Add one child's answers to the counters, once; False if already counted (by
        this pseudonym, or by this person, `token`, before they erased their data)."""
        campaign, band = progress.campaign.id, progress.band
        record_key = self.record_key()
        increments = [(ANY, ANY)]
        for question_id, chosen in progress.answers.items():
            increments.append((question_id, ANY))
            increments.extend((question_id, option) for option in chosen)
        try:
            with self.database.session() as session:
                session.add(
                    Participation(campaign=campaign, user=user, completed_on=self.clock().date())
                )
                session.add(ParticipationToken(campaign=campaign, token=token))
                session.flush()  # marker and token first: a second completion stops here
                for question_id, option in increments:
                    session.execute(
                        self._increment(campaign, question_id, option, band, record_key)
                    )
        except IntegrityError:
            return False
        return True

    def _increment(self, campaign: str, question: str, option: str, band: str, key: int) -> Insert:
        # An atomic upsert, so concurrent completions never lose a count or a key.
        dialect = postgresql if self.database.engine.dialect.name == "postgresql" else sqlite
        statement = dialect.insert(AnswerCounter).values(
            campaign=campaign, question=question, option=option, band=band, count=1, key=key
        )
        return statement.on_conflict_do_update(
            index_elements=["campaign", "question", "option", "band"],
            set_={"count": AnswerCounter.count + 1, "key": (AnswerCounter.key + key) % KEYS},
        )
