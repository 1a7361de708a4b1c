"""The FAQ (issue 6, item 2): questions in free Spanish get the FAQ's answer.

Each FAQ question is an ordinary intent, faq_<topic> (nlu/faq.yml), answered by
utter_faq_<topic> (domain/faq.yml) through a rule (stories/faq.yml). These tests run the
held-out paraphrases in tests/data/faq_heldout.yml, which no training example copies, through
the real model, the safety triage and the engine. The accuracy floor is the figure measured
when the test was written: it stops regressions and is raised as the FAQ data improves.
"""

from __future__ import annotations

import asyncio
import re
import unicodedata

import pytest
import yaml

from bot.engine import Inbound, Kind
from bot.runtime import engine_for
from bot.settings import ROOT
from bot.triage import MODEL_THRESHOLD, Triage, answers, disclosure_belief, faq_evaluation

pytestmark = pytest.mark.rasa
HELD_OUT = ROOT / "tests" / "data" / "faq_heldout.yml"
ROWS: list[dict[str, str]] = yaml.safe_load(HELD_OUT.read_text(encoding="utf-8"))
# Measured on 2026-12-04, after issue 12's FAQ data (five new authors, >= 60 examples an
# intent) and the triage model: 98/100 parsed right, 96/100 answered with the FAQ's response
# (on 2026-11-29: 91 and 86).
ACCURACY_FLOOR = 0.98
ENGINE_FLOOR = 0.96
# Every FAQ intent: at least this many examples, from at least this many files (authors).
EXAMPLES_FLOOR = 60
AUTHORS_FLOOR = 3

# Held-out FAQ questions that triage escalates: it speaks of the writer in the present, so
# an alarm is defensible. A strict xfail turns red when one stops alarming: remove it then.
RULE_ALARMS = {
    "como le digo que no a alguien que me pide nudes",
}
# Off-topic questions the FAQ does not cover: they must get an honest "I don't know".
UNKNOWN = [
    "¿cuál es la capital de mongolia?",
    "¿cuántos planetas hay en el sistema solar?",
    "¿quién ganó el mundial de 1990?",
    "¿cómo se hace una raíz cuadrada?",
    "¿qué día es hoy?",
    "¿me recomienda un libro de dragones?",
    "¿cuánto mide un elefante?",
    "¿qué idioma hablan en brasil?",
    "¿por qué el cielo es azul?",
    "¿cómo se juega ajedrez?",
]
UNKNOWN_FLOOR = 8  # of 10, measured when written; two land on saludar and charla


def fold(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text.lower())
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch))
    return " ".join(re.sub(r"[^a-z0-9ñ]+", " ", plain).split())


def faq_responses() -> dict[str, tuple[str, ...]]:
    """utter_faq_<topic> → its answer's variations, as bot.triage.faq_evaluation reads them."""
    return {f"utter_{intent}": texts for intent, texts in faq_evaluation.faq_responses().items()}


def training_examples() -> dict[str, str]:
    """Every NLU training example (folded), with its intent."""
    examples = {}
    for path in sorted((ROOT / "nlu").glob("*.yml")):
        for block in yaml.safe_load(path.read_text(encoding="utf-8")).get("nlu", []):
            for line in block.get("examples", "").splitlines():
                text = line.strip().removeprefix("- ").strip()
                if text:
                    examples[fold(text)] = block["intent"]
    return examples


@pytest.fixture(scope="module")
def parsed(assistant):
    async def run():
        return [(row, await assistant.parse(row["text"])) for row in ROWS]

    return asyncio.run(run())


def test_every_faq_intent_has_a_response_and_many_examples_from_several_authors():
    responses = faq_responses()
    examples: dict[str, int] = {}
    authors: dict[str, set[str]] = {}
    for path in sorted((ROOT / "nlu").glob("faq*.yml")):
        for block in yaml.safe_load(path.read_text(encoding="utf-8"))["nlu"]:
            count = len(block["examples"].strip().splitlines())
            examples[block["intent"]] = examples.get(block["intent"], 0) + count
            authors.setdefault(block["intent"], set()).add(path.name)
    assert len(examples) >= 50
    assert all(re.fullmatch(r"faq_[a-z0-9_]+", intent) for intent in examples)
    assert {i: n for i, n in examples.items() if n < EXAMPLES_FLOOR} == {}
    assert {i: a for i, a in authors.items() if len(a) < AUTHORS_FLOOR} == {}
    assert set(responses) == {f"utter_{intent}" for intent in examples}
    assert {row["intent"] for row in ROWS} <= set(examples)


def test_answers_give_only_the_verified_helplines():
    # PANI 1147 and 911 are the only numbers checked for publication (DESIGN.md); the
    # others are the law DESIGN.md cites: Código Penal art. 172, last reformed in 2024 by
    # Ley 10506; Ley 9095 of 2013.
    for name, variations in faq_responses().items():
        numbers = set(re.findall(r"\b\d{3,}(?:-\d+)?\b", " ".join(variations)))
        assert numbers <= {"1147", "911", "172", "2024", "10506", "9095", "2013"}, name


def test_held_out_set_is_large_and_never_trained_on():
    assert len(ROWS) >= 80
    assert len({fold(row["text"]) for row in ROWS}) == len(ROWS)
    training = training_examples()
    assert [row["text"] for row in ROWS if fold(row["text"]) in training] == []


def test_held_out_questions_get_their_faq_intent(parsed):
    right = sum(parse.intent == row["intent"] for row, parse in parsed)
    assert right / len(parsed) >= ACCURACY_FLOOR, f"{right}/{len(parsed)}"


@pytest.mark.parametrize(
    "row",
    [
        pytest.param(
            row,
            marks=pytest.mark.xfail(reason="triage alarms on it", strict=True)
            if row["text"] in RULE_ALARMS
            else (),
            id=f"{index:03d}",
        )
        for index, row in enumerate(ROWS)
    ],
)
async def test_held_out_question_is_not_escalated(assistant, row):
    triage = Triage(assistant.triage_model)
    assert not triage.assess(row["text"], await assistant.parse(row["text"])).escalate


def test_the_model_never_sees_a_disclosure_in_a_held_out_question(parsed):
    # Including the RULE_ALARMS: the FAQ data must not pull the model towards alarming.
    beliefs = {row["text"]: disclosure_belief(parse)[0] for row, parse in parsed}
    assert {text: b for text, b in beliefs.items() if b >= MODEL_THRESHOLD} == {}


async def test_engine_answers_held_out_questions_with_the_faq_response(assistant, database, parsed):
    engine = engine_for(assistant, database)
    responses = faq_responses()
    answered = []
    for index, (row, parse) in enumerate(parsed):
        replies = await engine.handle(Inbound(f"faq{index:029d}", Kind.TEXT, row["text"]))
        expected = responses[f"utter_{row['intent']}"]
        texts = [reply.text for reply in replies]
        # The FAQ answer, then at most the middle question (for a question about a harm).
        answered.append(
            len(texts) in (1, 2)
            and faq_evaluation.is_answer(expected, texts[0])
            and texts[1:] in ([], [answers.MIDDLE])
        )
        if parse.intent == row["intent"] and row["text"] not in RULE_ALARMS:
            assert answered[-1], row["text"]
    assert sum(answered) / len(answered) >= ENGINE_FLOOR, f"{sum(answered)}/{len(answered)}"


async def test_unknown_questions_get_an_honest_i_dont_know(assistant, database):
    engine = engine_for(assistant, database)
    faq_answers = list(faq_responses().values())
    honest = 0
    for index, text in enumerate(UNKNOWN):
        replies = await engine.handle(Inbound(f"u{index:031d}", Kind.TEXT, text))
        said = "\n".join(reply.text for reply in replies)
        wrong = [
            r.text for r in replies if any(faq_evaluation.is_answer(v, r.text) for v in faq_answers)
        ]
        assert not wrong, text  # no wrong FAQ answer
        helplines = "1147" in said and "911" in said
        # The fallback ("no sé responder eso todavía", the helplines, the menu), or the
        # "todavía no sé responder" answer to an awareness question, with the helplines.
        fallback = "no le entendí" in said and helplines and bool(replies[-1].buttons)
        honest += fallback or ("no sé responder" in said and helplines)
    assert honest >= UNKNOWN_FLOOR
