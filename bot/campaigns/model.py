"""What a campaign is, once its YAML file has been read and validated (bot.campaigns.schema).

A campaign is a consultation a facilitator writes: who it is for (age bands), when it is
open, whether a workshop access code is needed, and its questions. Every question has a
wording per age band (a default and overrides), and "prefiero no responder" is always
offered, under the option id SKIP. Its results are published in releases taken at least
`release_every` new completions apart (bot.campaigns.releases).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Literal

RELEASE_EVERY = 20  # default: new completions between two releases of the results
QuestionType = Literal["single", "multiple", "scale", "yes_no"]
SKIP = "skip"  # "Prefiero no responder": offered on every question, counted like any option
SCALE = ("1", "2", "3", "4", "5")
SCALE_EMOJI = {"1": "😞", "2": "🙁", "3": "😐", "4": "🙂", "5": "😄"}


@dataclass(frozen=True)
class Wording:
    """A text with per-band overrides: `for_band("9-12")` falls back to the default."""

    default: str
    by_band: Mapping[str, str] = field(default_factory=dict)

    def for_band(self, band: str | None) -> str:
        return self.by_band.get(band or "", self.default)


@dataclass(frozen=True)
class Option:
    id: str  # short, stable: used in button data (Telegram allows 64 bytes) and counters
    text: Wording


@dataclass(frozen=True)
class Condition:
    """Show a question only if an earlier question was answered with one of `answers`."""

    question: str
    answers: frozenset[str]


@dataclass(frozen=True)
class Question:
    id: str
    type: QuestionType
    text: Wording
    options: tuple[Option, ...]  # for scale and yes_no: the implicit options, filled in
    show_if: Condition | None = None

    def option(self, option_id: str) -> Option | None:
        return next((option for option in self.options if option.id == option_id), None)


@dataclass(frozen=True)
class Campaign:
    id: str
    title: str
    description: Wording  # what the consultation is about, shown before assent, per band
    opens: date
    closes: date
    audience: frozenset[str]  # age band ids, as in consent/bands.yml
    consent_version: str  # bump it to ask every child for assent again
    access_code: str | None
    questions: tuple[Question, ...]
    source: Path | None = None
    release_every: int = RELEASE_EVERY  # new completions before the next release is taken
    # What the organisation will do with the answers, per band: told to the children who
    # asked for the results (bot.campaigns.feedback). None: the file has no 'feedback'.
    feedback: Wording | None = None

    def question(self, question_id: str) -> Question | None:
        return next((q for q in self.questions if q.id == question_id), None)

    def is_open_on(self, day: date) -> bool:
        return self.opens <= day <= self.closes
