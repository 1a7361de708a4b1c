"""Deterministic rule layer of message triage: what a model cannot do, and the few patterns that
still earn their place.

It owns, from the text alone and with the standard library only: text normalization
(`normalize`), the safe word, the abuse and self-harm patterns, the danger-now cues, the frames
that explain alarming words away (hypothetical, informational, homework, news) and the
figurative and everyday masks, and who is harmed.  `assess` returns a `RuleVerdict` that the
trained stacker (bot/triage/model.py) takes as some of its inputs; by itself it decides only the
safe word and, with danger now, that an alert is an emergency.  Message text is never logged or
printed here.

Why each remaining pattern exists (ablation: the stacker retrained without each group, measured
on blind round 01, already used, and on eval/triage_heldout.jsonl):
  - abuse (`patterns._ABUSE`): removing it lost 1 of 118 disclosures on the blind round;
  - self-harm (`patterns._SELF_HARM`): lost 1 of 164 on the held-out set and 2 emergencies' flag;
  - danger-now cues (`danger`): lost 2 emergencies' flag;
  - frames and masks (`frames`, `figurative`): without them false alarms rose;
  - trafficking, sexual and tourist exploitation, online grooming, neglect, watching and
    luring, child labour and help requests lost no disclosure, alone or all together, and were
    deleted.

The layer is biased toward recall: a missed disclosure can cost a child's safety, a false alarm
costs an officer a few minutes.  A guard only vetoes when it explains every alarming match in
the message, and since a guard also silences the model downstream it is given only when nothing
personal in the message is left unexplained; otherwise the rules abstain (category "none", no
guard) and the model decides.

Modules, in the order `assess` uses them: `normalize`, `safe_word`, `figurative` (masks),
`hits` (matching `patterns`, built on `vocabulary`), `frames`, `subject`, `danger`;
`verdict` holds the types and `assessment` the function that runs them; `prefilter` lets a
pattern whose required words a text lacks pass it over, with the same answers.
"""

from __future__ import annotations

from bot.triage.rules.assessment import assess
from bot.triage.rules.normalize import normalize
from bot.triage.rules.verdict import Category, Guard, RuleVerdict, Subject

__all__ = [
    "Category",
    "Guard",
    "RuleVerdict",
    "Subject",
    "assess",
    "normalize",
]
