"""The rule layer's shortcuts change no answer: a pattern passed over for lacking its required
words (bot/triage/rules/prefilter.py) could not have matched, on every pattern of the layer
and every labelled line; and the n-gram counts made a word at a time
(bot/batch_parse.py) are scikit-learn's own."""

from __future__ import annotations

import json
import re

import pytest
import yaml

from bot import ROOT
from bot.batch_parse import counts
from bot.triage.pieces import pieces
from bot.triage.rules import danger, figurative, frames, normalize, patterns, subject
from bot.triage.rules.figurative import _EVERYDAY, _mask_figurative
from bot.triage.rules.prefilter import may_match, required, search


def labelled_texts() -> list[str]:
    """Every triage-labelled line (training, development, held-out, blind) and FAQ question."""
    found = []
    for path in [
        *sorted((ROOT / "triage").glob("*.jsonl")),
        *sorted((ROOT / "eval").glob("*.jsonl")),
        *sorted((ROOT / "eval" / "blind").glob("*.jsonl")),
    ]:
        lines = path.read_text(encoding="utf-8").splitlines()
        found += [json.loads(line)["text"] for line in lines if line.strip()]
    for path in [
        ROOT / "tests" / "data" / "faq_heldout.yml",
        *(ROOT / "eval" / "blind").glob("*.yml"),
    ]:
        found += [row["text"] for row in yaml.safe_load(path.read_text(encoding="utf-8"))]
    return found


def rule_patterns() -> list[re.Pattern[str]]:
    """Every compiled pattern the rule layer's modules define."""
    found: dict[int, re.Pattern[str]] = {}
    for module in (danger, figurative, frames, patterns, subject):
        for value in vars(module).values():
            candidates = value if isinstance(value, tuple) else (value,)
            for candidate in candidates:
                if isinstance(candidate, tuple):  # (name, pattern) pairs
                    candidate = candidate[-1]
                if isinstance(candidate, re.Pattern):
                    found[id(candidate)] = candidate
                elif isinstance(candidate, patterns._Rule):
                    for rx in (candidate.regex, candidate.veto, candidate.requires):
                        if rx is not None:
                            found[id(rx)] = rx
    return list(found.values())


@pytest.fixture(scope="module")
def texts() -> list[str]:
    """The texts the patterns see: normalized and masked, of every labelled line."""
    seen: dict[str, None] = {}
    for line in labelled_texts():
        norm = normalize(line)
        masked, _ = _mask_figurative(norm)
        seen.update(dict.fromkeys([norm, masked, _mask_figurative(masked, _EVERYDAY)[0]]))
    return list(seen)


def test_a_pattern_passed_over_never_matches(texts):
    checked = rule_patterns()
    assert len(checked) > 80, "the rule layer's patterns were not found"
    for pattern in checked:
        for text in texts:
            if not may_match(pattern, text):
                assert pattern.search(text) is None, (pattern.pattern[:80], text)


def test_most_patterns_have_required_words_and_they_pass_most_texts_over(texts):
    """The shortcut is worth having: else the layer pays for the check and the pattern."""
    checked = rule_patterns()
    with_words = [p for p in checked if required(p) is not None]
    assert len(with_words) >= 0.8 * len(checked)
    sample = texts[::10]
    passed_over = sum(not may_match(p, text) for p in with_words for text in sample)
    assert passed_over >= 0.5 * len(with_words) * len(sample)


@pytest.mark.parametrize(
    ("source", "words"),
    [
        (r"\bme (?:pega|pegan)\b", ("me pega",)),
        (r"\b(?:mi|su) (?:tio|tia)\b", (" ti",)),  # re reads "tio|tia" as "ti" and [oa]
        (r"(?:hola|adios) amigo", (" amigo",)),
        (r"(?:me )?quiero morir", ("quiero morir",)),
        (r"(?:matar|matarme|mata)", ("mata",)),  # "matar" holds "mata": one look suffices
        (r"(?=.*\bya\b)\bvoy\b", ("voy",)),
        (r"(?!.*\bbroma\b)\bpega\b", ("pega",)),
        (r"xa(?:b|)c", ("xa",)),  # an empty branch: "xac" or "xabc"; only "xa" is sure
        (r"(?:x\w*)?", None),  # may match the empty string anywhere
        (r"(?i)hola", None),  # case-insensitive: plain `in` would miss "HOLA"
        (r"(ab)\1", ("ab",)),
    ],
)
def test_required_words_are_derived_from_the_pattern(source, words):
    derived = required(re.compile(source))
    assert derived == (None if words is None else tuple(sorted(words)))


def test_search_answers_as_the_pattern_does():
    pattern = re.compile(r"\b(?:me|nos) (?:pega|pegan)\b")
    for text in ["mi papa me pega", "nos pegan", "me pegaron", "hola", ""]:
        assert search(pattern, text) == (pattern.search(text) is not None)


def test_counts_make_scikit_learns_matrix_to_the_last_digit():
    from sklearn.feature_extraction.text import CountVectorizer

    corpus = labelled_texts()[:400]
    for vectorizer in (
        CountVectorizer(analyzer="char_wb", ngram_range=(1, 4), strip_accents="unicode"),
        CountVectorizer(analyzer="char_wb", ngram_range=(2, 5), binary=True),
        # Rasa's word featurizer, as config.yml sets it (single words, Rasa's token pattern).
        CountVectorizer(token_pattern=r"(?u)\b\w+\b", strip_accents="unicode"),
    ):
        vectorizer.fit(corpus[:200])
        docs = [
            *corpus[200:],
            "",
            "m4t4rm3 " * 80,
            "Año\u00a0NIÑO  con\tespacios\u2002raros ",  # NFKD makes the spaces plain
            # Accents already decomposed beside composed ones, and repeated words.
            "nin\u0303o jugo",
            "nin\u0303o jugó nin\u0303o nin\u0303o",
            "el 10 de mayo, 2 niños y 2 niñas: 10 10",
            *pieces(" ".join(corpus[:60])),
        ]
        expected, found = vectorizer.transform(docs), counts(vectorizer, docs)
        assert found.dtype == expected.dtype and found.shape == expected.shape
        assert (found.indptr == expected.indptr).all()
        assert (found.indices == expected.indices).all()
        assert (found.data == expected.data).all()
