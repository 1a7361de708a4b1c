"""The triage model: a classifier made for triage, trained beside Rasa's on every
triage-labelled line.

It owns four linear heads over the same sparse features of normalized text (character
n-grams 2-5 within words, word unigrams and bigrams, TF-IDF):
  - escalate: how much the words look like a disclosure;
  - category (the kinds of harm of bot.triage.categories), urgency (emergency or high) and
    subject (self or other), each trained on the disclosures that carry that label;
and a small stacker that weighs the escalate head's score with what else is known of the
message: the rule layer's alarm, frame and danger-now cue, the Rasa intents' belief in a
disclosure, an FAQ question or chat, and the message's length. The stacker's output is
calibrated (Platt scaling on out-of-fold outputs), so 0.9 means about 9 in 10. Measured on
out-of-fold predictions as last trained (2026-12-04, 3,041 triage lines from 8 sources):
at 0.985 recall the escalate head alone raised 9.6% false alarms, the stacker 5.9%.

The thresholds are chosen on out-of-fold predictions where every fold holds out whole
sources (one author's file, the NLU data, ...), never on an evaluation set:
  - `alert`: the highest score that still alerts for `ALERT_RECALL` of the out-of-fold
    disclosures;
  - `ask`: the lower score above which the child is asked "¿Le está pasando a usted o a
    alguien que conoce?" (the middle answer), reaching `ASK_RECALL`;
  - `emergency`: the urgency score that, with the rules' danger-now cue, flags
    `EMERGENCY_RECALL` of out-of-fold emergencies.
Holding out whole authors makes the thresholds reflect what happens on words written by
someone the model never read, which is what a child's message is.

Training data (see eval/AUTHORS.md): the JSON lines under triage/ (format of
eval/README.md), the development sets eval/triage_dev.jsonl and eval/triage_fresh.jsonl,
and the Rasa NLU examples (disclosure intents, `bot.triage.categories.DISCLOSURE_INTENTS`, as
disclosures of their category, every other
intent as a non-disclosure). The stacker learns only from the JSON lines: the Rasa model
was trained on the NLU examples, so its belief about them says nothing of new words.
eval/triage_heldout.jsonl and eval/blind/ are never read here.

The model is saved with pickle beside the Rasa model, under the same content hash (it is
trained only by `make train` on this machine's own data; never load one from elsewhere).
No message text is logged here.
"""

from __future__ import annotations

import json
import pickle
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.events import Parse
from bot.triage.categories import DISCLOSURE_INTENTS, HELP_REQUEST
from bot.triage.rules import RuleVerdict, assess, normalize

ALERT_RECALL = 0.985
ASK_RECALL = 0.997
EMERGENCY_RECALL = 0.98
FOLDS = 5
# Rasa intents of ordinary chat and questions about the bot: belief in them is evidence
# against a disclosure.
CHAT_INTENTS = frozenset(
    "charla afirmar negar saludar agradecer despedirse participar aprender ver_menu "
    "ver_ayuda preguntar_que_es_bot preguntar_informacion salir".split()
)


@dataclass(frozen=True)
class Example:
    """One training line; labels not known for it (an NLU example's urgency) are None."""

    text: str
    escalate: bool
    category: str | None = None
    urgency: str | None = None
    subject: str | None = None
    source: str = ""


@dataclass(frozen=True)
class Scores:
    """The model's view of one message."""

    escalate: float  # calibrated probability that an officer should be alerted
    words: float  # the escalate head's own score (from the words alone, uncalibrated)
    category: str
    category_scores: dict[str, float]
    emergency: float  # probability of emergency, were it a disclosure
    other: float  # probability it is about someone else, were it a disclosure


@dataclass
class Thresholds:
    alert: float
    ask: float
    emergency: float


@dataclass
class TriageModel:
    vectorizer: Any
    escalate: Any
    stacker: Any
    platt: tuple[float, float]  # calibrated p = 1 / (1 + exp(-(a * stacker + b)))
    category: Any
    urgency: Any
    subject: Any
    thresholds: Thresholds
    report: dict[str, Any] = field(default_factory=dict)

    def scores(
        self,
        text: str,
        parse: Parse | None,
        rules: RuleVerdict | None = None,
        normalized: str | None = None,
    ) -> Scores:
        """One message, as the engine asks: the same numbers as `scores_many`, computed
        from weights gathered once (see `_Compiled`). `normalized`: `normalize(text)`, when
        the caller has it already."""
        return self._scores(text, parse, rules, normalized, None)

    def scores_pieces(
        self,
        texts: Sequence[str],
        parses: Sequence[Parse | None],
        rules: Sequence[RuleVerdict],
        normalized: Sequence[str],
        between: Callable[[], object] = lambda: None,
    ) -> list[Scores]:
        """`scores` of each piece of one long message, the same numbers, computed together:
        a word's character n-grams are looked up once for all the pieces (`_Compiled`).
        `between` runs after each piece (the engine gives way to other children there)."""
        memo: dict[str, dict[int, int]] = {}
        scored = []
        for text, parse, verdict, norm in zip(texts, parses, rules, normalized, strict=True):
            scored.append(self._scores(text, parse, verdict, norm, memo))
            between()
        return scored

    def _scores(
        self,
        text: str,
        parse: Parse | None,
        rules: RuleVerdict | None,
        normalized: str | None,
        memo: dict[str, dict[int, int]] | None,
    ) -> Scores:
        import numpy as np

        compiled = self.__dict__.get("_compiled")
        if compiled is None:
            compiled = self.__dict__["_compiled"] = _Compiled(self)
        values = compiled.decisions(normalize(text) if normalized is None else normalized, memo)
        verdict = rules if rules is not None else assess(text)
        raw = values[:1]
        stacked = self.stacker.decision_function(evidence(raw, [text], [verdict], [parse]))[0]
        a, b = self.platt
        categories = np.exp(values[3:] - values[3:].max())
        categories /= categories.sum()
        by_name = {name: float(p) for name, p in zip(compiled.categories, categories, strict=True)}
        return Scores(
            escalate=float(1.0 / (1.0 + np.exp(-(a * stacked + b)))),
            words=float(raw[0]),
            category=max(by_name, key=by_name.__getitem__),
            category_scores=by_name,
            emergency=float(1.0 / (1.0 + np.exp(-values[1]))),
            other=float(1.0 / (1.0 + np.exp(-values[2]))),
        )

    def __getstate__(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if k != "_compiled"}

    def scores_many(
        self,
        texts: Sequence[str],
        parses: Sequence[Parse | None],
        rules: Sequence[RuleVerdict] | None = None,
    ) -> list[Scores]:
        import numpy as np

        features = self.vectorizer.transform([normalize(t) for t in texts])
        raw = self.escalate.decision_function(features)
        verdicts = rules if rules is not None else [assess(t) for t in texts]
        stacked = self.stacker.decision_function(evidence(raw, texts, verdicts, parses))
        a, b = self.platt
        escalate = 1.0 / (1.0 + np.exp(-(a * stacked + b)))
        categories = self.category.predict_proba(features)
        emergency = self.urgency.predict_proba(features)[:, 1]
        other = self.subject.predict_proba(features)[:, 1]
        names = list(self.category.classes_)
        out = []
        for i in range(len(texts)):
            by_name = {name: float(categories[i, j]) for j, name in enumerate(names)}
            out.append(
                Scores(
                    escalate=float(escalate[i]),
                    words=float(raw[i]),
                    category=max(by_name, key=by_name.__getitem__),
                    category_scores=by_name,
                    emergency=float(emergency[i]),
                    other=float(other[i]),
                )
            )
        return out

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".partial")
        partial.write_bytes(pickle.dumps(self, protocol=pickle.HIGHEST_PROTOCOL))
        partial.replace(path)

    @staticmethod
    def load(path: Path) -> TriageModel:
        model = pickle.loads(path.read_bytes())
        if not isinstance(model, TriageModel):
            raise ValueError(f"{path} is not a triage model; delete it and run `make train`")
        return model


def evidence(
    words: Any,
    texts: Sequence[str],
    rules: Sequence[RuleVerdict],
    parses: Sequence[Parse | None],
) -> Any:
    """The stacker's inputs, one row per message (see the module docstring)."""
    import numpy as np

    from bot.triage import disclosure_belief

    rows = []
    for score, text, verdict, parse in zip(words, texts, rules, parses, strict=True):
        belief = disclosure_belief(parse)[0]
        ranking = (parse.ranking or ((parse.intent, parse.confidence),)) if parse else ()
        faq = sum(c for name, c in ranking if name.startswith("faq_"))
        chat = sum(c for name, c in ranking if name in CHAT_INTENTS)
        length = float(np.log1p(len(text.split())))
        alarm = float(verdict.category != "none" and verdict.guard is None)
        guard = float(verdict.guard is not None)
        rows.append(
            [
                score,
                alarm,
                guard,
                float(verdict.category != "none"),
                float(verdict.danger_now),
                belief,
                faq,
                chat,
                length,
                score * guard,
                score * length,
                score * chat,
            ]
        )
    return np.array(rows, dtype=float)


class _Compiled:
    """The linear part of every head for one message, without scikit-learn's per-call
    checks: the n-gram counts of both vectorizers, TF-IDF weighted and L2-normalized as they
    do, times one weight matrix holding the escalate, urgency and subject heads and the six
    category rows. Why: one message through the estimators took about 2 ms, mostly input
    validation and `idf_` rebuilt on every call; this takes a fraction of that. Identical
    numbers are tested (tests/unit/test_triage_model.py)."""

    def __init__(self, model: TriageModel) -> None:
        import numpy as np

        parts = (model.vectorizer.chars, model.vectorizer.words)
        self.analyzers = [part.build_analyzer() for part in parts]
        # For `word_counts`: what a `char_wb` analyzer does before its n-grams, and the
        # n-grams of one word (None: not a `char_wb` part).
        self.by_word = [
            (part.build_preprocessor(), part.decode, part._char_wb_ngrams)
            if part.analyzer == "char_wb"
            else None
            for part in parts
        ]
        self.vocabularies = [part.vocabulary_ for part in parts]
        self.idfs = [np.asarray(part.idf_, dtype=float) for part in parts]
        self.offsets = [0, len(parts[0].vocabulary_)]
        if model.category.coef_.shape[0] != len(model.category.classes_):
            raise ValueError("the category head is not multinomial; retrain with `make train`")
        self.categories = list(model.category.classes_)
        heads = [model.escalate, model.urgency, model.subject]
        self.weights = np.asfortranarray(
            np.vstack([*(h.coef_ for h in heads), model.category.coef_]).T
        )
        self.intercepts = np.concatenate(
            [*(h.intercept_ for h in heads), model.category.intercept_]
        )

    def decisions(self, normalized: str, memo: dict[str, dict[int, int]] | None = None) -> Any:
        """Every head's decision value; `memo`: the character n-gram counts of words already
        seen (pieces of one message), which give the same counts in the same order."""
        import numpy as np

        from bot.batch_parse import word_counts

        indices, values = [], []
        for analyzer, by_word, vocabulary, idf, offset in zip(
            self.analyzers, self.by_word, self.vocabularies, self.idfs, self.offsets, strict=True
        ):
            counts: dict[int, int] = {}
            if memo is not None and by_word is not None:
                preprocess, decode, ngrams = by_word
                counts = word_counts(ngrams, vocabulary, preprocess(decode(normalized)), memo)
            else:
                for gram in analyzer(normalized):
                    column = vocabulary.get(gram)
                    if column is not None:
                        counts[column] = counts.get(column, 0) + 1
            if not counts:
                continue
            columns = np.fromiter(counts, dtype=np.int64, count=len(counts))
            weights = (1.0 + np.log(np.fromiter(counts.values(), dtype=float))) * idf[columns]
            weights /= np.sqrt(weights @ weights)
            indices.append(columns + offset)
            values.append(weights)
        if not indices:
            return self.intercepts.copy()
        rows = np.concatenate(indices)
        return np.concatenate(values) @ self.weights[rows] + self.intercepts


# ---------------------------------------------------------------------------------------
# Training data
# ---------------------------------------------------------------------------------------


def jsonl_examples(path: Path) -> list[Example]:
    """Labelled lines in the format of eval/README.md (checked as they are read)."""
    from bot.triage.evaluation import load_rows

    return [
        Example(
            row["text"],
            row["escalate"],
            row["category"] if row["escalate"] else None,
            row["urgency"] if row["escalate"] else None,
            row["subject"] if row["escalate"] else None,
            source=path.name,
        )
        for row in load_rows(path)
    ]


def nlu_examples(folder: Path) -> list[Example]:
    """Rasa's NLU examples: disclosure intents as disclosures, the rest as non-disclosures."""
    import yaml

    examples = []
    for path in sorted(folder.glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for block in data.get("nlu") or []:
            intent = block.get("intent")
            if not intent:
                continue
            for line in str(block.get("examples") or "").splitlines():
                text = line.strip()
                if not text.startswith("- "):
                    continue
                text = text[2:].strip()
                category = DISCLOSURE_INTENTS.get(intent)
                subject = "self" if category == HELP_REQUEST else None
                examples.append(Example(text, category is not None, category, None, subject, "nlu"))
    return examples


def training_sources(root: Path) -> list[Path]:
    """Every file the triage model learns from: content-hashed with Rasa's inputs."""
    return [
        *sorted((root / "triage").glob("*.jsonl")),
        root / "eval" / "triage_dev.jsonl",
        root / "eval" / "triage_fresh.jsonl",
    ]


def load_examples(root: Path) -> list[Example]:
    examples: list[Example] = []
    for path in training_sources(root):
        examples.extend(jsonl_examples(path))
    examples.extend(nlu_examples(root / "nlu"))
    return _dedupe(examples)


def _dedupe(examples: Iterable[Example]) -> list[Example]:
    """One line per normalized text; where sources disagree on escalate, the disclosure
    wins (a miss costs more than a false alarm)."""
    kept: dict[str, Example] = {}
    for example in examples:
        key = " ".join(token for token in normalize(example.text).split() if token.isalnum())
        if not key:
            continue
        previous = kept.get(key)
        if previous is None or (example.escalate and not previous.escalate):
            kept[key] = example
        elif previous.escalate == example.escalate and previous.urgency is None:
            kept[key] = example  # prefer a line with full labels
    return list(kept.values())


# ---------------------------------------------------------------------------------------
# Training
# ---------------------------------------------------------------------------------------


class Features:
    """Character n-grams (2-5, within words) and word uni- and bigrams, TF-IDF, side by
    side. Not scikit-learn's FeatureUnion: its transform goes through joblib, which cost
    more than the two vectorizers themselves on one message."""

    def __init__(self) -> None:
        from sklearn.feature_extraction.text import TfidfVectorizer

        self.chars = TfidfVectorizer(
            analyzer="char_wb", ngram_range=(2, 5), min_df=2, sublinear_tf=True
        )
        self.words = TfidfVectorizer(
            analyzer="word", ngram_range=(1, 2), sublinear_tf=True, token_pattern=r"(?u)\b\w+\b"
        )

    def fit_transform(self, texts: Sequence[str]) -> Any:
        from scipy.sparse import hstack

        return hstack(
            [self.chars.fit_transform(texts), self.words.fit_transform(texts)], format="csr"
        )

    def transform(self, texts: Sequence[str]) -> Any:
        from scipy.sparse import hstack

        return hstack([self.chars.transform(texts), self.words.transform(texts)], format="csr")


def _vectorizer() -> Features:
    return Features()


def _logistic(c: float = 4.0, balanced: bool = True) -> Any:
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(
        C=c,
        class_weight="balanced" if balanced else None,
        max_iter=2000,
        solver="liblinear",
    )


def _multinomial(c: float = 4.0) -> Any:
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=c, class_weight="balanced", max_iter=2000, solver="lbfgs")


def _fit_escalate(features: Any, examples: Sequence[Example]) -> Any:
    return _logistic().fit(features, [e.escalate for e in examples])


def _fit_urgency(features: Any, examples: Sequence[Example]) -> Any:
    urg = [i for i, e in enumerate(examples) if e.escalate and e.urgency in ("emergency", "high")]
    return _logistic().fit(features[urg], [examples[i].urgency == "emergency" for i in urg])


def _fit_heads(features: Any, examples: Sequence[Example]) -> tuple[Any, Any, Any, Any]:
    escalate = _fit_escalate(features, examples)
    pos = [i for i, e in enumerate(examples) if e.escalate and e.category]
    category = _multinomial().fit(features[pos], [examples[i].category for i in pos])
    urgency = _fit_urgency(features, examples)
    sub = [i for i, e in enumerate(examples) if e.escalate and e.subject in ("self", "other")]
    subject = _logistic().fit(features[sub], [examples[i].subject == "other" for i in sub])
    return escalate, category, urgency, subject


def _platt(scores: Any, labels: Any) -> tuple[float, float]:
    from sklearn.linear_model import LogisticRegression

    fit = LogisticRegression(C=1e6, solver="lbfgs").fit(scores.reshape(-1, 1), labels)
    return float(fit.coef_[0, 0]), float(fit.intercept_[0])


def _threshold_for_recall(scores: Any, target: float) -> float:
    """The highest threshold t with share(scores >= t) >= target."""
    import numpy as np

    ordered = np.sort(scores)[::-1]
    needed = int(np.ceil(target * len(ordered)))
    return float(ordered[max(needed - 1, 0)])


def _folds(examples: Sequence[Example]) -> list[tuple[list[int], list[int]]]:
    """Whole sources held out: each fold tests on sources it never trained on. The largest
    sources get folds of their own; the rest are dealt round-robin."""
    by_source: dict[str, list[int]] = {}
    for i, example in enumerate(examples):
        by_source.setdefault(example.source, []).append(i)
    groups: list[list[int]] = [[] for _ in range(FOLDS)]
    for n, (_, members) in enumerate(sorted(by_source.items(), key=lambda item: -len(item[1]))):
        smallest = min(range(FOLDS), key=lambda k: len(groups[k])) if n >= FOLDS else n
        groups[smallest].extend(members)
    everyone = set(range(len(examples)))
    return [(sorted(everyone - set(test)), test) for test in groups if test]


def _oof_words(examples: Sequence[Example], folds: Any) -> tuple[Any, Any]:
    """Out-of-fold escalate scores and emergency probabilities (NaN where not a
    disclosure with a known urgency in the training part)."""
    import numpy as np

    words = np.zeros(len(examples))
    emergency = np.full(len(examples), np.nan)
    for train_idx, test_idx in folds:
        part = [examples[i] for i in train_idx]
        vectorizer = _vectorizer()
        features = vectorizer.fit_transform([normalize(e.text) for e in part])
        escalate, urgency = _fit_escalate(features, part), _fit_urgency(features, part)
        held = vectorizer.transform([normalize(examples[i].text) for i in test_idx])
        words[test_idx] = escalate.decision_function(held)
        emergency[test_idx] = urgency.predict_proba(held)[:, 1]
    return words, emergency


def _stacker() -> Any:
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=1.0, max_iter=3000, solver="lbfgs")


def train(
    examples: Sequence[Example], parse: Callable[[Sequence[str]], list[Parse | None]]
) -> TriageModel:
    """Fit the heads and the stacker, calibrate and choose thresholds, all on out-of-fold
    predictions. `parse` gives the Rasa parse of each text (the model trained with this one)."""
    import numpy as np

    started = time.monotonic()
    examples = list(examples)
    y = np.array([e.escalate for e in examples])
    words, oof_emergency = _oof_words(examples, _folds(examples))
    # The stacker learns from, and is judged on, the lines Rasa never trained on.
    lines = [i for i, e in enumerate(examples) if e.source != "nlu"]
    texts = [examples[i].text for i in lines]
    rules = [assess(t) for t in texts]
    stack_in = evidence(words[lines], texts, rules, parse(texts))
    stack_y = y[lines]
    stacked = np.zeros(len(lines))
    for train_idx, test_idx in _folds([examples[i] for i in lines]):
        fit = _stacker().fit(stack_in[train_idx], stack_y[train_idx])
        stacked[test_idx] = fit.decision_function(stack_in[test_idx])
    platt = _platt(stacked, stack_y)
    oof = 1.0 / (1.0 + np.exp(-(platt[0] * stacked + platt[1])))
    positives, negatives = oof[stack_y], oof[~stack_y]
    alert = _threshold_for_recall(positives, ALERT_RECALL)
    ask = min(_threshold_for_recall(positives, ASK_RECALL), alert)
    # Emergencies: the urgency head or the rules' danger-now cue.
    danger = np.zeros(len(examples), dtype=bool)
    danger[lines] = [r.danger_now for r in rules]
    is_emergency = np.array([e.escalate and e.urgency == "emergency" for e in examples])
    candidates = oof_emergency[is_emergency & ~danger]
    needed = max(EMERGENCY_RECALL * is_emergency.sum() - (is_emergency & danger).sum(), 0)
    share = min(needed / len(candidates), 1.0) if len(candidates) else 0.0
    emergency = _threshold_for_recall(candidates, share) if share > 0 else 1.0
    is_high = np.array([e.escalate and e.urgency == "high" for e in examples])

    vectorizer = _vectorizer()
    features = vectorizer.fit_transform([normalize(e.text) for e in examples])
    escalate, category, urgency, subject = _fit_heads(features, examples)
    stacker = _stacker().fit(stack_in, stack_y)
    flagged = (oof_emergency >= emergency) | danger
    report = {
        "examples": len(examples),
        "disclosures": int(y.sum()),
        "sources": sorted({e.source for e in examples}),
        "stacker_lines": len(lines),
        "oof_recall_at_alert": float((positives >= alert).mean()),
        "oof_false_alarms_at_alert": float((negatives >= alert).mean()),
        "oof_words_alone_false_alarms_at_same_recall": float(
            (
                words[lines][~stack_y] >= _threshold_for_recall(words[lines][stack_y], ALERT_RECALL)
            ).mean()
        ),
        "oof_recall_at_ask": float((positives >= ask).mean()),
        "oof_asked_negatives": float(((negatives >= ask) & (negatives < alert)).mean()),
        "oof_emergencies_flagged": float(flagged[is_emergency].mean()),
        "oof_high_flagged_emergency": float(flagged[is_high].mean()),
        "seconds": round(time.monotonic() - started, 1),
    }
    return TriageModel(
        vectorizer,
        escalate,
        stacker,
        platt,
        category,
        urgency,
        subject,
        Thresholds(alert=alert, ask=ask, emergency=emergency),
        report,
    )


def describe(model: TriageModel) -> str:
    t = model.thresholds
    return json.dumps(
        {"thresholds": {"alert": t.alert, "ask": t.ask, "emergency": t.emergency}, **model.report},
        ensure_ascii=False,
        indent=1,
    )


__all__ = [
    "Example",
    "Scores",
    "Thresholds",
    "TriageModel",
    "load_examples",
    "train",
    "training_sources",
]
