"""The assent flow, a deterministic state machine:

    [code] -> band -> assent -> question (-> explanation -> question)* -> decision

`code` only for workshop campaigns. Every step is a row in consent_sessions (so a restart
loses nothing); a receipt is written only on an explicit yes, and the session row is
deleted when the flow ends either way. The band the child picks is also kept on its own as
conversation state (consent.chosen), whatever they answer next: it words what they read.
Buttons carry "c:<action>[:<argument>]" and are accepted only in the step that showed
them: a forged or stale press changes nothing.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import bindparam, delete, select
from sqlalchemy.orm import Session

from bot.events import Button, Reply
from bot.flows.codec import Codec
from bot.storage import Database
from consent import texts
from consent.bands import Band, Bands, load_bands
from consent.chosen import ChosenBands
from consent.models import CodeAttempts, ConsentReceipt, ConsentSession

BUTTONS = Codec(
    "c", r"(?:band|younger|older|read|q|yes|no|fixband)(?::[0-9]{1,2}(?:-[0-9]{1,2})?)?"
)
CODE_FAILURES_ALLOWED = 5
CODE_WINDOW = timedelta(minutes=15)
GENERAL = "general"  # the consultation scope when no campaign link was used
# A child's step, read with Core: step() is asked for every text a child types (code()).
_STEP = select(ConsentSession.step).where(ConsentSession.user == bindparam("user"))
# A child's receipts for a campaign, every column: asked at each /start and by campaigns.
_RECEIPTS = select(
    ConsentReceipt.id,
    ConsentReceipt.user,
    ConsentReceipt.campaign,
    ConsentReceipt.text_version,
    ConsentReceipt.band,
    ConsentReceipt.given_on,
).where(ConsentReceipt.user == bindparam("user"), ConsentReceipt.campaign == bindparam("campaign"))
_LATEST_BAND = (
    select(ConsentReceipt.band)
    .where(ConsentReceipt.user == bindparam("user"))
    .order_by(ConsentReceipt.id.desc())
    .limit(1)
)


def attempts_token(user: str, campaign: str) -> str:
    """The key of a child's wrong-code counter for one campaign: one-way, so the row names
    no pseudonym, and the same for the same child, so /borrar cannot reset it."""
    return hashlib.sha256(f"code-attempts\0{campaign}\0{user}".encode()).hexdigest()


@dataclass(frozen=True)
class Scope:
    """What a child is asked to assent to: a campaign, the bands it is for, and the workshop
    access code when adult consent was handled offline."""

    campaign: str = GENERAL
    bands: frozenset[str] | None = None  # None: every band
    access_code: str | None = None
    version: str = ""  # the campaign's own consent version: bumping it asks everyone again
    # What the campaign is about, in the words of a band: read before the assent text.
    describe: Callable[[str], str] | None = None


@dataclass(frozen=True)
class Outcome:
    replies: list[Reply]
    consented: bool = False  # the flow ended with a receipt
    finished: bool = False  # the flow ended (either way); the engine may show its menu
    campaign: str | None = None  # with `consented`: for which campaign, and the child's band
    band: str | None = None


class ConsentFlow:
    def __init__(
        self,
        database: Database,
        bands: Bands | None = None,
        clock: Callable[[], datetime] = datetime.utcnow,
        scopes: Callable[[str], Scope | None] | None = None,
    ) -> None:
        self.database = database
        self.bands = bands or load_bands()
        self.clock = clock
        # The band picked at /start, for the whole conversation, with or without a receipt.
        self.chosen = ChosenBands(database, clock)
        # Campaign id -> what it asks assent for; campaigns (their own package) supply this.
        self.scopes = scopes or (lambda campaign: Scope() if campaign == GENERAL else None)

    # -- queries --------------------------------------------------------------------------

    def receipt(self, user: str, campaign: str) -> ConsentReceipt | None:
        """The child's receipt for the campaign under the current text of their band."""
        with self.database.read() as connection:
            rows = connection.execute(_RECEIPTS, {"user": user, "campaign": campaign}).all()
        for row in rows:
            band = self.bands.get(row.band)
            if band is not None and row.text_version == self._version(campaign, band):
                return ConsentReceipt(**row._asdict())  # the row, as a Session would give it
        return None

    def _version(self, campaign: str, band: Band) -> str:
        scope = self.scopes(campaign)
        if scope is None:
            return texts.version(band.texts)
        if scope.describe is None:
            return texts.version(band.texts, scope.version)
        # The campaign's description is part of what the child assents to.
        return texts.version(band.texts, f"{scope.version}\0{scope.describe(band.id)}")

    def reading_band(self, user: str) -> str | None:
        """The band whose words the child reads: theirs (`band`), else the youngest band's.
        In doubt, the younger status applies (Código de la Niñez y la Adolescencia, art. 2):
        a child who has not said their age, or said it long ago, may be 9. None only when
        no band is configured."""
        band = self.band(user)
        if band is not None and self.bands.get(band) is not None:
            return band
        return self.bands.bands[0].id if self.bands.bands else None

    def band(self, user: str) -> str | None:
        """The child's band: the one chosen in this conversation, else the one given with
        their latest receipt, else None (not known: what they read is then worded for the
        youngest band, `reading_band`)."""
        chosen = self.chosen.band(user)
        if chosen is not None:
            return chosen
        with self.database.read() as connection:
            band: str | None = connection.execute(_LATEST_BAND, {"user": user}).scalar()
        return band

    def step(self, user: str) -> str | None:
        with self.database.read() as connection:
            step: str | None = connection.execute(_STEP, {"user": user}).scalar()
        return step

    # -- transitions ----------------------------------------------------------------------

    def start(self, user: str, campaign: str = GENERAL) -> Outcome:
        """/start, or /start <campaign> from a campaign link or QR code."""
        scope = self.scopes(campaign)
        intro = [Reply(texts.WELCOME), Reply(texts.PRIVACY)]
        if scope is None:
            intro.append(Reply(texts.BAD_LINK))
            scope = self.scopes(GENERAL) or Scope()
        receipt = self.receipt(user, scope.campaign)
        if receipt is not None:
            return Outcome(
                [Reply(texts.ALREADY)], True, True, campaign=scope.campaign, band=receipt.band
            )
        first = "code" if scope.access_code else "band"
        self._save(user, scope.campaign, first, band=None)
        if first == "code":
            return Outcome([*intro, Reply(texts.ASK_CODE)])
        return Outcome([*intro, self._band_question()])

    def code(self, user: str, entered: str) -> Outcome | None:
        """A typed workshop code; None when the child is not in the code step."""
        now = self.clock()
        if self.step(user) != "code":  # nearly every text: one cheap read, no Session
            return None
        with self.database.session() as session:
            row = session.get(ConsentSession, user)
            scope = self.scopes(row.campaign) if row is not None and row.step == "code" else None
            if scope is None:
                return None
            # Windows that are over count nothing: their rows go, whoever they were for.
            session.execute(
                delete(CodeAttempts).where(CodeAttempts.window_start < now - CODE_WINDOW)
            )
            token = attempts_token(user, scope.campaign)
            attempts = session.get(CodeAttempts, (token, scope.campaign))
            if attempts is not None and attempts.failures >= CODE_FAILURES_ALLOWED:
                return Outcome([Reply(texts.TOO_MANY_CODES)])
            expected = (scope.access_code or "").strip().casefold()
            if expected and hmac.compare_digest(
                entered.strip().casefold().encode(), expected.encode()
            ):
                if attempts is not None:
                    session.delete(attempts)
                self._save(user, scope.campaign, "band", band=None, session=session)
                return Outcome([Reply(texts.CODE_OK), self._band_question()])
            if attempts is None:
                attempts = CodeAttempts(
                    token=token, campaign=scope.campaign, failures=0, window_start=now
                )
                session.add(attempts)
            attempts.failures += 1
            blocked = attempts.failures >= CODE_FAILURES_ALLOWED
            return Outcome([Reply(texts.TOO_MANY_CODES if blocked else texts.WRONG_CODE)])

    def press(self, user: str, data: str) -> Outcome | None:
        """A "c:..." button; None when it is forged, stale or not for the current step."""
        fields = BUTTONS.parse(data)
        with self.database.session() as session:
            row = session.get(ConsentSession, user)
            if fields is None or row is None:
                return None
            scope = self.scopes(row.campaign)
            if scope is None:  # the campaign closed while the child was deciding
                session.delete(row)
                return Outcome([Reply(texts.CLOSED)], finished=True)
            action, argument = fields[0], (fields[1] if len(fields) > 1 else None)
            if action == "fixband" and row.step in ("assent", "question", "decision"):
                row.step, row.band, row.wrong_answers = "band", None, 0
                return Outcome([self._band_question()])
            if row.step == "band" and action in ("younger", "older"):
                session.delete(row)
                self.chosen.forget(user, session)  # outside every band: no band's words
                return Outcome(
                    [Reply(texts.YOUNGER if action == "younger" else texts.OLDER)], finished=True
                )
            if row.step == "band" and action == "band":
                band = self.bands.get(argument or "")
                if band is None:
                    return None
                self.chosen.remember(user, band.id, session)
                if scope.bands is not None and band.id not in scope.bands:
                    session.delete(row)
                    return Outcome([Reply(texts.NOT_FOR_BAND)], finished=True)
                row.step, row.band = "assent", band.id
                return Outcome(self._assent(band, scope))
            band = self.bands.get(row.band or "")
            if band is None:
                return None
            if row.step == "assent" and action == "read":
                row.step = "question"
                return Outcome([self._question(band)])
            if row.step == "question" and action == "q":
                question = texts.QUESTIONS[band.texts]
                if (
                    argument is None
                    or not argument.isdigit()
                    or int(argument) >= len(question.options)
                ):
                    return None
                if int(argument) != question.correct:
                    row.wrong_answers += 1
                    return Outcome([Reply(question.explanation), self._question(band)])
                row.step = "decision"
                return Outcome([self._decision(band)])
            if row.step == "decision" and action in ("yes", "no"):
                session.delete(row)
                if action == "no":
                    return Outcome([Reply(texts.THANKS_NO)], finished=True)
                self._record_receipt(session, user, scope.campaign, band)
                return Outcome(
                    [Reply(texts.THANKS_YES)], True, True, campaign=scope.campaign, band=band.id
                )
        return None

    def stop(self, user: str) -> bool:
        """/salir: end the flow; nothing partial is kept. True if a flow was running."""
        with self.database.session() as session:
            return bool(
                session.execute(delete(ConsentSession).where(ConsentSession.user == user)).rowcount
            )

    def erase(self, user: str) -> int:
        """/borrar: every consent row keyed by this pseudonym. Returns how many.

        Wrong-code counters stay: they are keyed by a one-way token, hold no words and no
        pseudonym, and are gone within CODE_WINDOW; erasing them would let anyone guess a
        workshop code without limit by typing /borrar every fifth try."""
        with self.database.session() as session:
            return sum(
                session.execute(delete(table).where(table.user == user)).rowcount or 0
                for table in (ConsentSession, ConsentReceipt)
            )

    # -- pieces ---------------------------------------------------------------------------

    def _save(
        self, user: str, campaign: str, step: str, band: str | None, session: Session | None = None
    ) -> None:
        def write(s: Session) -> None:
            row = s.get(ConsentSession, user)
            if row is None:
                row = ConsentSession(user=user)
                s.add(row)
            row.campaign, row.step, row.band, row.wrong_answers = campaign, step, band, 0
            row.updated_on = self._today()

        if session is not None:
            write(session)
            return
        with self.database.session() as own:
            write(own)

    def _record_receipt(self, session: Session, user: str, campaign: str, band: Band) -> None:
        version = self._version(campaign, band)
        exists = session.scalars(
            select(ConsentReceipt).where(
                ConsentReceipt.user == user,
                ConsentReceipt.campaign == campaign,
                ConsentReceipt.text_version == version,
            )
        ).first()
        if exists is None:
            session.add(
                ConsentReceipt(
                    user=user,
                    campaign=campaign,
                    text_version=version,
                    band=band.id,
                    given_on=self._today(),
                )
            )

    def _today(self) -> date:
        return self.clock().date()

    def _band_question(self) -> Reply:
        rows = [(Button(self.bands.younger_label, BUTTONS.encode("younger")),)]
        rows += [
            (Button(band.label, BUTTONS.encode("band", band.id)),) for band in self.bands.bands
        ]
        rows.append((Button(self.bands.older_label, BUTTONS.encode("older")),))
        return Reply(texts.ASK_BAND, tuple(rows))

    def _assent(self, band: Band, scope: Scope) -> list[Reply]:
        """The campaign's topic in the band's words, if it has one, then the assent text."""
        *paragraphs, last = texts.ASSENT[band.texts]
        replies = [Reply(paragraph) for paragraph in paragraphs]
        if scope.describe is not None:
            replies.insert(0, Reply(texts.ABOUT.format(description=scope.describe(band.id))))
        replies.append(
            Reply(
                last,
                (
                    (Button(texts.READ_BUTTON, BUTTONS.encode("read")),),
                    (Button(texts.CHANGE_BAND, BUTTONS.encode("fixband")),),
                ),
            )
        )
        return replies

    def _question(self, band: Band) -> Reply:
        question = texts.QUESTIONS[band.texts]
        return Reply(
            question.text,
            tuple(
                (Button(option, BUTTONS.encode("q", index)),)
                for index, option in enumerate(question.options)
            ),
        )

    def _decision(self, band: Band) -> Reply:
        return Reply(
            texts.ASK_CONSENT,
            (
                (Button(texts.YES, BUTTONS.encode("yes")), Button(texts.NO, BUTTONS.encode("no"))),
                (Button(texts.CHANGE_BAND, BUTTONS.encode("fixband")),),
            ),
        )
