"""Conversation state: where a child is in a flow, kept where every replica reads it.

A survey's progress (its campaign, the question on screen, the answers chosen so far) and
a lesson quiz's place are needed by the next button press, which a load balancer may hand
to another process. So they live in the database (`conversation_state`, one row per
pseudonym and flow), never only in one process's memory:

- the payload is JSON made of ids, numbers and booleans only (`check_payload`): campaign,
  question, option, lesson and band ids, never words a child typed;
- every row has an `expires_at`, `kept_for` after its last write (two hours for surveys and
  quizzes). An expired row counts as absent; it is deleted when it is next read, and every
  expired row of the flow when anyone next starts one, so what was pending is not readable
  later than that;
- every write draws a fresh random `version`, and an update or a delete names the version it
  read (compare-and-set): of two replicas pressing the same step at once, exactly one
  advances it and the other is told it lost (the engine answers "that button no longer
  works"), so a step is never taken twice;
- `drop` (the flow ended, /salir) and `erase` (/borrar) delete the row.

`DatabaseStates` is what the bot runs on (bot.runtime.engine_for), SQLite in one process or
PostgreSQL under several. `MemoryStates` keeps the same contract in one process's memory, for
a flow exercised on its own with no database (the lessons' content tests); nothing that
serves children uses it.
"""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import Column, DateTime, Integer, String, Text, and_, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite

from bot.storage.database import Database
from bot.storage.models import Base

# What a payload string may be: an id (campaign, question, option, lesson, band), never text.
ID = re.compile(r"[a-z0-9][a-z0-9_.:-]{0,63}\Z")
MAX_PAYLOAD = 4000  # characters of JSON: a survey of 60 questions fits with room to spare


class ConversationState(Base):
    """One flow's place for one pseudonym (see the module docstring)."""

    __tablename__ = "conversation_state"

    user = Column(String(64), primary_key=True)  # pseudonym
    flow = Column(String(16), primary_key=True)  # "survey", "lessons"
    payload = Column(Text, nullable=False)  # JSON of ids and numbers, never typed text
    version = Column(Integer, nullable=False)  # random on every write: compare-and-set
    expires_at = Column(DateTime, nullable=False, index=True)


class BadPayload(ValueError):
    """A payload holds something other than ids, numbers and booleans."""


@dataclass(frozen=True)
class Held:
    """A flow's state as read: what to change, and the version a change must name."""

    payload: dict[str, Any]
    version: int


class States(Protocol):
    """The contract of both stores, for one flow."""

    flow: str

    def get(self, user: str) -> Held | None:
        """The state, unless there is none or it expired."""

    def put(self, user: str, payload: dict[str, Any], after: Held | None) -> Held | None:
        """Write the state. `after` None starts afresh, replacing whatever was there;
        otherwise only if the row is still the one read as `after` (None if it is not)."""

    def drop(self, user: str, after: Held | None = None) -> bool:
        """Delete the state (only if still `after`, when given); True if this call did."""

    def erase(self, user: str) -> int:
        """/borrar: delete the state; how many rows went."""


def check_payload(value: Any, path: str = "payload") -> None:
    """Refuse anything but ids, integers, booleans, None, and lists and objects of them."""
    if value is None or isinstance(value, (bool, int)):
        return
    if isinstance(value, str):
        if not ID.match(value):
            raise BadPayload(f"{path} holds a string that is not an id: only ids are kept")
        return
    if isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            check_payload(item, f"{path}[{index}]")
        return
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str) or not ID.match(key):
                raise BadPayload(f"{path} has a key that is not an id")
            check_payload(item, f"{path}.{key}")
        return
    raise BadPayload(f"{path} holds a {type(value).__name__}: only ids and numbers are kept")


def encode(payload: dict[str, Any]) -> str:
    check_payload(payload)
    encoded = json.dumps(payload, separators=(",", ":"), sort_keys=True)
    if len(encoded) > MAX_PAYLOAD:
        raise BadPayload(f"payload of {len(encoded)} characters, over {MAX_PAYLOAD}")
    return encoded


def _version() -> int:
    return secrets.randbits(31)


class DatabaseStates:
    """One flow's states in `conversation_state` (see the module docstring)."""

    def __init__(
        self,
        database: Database,
        flow: str,
        kept_for: timedelta,
        clock: Callable[[], datetime] = datetime.utcnow,
    ) -> None:
        if not ID.match(flow) or len(flow) > 16:
            raise ValueError(f"flow name {flow!r} must be a short id")
        self.database = database
        self.flow = flow
        self.kept_for = kept_for
        self.clock = clock
        dialect = postgresql if database.engine.dialect.name == "postgresql" else sqlite
        self._insert = dialect.insert

    def _key(self, user: str) -> Any:
        return and_(ConversationState.user == user, ConversationState.flow == self.flow)

    def get(self, user: str) -> Held | None:
        now = self.clock()
        with self.database.read() as connection:
            row = connection.execute(
                select(
                    ConversationState.payload,
                    ConversationState.version,
                    ConversationState.expires_at,
                ).where(self._key(user))
            ).first()
        if row is None:
            return None
        if row.expires_at <= now:
            self.drop(user, Held({}, int(row.version)))
            return None
        payload: dict[str, Any] = json.loads(row.payload)
        return Held(payload, int(row.version))

    def put(self, user: str, payload: dict[str, Any], after: Held | None) -> Held | None:
        encoded, version, now = encode(payload), _version(), self.clock()
        values = {"payload": encoded, "version": version, "expires_at": now + self.kept_for}
        with self.database.engine.begin() as connection:
            if after is None:
                connection.execute(
                    delete(ConversationState).where(
                        ConversationState.flow == self.flow, ConversationState.expires_at <= now
                    )
                )
                statement = self._insert(ConversationState).values(
                    user=user, flow=self.flow, **values
                )
                connection.execute(
                    statement.on_conflict_do_update(index_elements=["user", "flow"], set_=values)
                )
            else:
                changed = connection.execute(
                    update(ConversationState)
                    .where(
                        self._key(user),
                        ConversationState.version == after.version,
                        ConversationState.expires_at > now,
                    )
                    .values(**values)
                )
                if changed.rowcount != 1:
                    return None
        return Held(json.loads(encoded), version)

    def drop(self, user: str, after: Held | None = None) -> bool:
        statement = delete(ConversationState).where(self._key(user))
        if after is not None:
            statement = statement.where(ConversationState.version == after.version)
        with self.database.engine.begin() as connection:
            deleted: int = connection.execute(statement).rowcount
        return deleted == 1

    def erase(self, user: str) -> int:
        return int(self.drop(user))


class MemoryStates:
    """The same contract in this process's memory (see the module docstring)."""

    def __init__(
        self, flow: str, kept_for: timedelta, clock: Callable[[], datetime] = datetime.utcnow
    ) -> None:
        self.flow = flow
        self.kept_for = kept_for
        self.clock = clock
        self._rows: dict[str, tuple[str, int, datetime]] = {}

    def get(self, user: str) -> Held | None:
        row = self._rows.get(user)
        if row is None:
            return None
        if row[2] <= self.clock():
            del self._rows[user]
            return None
        return Held(json.loads(row[0]), row[1])

    def put(self, user: str, payload: dict[str, Any], after: Held | None) -> Held | None:
        encoded, version, now = encode(payload), _version(), self.clock()
        if after is None:
            for other in [u for u, row in self._rows.items() if row[2] <= now]:
                del self._rows[other]
        elif self.get(user) is None or self._rows[user][1] != after.version:
            return None
        self._rows[user] = (encoded, version, now + self.kept_for)
        return Held(json.loads(encoded), version)

    def drop(self, user: str, after: Held | None = None) -> bool:
        row = self._rows.get(user)
        if row is None or (after is not None and row[1] != after.version):
            return False
        del self._rows[user]
        return True

    def erase(self, user: str) -> int:
        return int(self.drop(user))
