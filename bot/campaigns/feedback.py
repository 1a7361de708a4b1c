"""Back to the children who took part: the results, told to those who asked for them.

At the end of a survey (after the thanks) a child may press «Quiero saber los resultados»
("f:<campaign>:<band>"). Only a private chat has an address to write back to; the terminal
chat and groups are told so. The request is a `ResultsRequest` row (bot.campaigns.tables):
campaign, pseudonym, address, band and the latest release at the time, nothing of what was
answered. It waits for the next release of that campaign (or, once the campaign has closed,
for its last one: no other will come).

The answer is sent by the running Telegram bot on its own once a release is out
(bot.campaigns.results_task, started with the channel), or at once by a facilitator with
`python -m bot feedback <id>` (bot.cli.feedback); both run `Notifier`: like a broadcast,
it goes through a `Sender` within the `Pacer`'s limits (bot.broadcasts), so it never
starves the live bot. Each message is `summary`: a few lines in words for the child's
band, built only from the published release (`bot.campaigns.results.published`:
suppressed cells stay unsaid, perturbed counts as published, never a live count), then the
campaign's `feedback` text for the band (what the organisation will do with the answers).

A sender claims each row before sending it (`ResultsRequests.claim`: one atomic UPDATE that
only succeeds on a row nobody holds, or whose holder's claim is CLAIM_LEASE old), so two
replicas, or a replica and the command, never both send it. The row is deleted right after
the channel accepted its message (or refused it because the child blocked the bot): the
row is the record of what is left to send, so a run that dies resends nothing already
recorded. The one message in flight when it died (sent, not yet deleted) is the only one
that can be sent twice: by the next run if the send was stopped by an exception (which
gives the claim back), or after CLAIM_LEASE if the process was killed. A send that failed
gives its claim back too, for the next pass, unless Telegram refused it with a 400 other
than a block for the MAX_REJECTIONS-th time: then the row is deleted (`rejections`). /baja
and /borrar delete the rows too.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Protocol

from sqlalchemy import delete, func, or_, select, update

from bot.campaigns.model import SKIP, Campaign
from bot.campaigns.tables import Release, ResultsRequest
from bot.events import Button, Reply
from bot.flows import Codec, Flow, Turn
from bot.i18n import _

if TYPE_CHECKING:
    from bot.campaigns.results import Results, Table
    from bot.storage import Database

logger = logging.getLogger(__name__)

BUTTONS = Codec("f", r"[a-z0-9][a-z0-9-]{1,40}:[0-9a-z+-]{1,8}")
MAX_CHARS = 3500  # a Telegram message holds 4096; the rest is room for the feedback text
MAX_OPTIONS = 3  # options told per question: a summary, not the table
# How long a claim holds a request: far longer than one paced send with its retries (a
# minute at most), so only a sender that died mid-send leaves a claim to run out.
CLAIM_LEASE = timedelta(minutes=10)
# Sends of one request Telegram may refuse with a 400 other than a block before the request
# is dropped. Such a 400 (the chat no longer exists, the account was deleted) usually comes
# back whatever we do, and the results task passes every 5 minutes: without a bound the
# request, and the one address of that child the bot keeps, would stay and be retried for
# ever. Three tries, passes apart, leave room for a 400 that Telegram or a redeploy clears.
MAX_REJECTIONS = 3

# The offer, after the thanks.
OFFER = _("¿Quiere saber qué dijo la gente? Cuando haya resultados, le mando un mensaje corto.")
ASK = _("Quiero saber los resultados")
SAVED = _(
    "¡Listo! Le voy a escribir cuando salgan los nuevos resultados. Eso puede tardar unas "
    "semanas. Guardo cómo escribirle solo hasta ese día. Si ya no lo quiere, escriba /baja."
)
ALREADY_ASKED = _("Ya lo tengo anotado. Le escribiré cuando salgan los próximos resultados.")
NOT_HERE = _(
    "Aquí no puedo guardar cómo escribirle. Los resultados llegan solo a un chat privado "
    "con el bot en Telegram. ¡Gracias por participar!"
)
NOT_TAKEN_PART = _("Ese botón ya no sirve. Puede pedir los resultados al terminar una consulta.")

# The message with the results.
HEADER = _("Hola. Ya hay resultados de la consulta «{title}». ¡Gracias por participar!")
PEOPLE_BAND = _("Respondieron {count} personas de su edad.")
PEOPLE_ALL = _("Respondieron {count} personas.")
BAND_PENDING = _(
    "De su edad todavía hay pocas respuestas, así que le cuento lo de todas las edades juntas."
)
PERSONS = _("{count} personas")  # never 1: a published count is 0 or 3 and more
HIDDEN_NOTE = _(
    "Los números muy pequeños no se muestran. Así nadie puede adivinar qué respondió una persona."
)
CHANGED_NOTE = _(
    "Cada número cambia un poquito a propósito, para cuidar a quienes respondieron. Por "
    "eso las sumas pueden no dar exacto."
)
FEEDBACK_INTRO = _("Qué vamos a hacer con sus respuestas:")
NO_FIGURES = _(
    "Hola. La consulta «{title}» ya cerró. De cada edad respondieron muy pocas personas, así "
    "que no se publican números. Así nadie puede adivinar qué respondió una persona. "
    "¡Gracias por participar!"
)
GOODBYE = _("Es el único mensaje de esta consulta. Ya no guardo cómo escribirle.")


# -- the requests --------------------------------------------------------------------------


@dataclass(frozen=True)
class Request:
    user: str
    address: str
    band: str


class ResultsRequests:
    """The `results_requests` rows: asked, answered, withdrawn."""

    def __init__(self, database: Database, clock: Callable[[], datetime] = datetime.utcnow):
        self.database = database
        self.clock = clock

    def latest_release(self, campaign_id: str) -> int:
        """The number of the campaign's latest release; 0 before the first."""
        with self.database.session() as session:
            number = session.scalar(
                select(func.max(Release.number)).where(Release.campaign == campaign_id)
            )
        return int(number or 0)

    def ask(self, user: str, address: str, campaign_id: str, band: str) -> bool:
        """Note the request; False if this pseudonym already asked for this campaign."""
        after = self.latest_release(campaign_id)
        with self.database.session() as session:
            if session.get(ResultsRequest, (campaign_id, user)) is not None:
                return False
            session.add(
                ResultsRequest(
                    campaign=campaign_id,
                    user=user,
                    address=address,
                    band=band,
                    after_release=after,
                    requested_on=self.clock().date(),
                )
            )
        return True

    def due(self, campaign_id: str, release: int, closed: bool) -> list[Request]:
        """The requests `release` answers: those made before it, or all once the campaign
        has closed (no later release will come). Oldest first."""
        query = select(ResultsRequest.user, ResultsRequest.address, ResultsRequest.band).where(
            ResultsRequest.campaign == campaign_id
        )
        if not closed:
            query = query.where(ResultsRequest.after_release < release)
        query = query.order_by(ResultsRequest.requested_on, ResultsRequest.user)
        with self.database.session() as session:
            return [Request(user, address, band) for user, address, band in session.execute(query)]

    def pending_campaigns(self) -> set[str]:
        """The campaigns someone is waiting to hear from."""
        with self.database.session() as session:
            return set(session.scalars(select(ResultsRequest.campaign).distinct()))

    def claim(self, campaign_id: str, user: str) -> bool:
        """Take the request to send it: True for one caller only, across processes and
        replicas (one UPDATE, atomic on SQLite and PostgreSQL: a second UPDATE of the row
        waits for the first to commit, then finds the claim fresh and changes nothing).
        False once the row is gone (sent, or /borrar) or another sender holds it."""
        now = self.clock()
        with self.database.session() as session:
            taken: int = session.execute(
                update(ResultsRequest)
                .where(
                    ResultsRequest.campaign == campaign_id,
                    ResultsRequest.user == user,
                    or_(
                        ResultsRequest.claimed_at.is_(None),
                        ResultsRequest.claimed_at < now - CLAIM_LEASE,
                    ),
                )
                .values(claimed_at=now)
            ).rowcount
        return taken == 1

    def unclaim(self, campaign_id: str, user: str) -> None:
        """Give the request back (its send failed): the next pass tries again."""
        with self.database.session() as session:
            session.execute(
                update(ResultsRequest)
                .where(ResultsRequest.campaign == campaign_id, ResultsRequest.user == user)
                .values(claimed_at=None)
            )

    def rejected(self, campaign_id: str, user: str) -> bool:
        """Count a 400 for the request: True if it was the last one allowed and the request
        is deleted; else the claim is given back for the next pass."""
        with self.database.session() as session:
            row = session.get(ResultsRequest, (campaign_id, user))
            if row is None:
                return False  # withdrawn meanwhile (/baja, /borrar)
            row.rejections += 1
            if row.rejections < MAX_REJECTIONS:
                row.claimed_at = None
                return False
            session.delete(row)
        return True

    def answered(self, campaign_id: str, user: str) -> None:
        with self.database.session() as session:
            session.execute(
                delete(ResultsRequest).where(
                    ResultsRequest.campaign == campaign_id, ResultsRequest.user == user
                )
            )

    def withdraw(self, user: str) -> int:
        """/baja and /borrar: every request of this pseudonym."""
        with self.database.session() as session:
            deleted: int = session.execute(
                delete(ResultsRequest).where(ResultsRequest.user == user)
            ).rowcount
        return deleted


# -- the flow ------------------------------------------------------------------------------


class TookPart(Protocol):
    """bot.campaigns.survey.Surveys: whether this pseudonym completed the campaign."""

    def participated(self, user: str, campaign: str) -> bool: ...


def offer(campaign_id: str, band: str) -> Reply:
    """The opt-in button shown after the thanks."""
    return Reply(OFFER, ((Button(ASK, BUTTONS.encode(campaign_id, band)),),))


class FeedbackFlow(Flow):
    name = "results feedback"
    buttons = BUTTONS
    erases = frozenset({ResultsRequest.__tablename__})

    def __init__(self, requests: ResultsRequests, surveys: TookPart) -> None:
        self.requests = requests
        self.surveys = surveys

    async def press(self, turn: Turn) -> list[Reply] | None:
        fields = BUTTONS.parse(turn.event.text)
        if fields is None:
            return None
        campaign_id, band = fields
        if not self.surveys.participated(turn.user, campaign_id):
            return [Reply(NOT_TAKEN_PART)]
        if turn.event.address is None:  # only a private chat has an address (bot.events)
            return [Reply(NOT_HERE)]
        new = self.requests.ask(turn.user, turn.event.address, campaign_id, band)
        return [Reply(SAVED if new else ALREADY_ASKED)]

    def erase(self, user: str) -> int:
        return self.requests.withdraw(user)


# -- the message ---------------------------------------------------------------------------


def _column(results: Results, band: str) -> tuple[int, bool]:
    """The band's column in the published tables, or the Total's when the band has no
    figures yet; and whether it is the band's own."""
    if band in results.columns[:-1]:
        return results.columns.index(band), True
    return len(results.columns) - 1, False


def _question_lines(campaign: Campaign, table: Table, column: int, band: str) -> list[str]:
    """The question in the band's words, then up to MAX_OPTIONS published counts, largest
    first; hidden cells (and zeros) are not named at all."""
    question = campaign.question(table.question)
    shown: list[tuple[int, str]] = []
    for row in table.rows:
        count = row.cells[column].count
        if row.id == SKIP or count is None or count == 0:
            continue
        option = question.option(row.id) if question is not None else None
        shown.append((count, option.text.for_band(band) if option is not None else row.label))
    if not shown:
        return []
    shown.sort(key=lambda item: -item[0])
    text = question.text.for_band(band) if question is not None else table.text
    lines = [text]
    lines += [f"• {label}: {PERSONS.format(count=count)}" for count, label in shown[:MAX_OPTIONS]]
    return lines


def summary(campaign: Campaign, results: Results | None, band: str) -> str:
    """The message for a child of `band`: from the published `results` only (None: the
    campaign closed with nothing published), then the campaign's feedback for the band."""
    ending = [GOODBYE]
    if campaign.feedback is not None:
        ending = [f"{FEEDBACK_INTRO}\n{campaign.feedback.for_band(band)}", GOODBYE]
    if results is None:
        return "\n\n".join([NO_FIGURES.format(title=campaign.title), *ending])
    column, own = _column(results, band)
    parts = [HEADER.format(title=campaign.title)]
    people = results.completions.cells[column].count
    if not own:
        parts.append(BAND_PENDING)
    if people is not None:
        parts.append((PEOPLE_BAND if own else PEOPLE_ALL).format(count=people))
    notes = [CHANGED_NOTE]
    if any(row.cells[column].hidden for table in results.tables for row in table.rows):
        notes.insert(0, HIDDEN_NOTE)
    budget = MAX_CHARS - sum(len(p) + 2 for p in (*parts, *notes, *ending))
    for table in results.tables:
        section = "\n".join(_question_lines(campaign, table, column, band))
        if not section:
            continue
        if len(section) + 2 > budget:
            break
        budget -= len(section) + 2
        parts.append(section)
    return "\n\n".join([*parts, " ".join(notes), *ending])


# -- sending -------------------------------------------------------------------------------


class Sender(Protocol):
    """bot.broadcasts.sending.Sender: one text to one private chat, by its opaque address."""

    async def send(self, to: str, text: str) -> None: ...


@dataclass
class Sent:
    """What one run did; counts only, never who."""

    total: int
    sent: int = 0
    dropped: int = 0  # the chat blocked the bot: the request is deleted, nothing sent
    failed: int = 0  # kept: the next run tries again
    given_up: int = 0  # refused with a 400 MAX_REJECTIONS times: deleted, nothing sent
    elsewhere: int = 0  # another sender held it (another replica, or the command)


class Notifier:
    """Answers a campaign's due requests through a Sender, paced like a broadcast."""

    def __init__(
        self,
        database: Database,
        sender: Sender,
        *,
        rate: float | None = None,
        max_failures: int = 5,
        backoff_base: float = 1.0,
        backoff_cap: float = 30.0,
        clock: Callable[[], datetime] = datetime.utcnow,
    ) -> None:
        from bot.broadcasts.pacing import DEFAULT_RATE, TELEGRAM_RATE, Pacer

        rate = DEFAULT_RATE if rate is None else rate
        if not 0 < rate < TELEGRAM_RATE:
            raise ValueError(f"rate must be above 0 and below {TELEGRAM_RATE:g}")
        self.requests = ResultsRequests(database, clock)
        self.sender = sender
        self.pacer = Pacer(rate)
        self.max_failures = max_failures
        self.backoff_base = backoff_base
        self.backoff_cap = backoff_cap

    async def run(
        self,
        campaign: Campaign,
        results: Results | None,
        closed: bool,
        stop: asyncio.Event | None = None,
    ) -> Sent:
        """Send every due request its summary and delete it. `results` is the published
        release (None: nothing is, and none will be unless the campaign has closed: then
        nothing is sent at all). Each request is claimed first and skipped if another
        sender holds it. Once `stop` is set no new message is started."""
        if results is None and not closed:
            return Sent(total=0)
        number = results.release.number if results is not None and results.release else 0
        due = self.requests.due(campaign.id, number, closed)
        sent = Sent(total=len(due))
        for request in due:
            if stop is not None and stop.is_set():
                break
            if not self.requests.claim(campaign.id, request.user):
                sent.elsewhere += 1
                continue
            try:
                outcome = await self._deliver(request, summary(campaign, results, request.band))
            except BaseException:  # stopped or cancelled: the claim goes back for the next run
                self.requests.unclaim(campaign.id, request.user)
                raise
            if outcome == "sent":
                sent.sent += 1
                self.requests.answered(campaign.id, request.user)
            elif outcome == "dropped":
                sent.dropped += 1
                self.requests.answered(campaign.id, request.user)
            elif outcome == "rejected" and self.requests.rejected(campaign.id, request.user):
                sent.given_up += 1
            else:
                sent.failed += 1
                if outcome == "failed":
                    self.requests.unclaim(campaign.id, request.user)
        if sent.given_up:  # no person named: the campaign and a count
            logger.warning(
                "campaign %s: %d results requests refused by Telegram %d times (400) dropped",
                campaign.id,
                sent.given_up,
                MAX_REJECTIONS,
            )
        return sent

    async def _deliver(self, request: Request, text: str) -> str:
        from bot.channels.delivery import DeliveryError, Refused, RetryLater, Transient

        failures = 0
        while True:
            await self.pacer.slot(request.address)
            try:
                await self.sender.send(request.address, text)
            except (ValueError, LookupError):  # another channel's address: the sender's
                return "failed"  # channel cannot write to it (UnknownChannel is a LookupError)
            except DeliveryError as error:
                if isinstance(error, RetryLater):
                    self.pacer.pause(error.after)
                    continue
                if isinstance(error, Refused):
                    return "dropped"
                if not isinstance(error, Transient):  # a 400 (a private chat does not move)
                    return "rejected"
                failures += 1
                if failures >= self.max_failures:
                    return "failed"
                await asyncio.sleep(min(self.backoff_cap, self.backoff_base * 2 ** (failures - 1)))
                continue
            return "sent"
