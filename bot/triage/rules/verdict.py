"""What the rule layer says about one message: the subject and guard vocabularies, and the
verdict itself.

The categories and their order of severity are the registry's (bot.triage.categories): the
rules now match only abuse and self-harm, but they pick among all of them, as the trained
model, the evaluation and the engine speak of all of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bot.triage.categories import SEVERITY, CategoryLabel

Category = CategoryLabel
Subject = Literal["self", "other", "none"]
Guard = Literal["hypothetical", "informational", "figurative", "homework", "news", "everyday"]

# Strongest first: when a message matches several families, the one most likely to need a
# specialised response (and the most severe legal frame) names the case.
_SEVERITY: tuple[Category, ...] = SEVERITY


@dataclass(frozen=True)
class RuleVerdict:
    """What the rule layer concluded about one message."""

    category: Category
    danger_now: bool
    subject: Subject
    guard: Guard | None
    safe_word: bool

    @property
    def escalate(self) -> bool:
        return self.safe_word or (self.category != "none" and self.guard is None)
