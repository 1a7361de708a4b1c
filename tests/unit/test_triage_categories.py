"""The registry of triage categories and urgencies (bot/triage/categories.py) agrees with
everything else that names them: the Rasa domain, NLU data and rules, the labelled lines
the triage model learns from and is measured on, the catalogs, and the readers (rules,
evaluation, cards, answers). Adding a category that misses one of these fails here, with
the place to fix named."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import get_args

import yaml

from bot import ROOT, i18n
from bot.escalation import cards
from bot.triage import INTENT_CATEGORIES, SENSITIVE_FAQ, Verdict, answers, evaluation
from bot.triage.categories import (
    BY_LABEL,
    CATEGORIES,
    HELP_REQUEST,
    LABELS,
    SEVERITY,
    URGENCIES,
    CategoryLabel,
    UrgencyLabel,
)
from bot.triage.rules import verdict as rule_verdict

URGENCY_LABELS = {urgency.label for urgency in URGENCIES}


def _yaml(folder: str) -> list[tuple[Path, dict]]:
    paths = sorted((ROOT / folder).glob("*.yml"))
    return [(path, yaml.safe_load(path.read_text(encoding="utf-8")) or {}) for path in paths]


def _domain_intents() -> set[str]:
    intents = set()
    for _path, data in _yaml("domain"):
        for item in data.get("intents") or []:
            intents.add(item if isinstance(item, str) else next(iter(item)))
    return intents


def _nlu_examples() -> Counter[str]:
    counts: Counter[str] = Counter()
    for _path, data in _yaml("nlu"):
        for block in data.get("nlu") or []:
            if block.get("intent"):
                lines = str(block.get("examples") or "").splitlines()
                counts[block["intent"]] += sum(line.strip().startswith("- ") for line in lines)
    return counts


def _rule_intents() -> set[str]:
    intents = set()
    for _path, data in _yaml("stories"):
        for flow in [*(data.get("rules") or []), *(data.get("stories") or [])]:
            intents.update(step["intent"] for step in flow.get("steps") or [] if "intent" in step)
    return intents


def _labelled(paths: list[Path]) -> list[dict]:
    return [
        json.loads(line)
        for path in paths
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]


TRAINING = sorted((ROOT / "triage").glob("*.jsonl"))
EVALUATION = sorted((ROOT / "eval").glob("triage_*.jsonl"))


def test_the_label_types_name_every_category_and_urgency_strongest_first_then_none():
    assert get_args(CategoryLabel) == (*SEVERITY, "none")
    assert get_args(UrgencyLabel) == (*(urgency.label for urgency in URGENCIES), "none")
    assert SEVERITY == tuple(category.label for category in CATEGORIES)
    assert HELP_REQUEST in LABELS


def test_labels_short_names_and_intents_belong_to_one_category_each():
    assert len(LABELS) == len(CATEGORIES)
    # A label travels in the middle question's button data (bot/engine.py MIDDLE_BUTTON:
    # lower case and _, 1-24 characters) and in escalations.category (32 characters).
    assert all(re.fullmatch(r"[a-z_]{1,24}", label) for label in LABELS)
    shorts = [category.short for category in CATEGORIES]
    assert len(set(shorts)) == len(shorts) and all(1 <= len(s) <= 6 for s in shorts)
    intents = [i for category in CATEGORIES for i in (*category.intents, *category.questions)]
    assert len(set(intents)) == len(intents)
    assert all(category.intents for category in CATEGORIES), "each needs a disclosure intent"


def test_every_disclosure_intent_of_the_nlu_is_a_category_and_each_category_is_trained():
    domain, examples, rules = _domain_intents(), _nlu_examples(), _rule_intents()
    revelar = {intent for intent in domain | set(examples) if intent.startswith("revelar_")}
    assert revelar <= set(INTENT_CATEGORIES), "a revelar_* intent without a category entry"
    for intent, label in INTENT_CATEGORIES.items():
        assert intent in domain, f"{intent} ({label}): list it under intents: in domain/"
        assert examples[intent] >= 10, f"{intent} ({label}): needs NLU examples in nlu/"
        assert intent in rules, f"{intent} ({label}): needs a rule in stories/apoyo.yml"


def test_every_question_of_a_category_is_an_faq_intent_of_the_domain():
    domain = _domain_intents()
    for question, label in SENSITIVE_FAQ.items():
        assert question.startswith("faq_") and question in domain, (question, label)


def test_the_labelled_lines_use_the_registry_and_teach_and_measure_every_category():
    for rows in (_labelled(TRAINING), _labelled(EVALUATION)):
        assert {row["category"] for row in rows} <= LABELS | {"none"}
        assert {row["urgency"] for row in rows} <= URGENCY_LABELS | {"none"}
    trained = Counter(row["category"] for row in _labelled(TRAINING))
    measured = Counter(row["category"] for row in _labelled([ROOT / "eval/triage_heldout.jsonl"]))
    for label in LABELS:
        assert trained[label] >= 20, f"{label}: add labelled lines under triage/"
        assert measured[label] >= 10, f"{label}: add lines to eval/triage_heldout.jsonl"


def test_every_wording_key_is_in_the_catalogs_and_translated_for_staff():
    staff = [category.card for category in CATEGORIES] + [u.card for u in URGENCIES]
    for language in i18n.STAFF_LOCALES:
        catalog = i18n._read(language, i18n.STAFF_DOMAIN)
        for key in staff:
            entry = catalog.get(key)
            assert entry is not None and entry.string, f"{language} staff.po: {key!r}"
            if language != i18n.SOURCE_LANGUAGE:
                assert entry.string != key, f"{language} staff.po: translate {key!r}"
    children = i18n._read("es", i18n.DOMAIN)
    for category in CATEGORIES:
        if category.opening is not None:
            entry = children.get(category.opening)
            assert entry is not None and entry.string, f"es messages.po: {category.opening!r}"


def test_the_rules_the_evaluation_and_the_cards_read_their_lists_from_the_registry():
    assert rule_verdict._SEVERITY == SEVERITY
    assert evaluation.CATEGORIES == (*SEVERITY, "none")
    assert evaluation.URGENCIES == (*(urgency.label for urgency in URGENCIES), "none")
    assert cards.CATEGORY == {category.label: category.card for category in CATEGORIES}
    assert cards.URGENCY == {urgency.label: urgency.card for urgency in URGENCIES}


def test_a_category_with_its_own_opening_is_answered_with_it_and_others_with_thanks():
    for category in CATEGORIES:
        verdict = Verdict(True, "high", category.label, "self")
        first = answers.replies(verdict, case_id=1, can_contact=False)[0].text
        expected = category.opening or answers.THANKS_SELF
        assert first.startswith(expected), category.label
    assert BY_LABEL[HELP_REQUEST].opening == answers.HELP_REQUEST
