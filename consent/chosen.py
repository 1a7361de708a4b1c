"""The age band a child chose at /start, kept as conversation state (table chosen_bands).

The band words what the child reads for the whole conversation: lesson messages, quizzes,
FAQ answers, /privacidad. A child who declined assent, or has not finished it, has no
receipt, and is still 9 or 16: so the band they picked is remembered on its own, whatever
they then answered. It is conversation state, not a record:

- a table of its own (user pseudonym, band, expiry), never a column beside an answer or a
  receipt: it says which words a child reads, not what they answered or agreed to;
- it expires KEPT_FOR after the child last used it, like a survey's or a quiz's progress
  (bot.campaigns.survey, bot.awareness.lessons: two hours idle). A conversation that pauses
  for lunch keeps its words; one taken up the next day asks the band again at /start, and
  until then reads the youngest band's words (ConsentFlow.reading_band). Expired rows count
  as absent and are deleted when a band is next chosen or read;
- /salir forgets it (`forget`) and /borrar erases it (`erase`).

Reading a band slides its expiry, at most once every REFRESH_EVERY, so that a child
reading lessons for an hour does not lose their words while a read costs no write.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.orm import Session

from bot.storage import Database
from consent.models import ChosenBand

KEPT_FOR = timedelta(hours=2)  # idle time after which the band is forgotten
REFRESH_EVERY = timedelta(minutes=10)

_BAND = select(ChosenBand.band, ChosenBand.expires_at).where(ChosenBand.user == bindparam("user"))


class ChosenBands:
    """Who chose which band, until their conversation goes idle."""

    def __init__(self, database: Database, clock: Callable[[], datetime] = datetime.utcnow) -> None:
        self.database = database
        self.clock = clock

    def remember(self, user: str, band: str, session: Session | None = None) -> None:
        """The child picked `band` (in any consent flow, whatever they answer next); in
        `session` when the caller has one open, so both commit together."""

        def write(s: Session) -> int:
            now = self.clock()
            s.execute(delete(ChosenBand).where(ChosenBand.expires_at <= now))
            row = s.get(ChosenBand, user)
            if row is None:
                s.add(ChosenBand(user=user, band=band, expires_at=now + KEPT_FOR))
            else:
                row.band, row.expires_at = band, now + KEPT_FOR
            return 1

        self._within(session, write)

    def band(self, user: str) -> str | None:
        """The band the child chose, unless their conversation went idle since. One read,
        outside a Session (it is on nearly every message's path); a write only when the row
        expired or its expiry is due to slide."""
        now = self.clock()
        with self.database.read() as connection:
            row = connection.execute(_BAND, {"user": user}).first()
        if row is None:
            return None
        if row.expires_at <= now:
            # Only if still expired: a band chosen since, on another replica, stays.
            gone = delete(ChosenBand).where(ChosenBand.user == user, ChosenBand.expires_at <= now)
            self._within(None, lambda s: s.execute(gone).rowcount or 0)
            return None
        if row.expires_at < now + KEPT_FOR - REFRESH_EVERY:
            slid = (
                update(ChosenBand).where(ChosenBand.user == user).values(expires_at=now + KEPT_FOR)
            )
            self._within(None, lambda s: s.execute(slid).rowcount or 0)
        band: str = row.band
        return band

    def forget(self, user: str, session: Session | None = None) -> bool:
        """/salir, or a child who says they are outside every band: the band is forgotten.
        True if one was kept."""
        return self.erase(user, session) > 0

    def erase(self, user: str, session: Session | None = None) -> int:
        """/borrar: the child's row, if any. Returns how many rows went."""

        def drop(s: Session) -> int:
            return s.execute(delete(ChosenBand).where(ChosenBand.user == user)).rowcount or 0

        return self._within(session, drop)

    def _within(self, session: Session | None, work: Callable[[Session], int]) -> int:
        if session is not None:
            return work(session)
        with self.database.session() as own:
            return work(own)
