"""Safety triage: does a message disclose harm, how urgent is it, about whom?

Runs first on every free-text message, in every state. Three parts decide together:
  - the triage model (`bot.triage.model`), a classifier trained on every triage-labelled
    line, with calibrated scores and thresholds chosen on out-of-fold predictions;
  - the rule layer (`bot.triage.rules`): text normalization, the safe word AYUDA, danger-now
    cues and the patterns kept because the model alone missed disclosures without them;
  - without a triage model (a model file missing, a test's fake assistant), the Rasa NLU
    disclosure intents (`revelar_*`, `pedir_ayuda`) stand in for it.
The kinds of harm, their intents and their urgencies are named once, in
`bot.triage.categories`.
A miss can cost a child's safety; a false alarm costs an officer minutes. Between the two
lies the middle answer: a message the model is unsure of, or an FAQ question about a kind
of harm, gets its answer and then "¿Le está pasando a usted o a alguien que conoce?"
(`Verdict.ask`); a "Sí" opens a case at once. Alerts stay reserved for disclosures.

A message longer than `pieces.CAP` is triaged in overlapping pieces, each with its own Rasa
parse, and gets its most urgent piece's verdict (bot/triage/pieces.py says why and how).
The pieces are parsed in one batch, on the sentence features alone (bot/agent.py,
`parse_many`), and triaged together; `Triage.assess_async` does the work on the
understanding thread (bot/understanding.py), so a long message never holds the event loop,
and gives way to other children's messages between its steps.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bot.events import Parse
from bot.logs import describe
from bot.triage import pieces
from bot.triage.categories import DISCLOSURE_INTENTS, HELP_REQUEST, LABELS, SENSITIVE_FAQ
from bot.triage.model import Scores, TriageModel
from bot.triage.rules import RuleVerdict, assess, normalize

logger = logging.getLogger(__name__)

INTENT_CATEGORIES = DISCLOSURE_INTENTS  # Rasa's disclosure intents and their categories
CATEGORY_NAMES = LABELS
# SENSITIVE_FAQ: FAQ questions about a kind of harm. A child may ask them because it is
# happening to them, so the answer ends with the middle question (unless triage alerted).
# Without a triage model: the share of the Rasa model's belief that must fall on disclosure
# intents (summed, since a confusion between two kinds of harm still needs an officer).
MODEL_THRESHOLD = 0.45
# A non-literal frame found by the rules vetoes the Rasa intents' alarm unless they are
# nearly certain.
GUARD_OVERRIDE = 0.9
# The FAQ answer plus the middle question, rather than nothing, needs this much confidence
# in the FAQ intent.
SENSITIVE_FAQ_CONFIDENCE = 0.5


@dataclass(frozen=True)
class Verdict:
    escalate: bool
    urgency: str  # emergency | high | none
    category: str  # a label of bot.triage.categories, or none
    subject: str  # self | other | none
    # Not an alert, but ask "¿Le está pasando a usted o a alguien que conoce?"; `category`
    # then names the likeliest kind of harm, for the case a "Sí" opens.
    ask: bool = False

    def as_dict(self) -> dict[str, object]:
        """The four labels of eval/README.md (the middle answer is not an escalation)."""
        return {
            "escalate": self.escalate,
            "urgency": self.urgency,
            "category": self.category if self.escalate else "none",
            "subject": self.subject if self.escalate else "none",
        }


NONE = Verdict(False, "none", "none", "none")


def disclosure_belief(parse: Parse | None) -> tuple[float, str]:
    """How much of the Rasa model's belief is on disclosure intents, and the likeliest
    category."""
    if parse is None:
        return 0.0, "none"
    ranking = parse.ranking or ((parse.intent, parse.confidence),)
    disclosures = [(conf, name) for name, conf in ranking if name in INTENT_CATEGORIES]
    if not disclosures:
        return 0.0, "none"
    return sum(conf for conf, _ in disclosures), INTENT_CATEGORIES[max(disclosures)[1]]


def _safe_word(rules: RuleVerdict) -> Verdict:
    urgency = "emergency" if rules.danger_now else "high"
    category = rules.category if rules.category != "none" else HELP_REQUEST
    return Verdict(True, urgency, category, "self" if rules.subject == "none" else rules.subject)


def _without_model(rules: RuleVerdict, parse: Parse | None) -> Verdict:
    belief, model_category = disclosure_belief(parse)
    if rules.guard is not None and belief < GUARD_OVERRIDE:
        return NONE
    category: str  # the rules' Category, or the Rasa intents' (Verdict.category is a str)
    if rules.category != "none":
        category = rules.category
    elif belief >= MODEL_THRESHOLD:
        category = model_category
    else:
        return NONE
    urgency = "emergency" if rules.danger_now else "high"
    subject = rules.subject if rules.subject != "none" else "self"
    if category == HELP_REQUEST:
        subject = "self"
    return Verdict(True, urgency, category, subject)


# A word of three letters or more, in the normalized text (`_decide`), other than the
# function words that carry nothing alone ("y q" reads "y que").
WORD = re.compile(r"[^\W\d_]{3,}")
FUNCTION_WORDS = frozenset(
    "que por para con los las del una unos unas pero como mas sin pues porque ese esa eso "
    "este esta esto".split()
)


def has_words(norm: str) -> bool:
    """Whether normalized text holds a word that could say something: three letters or
    more, and not only a function word."""
    return any(word not in FUNCTION_WORDS for word in WORD.findall(norm))


# Rule categories whose first-person, unexplained match is never left silent (`_with_model`):
# the two the rule layer keeps patterns for (bot/triage/rules/__init__.py says why).
ASK_AT_LEAST = frozenset({"abuse", "self_harm"})


def _with_model(rules: RuleVerdict, scores: Scores, model: TriageModel) -> Verdict:
    """The triage model's verdict; its stacker already weighed the rules' alarm and frame."""
    limits = model.thresholds
    if scores.escalate < limits.alert:
        if scores.escalate >= limits.ask:
            return Verdict(False, "none", scores.category, "none", ask=True)
        if rules.guard is None and rules.subject == "self" and rules.category in ASK_AT_LEAST:
            # The rules found harm told in the first person and nothing explains it away,
            # but the model heard only chat around it (a leetspeak disclosure among chat and
            # awareness questions was silent): never silent then, at least the middle
            # question. On the 2,244 labelled lines this asked 9 more of 1,171 harmless
            # messages (jokes such as «me quiero morir, hay examen») and missed nothing.
            return Verdict(False, "none", rules.category, "none", ask=True)
        return NONE
    category = scores.category
    emergency = rules.danger_now or scores.emergency >= limits.emergency
    if category == HELP_REQUEST:
        subject = "self"
    else:
        subject = "other" if scores.other >= 0.5 else "self"
    return Verdict(True, "emergency" if emergency else "high", category, subject)


class Triage:
    """The triage of one message: `assess(text, parse)`, with or without a triage model.

    The parse given to `assess` is the first piece's, as `RasaAssistant.parse` makes it.
    `nlu_many` parses the other pieces of a long message, all in one batch
    (`RasaAssistant.parse_pieces`); `nlu` parses one piece through Rasa's own chain
    (`RasaAssistant.parse_piece`), for `assess_piecewise`. Without them (a test's fake
    assistant) pieces after the first are triaged without a parse."""

    def __init__(
        self,
        model: TriageModel | None = None,
        nlu: Callable[[str], Parse | None] | None = None,
        nlu_many: Callable[[Sequence[str]], Sequence[Parse | None]] | None = None,
    ) -> None:
        self.model = model
        self.nlu = nlu
        self.nlu_many = nlu_many

    @classmethod
    def of(cls, assistant: object) -> Triage:
        """The triage an assistant's models make: its triage model and piece parsers, where
        it has them (the Rasa assistant, bot.agent), else none (a test's fake assistant)."""
        return cls(
            getattr(assistant, "triage_model", None),
            getattr(assistant, "parse_piece", None),
            getattr(assistant, "parse_pieces", None),
        )

    def assess(self, text: str, parse: Parse | None) -> Verdict:
        """The message's verdict: its most urgent piece's (one piece unless it is long)."""
        parts = pieces.pieces(text)
        if len(parts) == 1:
            return self.assess_piece(text, parse)
        return self._assess_parts(parts, parse)

    async def assess_async(self, text: str, parse: Parse | None) -> Verdict:
        """`assess` on the understanding thread; a long message behind the ordinary work
        waiting there, in one job that gives way between its steps to other children's
        messages in flight (`bot.understanding.give_way`): one of them then waits for one
        step (a few ms at most), not for a whole 4,096-character message."""
        from bot.understanding import off_loop

        if len(text) <= pieces.CAP:
            return await off_loop(self.assess_piece, text, parse)
        return await off_loop(self.assess, text, parse, behind=True)

    def _assess_parts(self, parts: Sequence[str], first_parse: Parse | None) -> Verdict:
        return pieces.most_urgent(self.piece_verdicts(parts, first_parse))

    def piece_verdicts(self, parts: Sequence[str], first_parse: Parse | None) -> list[Verdict]:
        """The verdicts of the pieces of one message, found together: parsed in one batch
        (piece 0 has `first_parse`, the message's own), the rules on each, the triage model's
        scores sharing their word lookups; a piece equal to an earlier one (after the first)
        is triaged once. Each is the verdict `assess_piecewise` gives the piece
        (tests/integration/test_fast_parse.py). Between steps (a piece's rules or scores,
        a stage of the batch parse), `give_way`."""
        from bot.understanding import give_way

        # Repeated text (filler, a word over and over) makes equal pieces: one verdict each.
        distinct = list(dict.fromkeys(parts[1:]))
        texts = [parts[0], *distinct]
        parses = [first_parse, *self._parse_rest(distinct)]
        give_way()
        norms: list[str] = []
        rules: list[RuleVerdict] = []
        for part in texts:
            norms.append(normalize(part))
            rules.append(assess(part, norms[-1]))
            give_way()
        scored: list[Scores | None] = [None] * len(texts)
        if self.model is not None:
            # A piece with a safe word is the rules' alone: the model scores the others.
            todo = [n for n, verdict in enumerate(rules) if not verdict.safe_word]
            pieces = self.model.scores_pieces(
                [texts[n] for n in todo],
                [parses[n] for n in todo],
                [rules[n] for n in todo],
                [norms[n] for n in todo],
                between=give_way,
            )
            for n, scores in zip(todo, pieces, strict=True):
                scored[n] = scores
        verdicts = [self._decide(*each) for each in zip(parses, rules, scored, norms, strict=True)]
        of_text = dict(zip(distinct, verdicts[1:], strict=True))
        return [verdicts[0], *(of_text[part] for part in parts[1:])]

    def _parse_rest(self, parts: Sequence[str]) -> list[Parse | None]:
        """The parses of pieces other than the first: None for a piece with nothing but
        spaces and "/" (a "/" would make Rasa read an intent name), or for all of them if
        the NLU fails (triage must still run)."""
        plain = [part.lstrip("/").strip() for part in parts]
        wanted = [n for n, text in enumerate(plain) if text and not text.startswith("/")]
        found: list[Parse | None] = [None] * len(parts)
        if self.nlu_many is None or not wanted:
            return found
        try:
            parsed = self.nlu_many([plain[n] for n in wanted])
        except Exception as error:  # noqa: BLE001 - triage must still run if Rasa fails
            logger.error("NLU parse of pieces failed; triaging them without: %s", describe(error))
            return found
        for n, parse in zip(wanted, parsed, strict=True):
            found[n] = parse
        return found

    def assess_piecewise(self, text: str, parse: Parse | None) -> Verdict:
        """The way long messages were triaged before `assess` batched them: each piece
        alone, parsed by Rasa's own chain (`nlu`). Kept as the reference `assess` is
        tested against and measured beside (bench/adversarial.py)."""
        parts = pieces.pieces(text)
        if len(parts) == 1:
            return self.assess_piece(text, parse)
        return pieces.most_urgent(self._assess_nth(part, parse, n) for n, part in enumerate(parts))

    def assess_nth(self, part: str, first_parse: Parse | None, n: int) -> Verdict:
        """Piece `n` of a long message, alone, as `assess_piecewise` triages it."""
        return self._assess_nth(part, first_parse, n)

    def _assess_nth(self, part: str, first_parse: Parse | None, n: int) -> Verdict:
        if n == 0 or self.nlu is None:
            return self.assess_piece(part, first_parse if n == 0 else None)
        plain = part.lstrip("/").strip()  # a "/" would make Rasa read an intent name
        try:
            parse = self.nlu(plain) if plain else None
        except Exception as error:  # noqa: BLE001 - triage must still run if Rasa fails
            logger.error("NLU parse of a piece failed; triaging it without: %s", describe(error))
            parse = None
        return self.assess_piece(part, parse)

    def assess_piece(self, text: str, parse: Parse | None) -> Verdict:
        """One message, or one piece of a long one, as it is."""
        norm = normalize(text)
        rules = assess(text, norm)
        scores = None
        if self.model is not None and not rules.safe_word:
            scores = self.model.scores(text, parse, rules, normalized=norm)
        return self._decide(parse, rules, scores, norm)

    def _decide(
        self, parse: Parse | None, rules: RuleVerdict, scores: Scores | None, norm: str
    ) -> Verdict:
        """The verdict from the rules and, with a triage model, its scores of the same text
        (`norm`: the text as the rules read it, leetspeak undone)."""
        if rules.safe_word:
            return _safe_word(rules)
        if not has_words(norm):
            # Not one word of three letters ("y", "me", "y q", "a y a y"): too little for
            # the model or the intents to judge, and they misjudged it (an emergency card
            # for "y", a high one for "me"); the rules still read it. No labelled line
            # that must escalate lacks such a word (tests/unit/test_triage_wordless.py).
            return _without_model(rules, None)
        if self.model is None or scores is None:
            verdict = _without_model(rules, parse)
        else:
            verdict = _with_model(rules, scores, self.model)
        if verdict.escalate or verdict.ask or parse is None:
            return verdict
        sensitive = SENSITIVE_FAQ.get(parse.intent)
        if sensitive is not None and parse.confidence >= SENSITIVE_FAQ_CONFIDENCE:
            return Verdict(False, "none", sensitive, "none", ask=True)
        return verdict


def triage(text: str, parse: Parse | None, model: TriageModel | None = None) -> Verdict:
    """The verdict for one message, given the NLU parse of the same text (None: no parse)."""
    return Triage(model).assess(text, parse)


__all__ = [
    "CATEGORY_NAMES",
    "INTENT_CATEGORIES",
    "NONE",
    "SENSITIVE_FAQ",
    "Triage",
    "Verdict",
    "normalize",
    "triage",
]
