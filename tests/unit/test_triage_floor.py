"""The rules' floor under the model: harm told in the first person that nothing explains away
is never left silent, even when the model heard only chat around it (it gets at least the
middle question); a guarded or third-person match, or another category, stays the model's
call."""

from __future__ import annotations

from types import SimpleNamespace

from bot.triage import Triage, Verdict
from bot.triage.model import Scores, Thresholds
from bot.triage.rules import RuleVerdict, assess, normalize

THRESHOLDS = Thresholds(alert=0.5, ask=0.3, emergency=0.5)
# A leetspeak disclosure with invisible characters inside its words, as in bench/adversarial.py.
HIDDEN = "\u200bm1 p4dr4str0\u200b m3 p3g4 y m3 t0c4\u2060 cu4nd0 n0 h4y n4d13\u00ad"


def quiet(escalate: float = 0.05) -> Scores:
    """What the model says of a message it reads as chat."""
    return Scores(escalate, escalate, "none", {}, emergency=0.0, other=0.0)


def decide(rules: RuleVerdict, scores: Scores, text: str = HIDDEN) -> Verdict:
    """The verdict of `text` (normalized as the rules read it) with these rules and scores;
    a message with words, so the model is heard (test_triage_wordless.py has the rest)."""
    triage = Triage(SimpleNamespace(thresholds=THRESHOLDS))  # type: ignore[arg-type]
    return triage._decide(None, rules, scores, normalize(text))


def test_first_person_abuse_the_rules_find_is_asked_about_when_the_model_hears_chat():
    text = "¿Qué es el grooming? hoy fui al cole " + HIDDEN
    rules = assess(text)
    assert (rules.category, rules.subject, rules.guard) == ("abuse", "self", None)
    verdict = decide(rules, quiet(), text)
    assert verdict.ask and not verdict.escalate
    assert verdict.category == "abuse"


def test_first_person_self_harm_is_never_silent_either():
    rules = RuleVerdict(
        category="self_harm", danger_now=False, subject="self", guard=None, safe_word=False
    )
    assert decide(rules, quiet()).ask


def test_a_match_a_frame_explains_or_about_someone_else_stays_the_models_call():
    for rules in (
        RuleVerdict(
            category="abuse", danger_now=False, subject="self", guard="figurative", safe_word=False
        ),
        RuleVerdict(
            category="abuse", danger_now=False, subject="other", guard=None, safe_word=False
        ),
        RuleVerdict(
            category="trafficking", danger_now=False, subject="self", guard=None, safe_word=False
        ),
        RuleVerdict(category="none", danger_now=False, subject="none", guard=None, safe_word=False),
    ):
        verdict = decide(rules, quiet())
        assert not verdict.ask and not verdict.escalate, rules


def test_the_floor_never_lowers_what_the_model_decided():
    rules = RuleVerdict(
        category="abuse", danger_now=False, subject="self", guard=None, safe_word=False
    )
    assert decide(rules, quiet(0.9)).escalate
