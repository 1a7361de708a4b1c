"""What the rule layer says about one message: the category, subject and guard vocabularies,
the order of severity among categories, and the verdict itself.

`Category` and `_SEVERITY` keep all seven category names although the rules now match only
abuse and self-harm: the trained model, the evaluation and the engine speak of all of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Category = Literal[
    "trafficking",
    "sexual_exploitation",
    "online_grooming",
    "abuse",
    "self_harm",
    "help_request",
    "none",
]
Subject = Literal["self", "other", "none"]
Guard = Literal["hypothetical", "informational", "figurative", "homework", "news", "everyday"]

# Strongest first: when a message matches several families, the one most likely to need a
# specialised response (and the most severe legal frame) names the case.
_SEVERITY: tuple[Category, ...] = (
    "trafficking",
    "sexual_exploitation",
    "online_grooming",
    "abuse",
    "self_harm",
    "help_request",
)


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
