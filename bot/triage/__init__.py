"""Safety triage: does a message disclose harm, how urgent is it, about whom?

Runs first on every free-text message, in every state. Two layers decide together:
  - the Rasa NLU intents (`revelar_*`, `pedir_ayuda`), which generalise to wordings no rule
    foresaw;
  - the rule layer (`bot.triage.rules`), which catches what the model misses, knows the
    safe word, tells danger now from danger past, and knows the non-literal frames
    (hypotheticals, awareness questions, homework, news, slang) that must not alarm.
A miss can cost a child's safety; a false alarm costs an officer minutes. Where the layers
disagree on whether to alarm, the alarm wins, except under a non-literal frame the rules
recognised and the model is not nearly certain.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.events import Parse
from bot.triage.rules import RuleVerdict, assess, normalize

INTENT_CATEGORIES = {
    "revelar_trata": "trafficking",
    "revelar_explotacion_sexual": "sexual_exploitation",
    "revelar_grooming": "online_grooming",
    "revelar_abuso": "abuse",
    "revelar_autolesion": "self_harm",
    "pedir_ayuda": "help_request",
}
# The share of the model's belief that must fall on disclosure intents (summed, since a
# confusion between two kinds of harm still needs an officer) before the model alone alarms.
MODEL_THRESHOLD = 0.45
# A non-literal frame vetoes an alarm, unless the model is nearly certain of a disclosure:
# children wrap real disclosures in questions ("¿qué hago si el jefe no me devuelve el
# pasaporte?") and the frame patterns cannot tell every such case.
GUARD_OVERRIDE = 0.9


@dataclass(frozen=True)
class Verdict:
    escalate: bool
    urgency: str  # emergency | high | none
    category: str  # trafficking | sexual_exploitation | online_grooming | abuse | self_harm |
    #                help_request | none
    subject: str  # self | other | none

    def as_dict(self) -> dict[str, object]:
        return {
            "escalate": self.escalate,
            "urgency": self.urgency,
            "category": self.category,
            "subject": self.subject,
        }


NONE = Verdict(False, "none", "none", "none")


def disclosure_belief(parse: Parse | None) -> tuple[float, str]:
    """How much of the model's belief is on disclosure intents, and the likeliest category."""
    if parse is None:
        return 0.0, "none"
    ranking = parse.ranking or ((parse.intent, parse.confidence),)
    disclosures = [(conf, name) for name, conf in ranking if name in INTENT_CATEGORIES]
    if not disclosures:
        return 0.0, "none"
    return sum(conf for conf, _ in disclosures), INTENT_CATEGORIES[max(disclosures)[1]]


def decide(rules: RuleVerdict, parse: Parse | None) -> Verdict:
    if rules.safe_word:
        urgency = "emergency" if rules.danger_now else "high"
        category = rules.category if rules.category != "none" else "help_request"
        return Verdict(
            True, urgency, category, "self" if rules.subject == "none" else rules.subject
        )
    belief, model_category = disclosure_belief(parse)
    if rules.guard is not None and belief < GUARD_OVERRIDE:
        return NONE
    category: str
    if rules.category != "none":
        category = rules.category
    elif belief >= MODEL_THRESHOLD:
        category = model_category
    else:
        return NONE
    urgency = "emergency" if rules.danger_now else "high"
    subject = rules.subject if rules.subject != "none" else "self"
    if category == "help_request":
        subject = "self"
    return Verdict(True, urgency, category, subject)


def triage(text: str, parse: Parse | None) -> Verdict:
    """The verdict for one message, given the NLU parse of the same text (None: rules only)."""
    return decide(assess(text), parse)


__all__ = ["INTENT_CATEGORIES", "NONE", "Verdict", "normalize", "triage"]
