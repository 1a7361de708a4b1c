"""The survey flow: a campaign's questions, one at a time, with inline buttons.

Answers are held in memory, in this process, until the child finishes; then they are added
to the aggregate counters in one transaction, together with the participation marker. An
abandoned or withdrawn survey adds nothing, and no answer is ever stored per person.
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

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.sql.dml import Insert

from bot.campaigns import releases
from bot.campaigns.model import SKIP, Campaign, Question
from bot.campaigns.perturbation import KEYS
from bot.campaigns.tables import ANY, AnswerCounter, Participation
from bot.events import Button, Reply
from bot.flows.codec import Codec
from bot.i18n import _
from bot.logs import describe
from bot.storage import Database

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
    touched: datetime = field(default_factory=datetime.utcnow)


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
    ):
        self.database = database
        self.clock = clock
        self.record_key = record_key
        self._progress: dict[str, Progress] = {}

    # -- queries ----------------------------------------------------------------------------

    def active(self, user: str) -> bool:
        progress = self._progress.get(user)
        if progress is not None and self.clock() - progress.touched > ABANDONED_AFTER:
            del self._progress[user]
            return False
        return progress is not None

    def participated(self, user: str, campaign: str) -> bool:
        with self.database.session() as session:
            return session.get(Participation, (campaign, user)) is not None

    # -- transitions ------------------------------------------------------------------------

    def start(self, user: str, campaign: Campaign, band: str) -> Step:
        if self.participated(user, campaign.id):
            return Step([Reply(ALREADY)], finished=True)
        first = self._next(campaign, {}, after=None)
        if first is None:
            return Step([Reply(THANKS)], finished=True)
        progress = Progress(campaign, band, first.id, touched=self.clock())
        self._progress[user] = progress
        return Step([Reply(campaign.title), self._ask(progress)])

    def press(self, user: str, data: str, may_record: Callable[[str], bool]) -> Step | None:
        """A survey button; None when it is forged, stale or for another question.
        `may_record(campaign)` is asked at the end: answers are added only with a valid
        consent receipt for that campaign."""
        fields = BUTTONS.parse(data)
        if fields is None or not self.active(user):
            return None
        progress = self._progress[user]
        question = progress.campaign.question(progress.question)
        question_id, option_id = fields
        if question is None or question_id != question.id:
            return None
        progress.touched = self.clock()
        if question.type == "multiple" and option_id != SKIP:
            if option_id == DONE:
                if not progress.ticked:
                    return Step([Reply(PICK_MANY)])
                return self._answer(
                    user, progress, question, tuple(sorted(progress.ticked)), may_record
                )
            if question.option(option_id) is None:
                return None
            progress.ticked ^= {option_id}  # a second press unticks
            return Step([self._ask(progress, replace=True)])
        if question.option(option_id) is None:
            return None
        return self._answer(user, progress, question, (option_id,), may_record)

    def remind(self, user: str) -> Step | None:
        """Typed text during a survey (after triage): show the question again."""
        if not self.active(user):
            return None
        return Step([Reply(PICK), self._ask(self._progress[user])])

    def abandon(self, user: str) -> bool:
        """/salir, /borrar: drop the answers held so far; nothing is counted."""
        return self._progress.pop(user, None) is not None

    def erase(self, user: str) -> int:
        """/borrar: the participation markers of this pseudonym (the totals stay: anonymous)."""
        self.abandon(user)
        with self.database.session() as session:
            rows = session.query(Participation).filter(Participation.user == user)
            deleted: int = rows.delete(synchronize_session=False)
        return deleted

    # -- pieces -----------------------------------------------------------------------------

    def _answer(
        self,
        user: str,
        progress: Progress,
        question: Question,
        chosen: tuple[str, ...],
        may_record: Callable[[str], bool],
    ) -> Step:
        progress.answers[question.id] = chosen
        progress.ticked = set()
        following = self._next(progress.campaign, progress.answers, after=question.id)
        if following is not None:
            progress.question = following.id
            return Step([self._ask(progress)])
        del self._progress[user]
        if not may_record(progress.campaign.id):
            logger.warning("survey finished without a valid consent receipt; nothing counted")
            return Step([Reply(NOT_SAVED)], finished=True)
        try:
            counted = self._record(user, progress)
        except Exception as error:  # noqa: BLE001 - the child is told; nothing half-written (one transaction)
            logger.error("could not record a survey: %s", describe(error))
            return Step([Reply(NOT_SAVED)], finished=True)
        if counted:
            try:
                releases.take_due(self.database, progress.campaign, self.clock())
            except Exception as error:  # noqa: BLE001 - the answers are counted; the next read retries
                logger.error("could not take a due release: %s", describe(error))
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

    def _record(self, user: str, progress: Progress) -> bool:
        """Add one child's answers to the counters, once; False if already counted."""
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
                session.flush()  # the marker first: a second completion stops here
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
