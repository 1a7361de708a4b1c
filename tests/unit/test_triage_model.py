"""The triage model (bot/triage/model.py) on data the test makes: training, thresholds chosen
on out-of-fold predictions that hold out whole sources, calibration, saving and loading.
No Rasa: the parse the stacker would weigh is None here."""

from __future__ import annotations

import pickle

import numpy as np
import pytest

from bot.triage import Triage
from bot.triage import model as triage_model
from bot.triage.model import Example, TriageModel

DISCLOSURES = {
    "abuse": ["mi padrastro me pega con la faja", "mi tio me toca cuando no hay nadie"],
    "self_harm": ["me quiero matar ya no aguanto", "me corto los brazos en la noche"],
    "trafficking": [
        "el jefe tiene mi pasaporte y no me deja salir",
        "me deben la plata del pasaje",
    ],
    "online_grooming": ["un señor del free fire me pide fotos", "un man de insta me pide nudes"],
    "sexual_exploitation": ["un gringo me paga por estar con el", "me dan plata por fotos"],
    "help_request": ["ayudeme por favor tengo miedo", "no se que hacer necesito ayuda"],
}
EVERYDAY = [
    "vivo en pavas con mi abuela",
    "me gusta jugar futbol con mis primos",
    "quiero ser veterinaria",
    "uso tiktok y whatsapp",
    "hola buenas tardes",
    "gracias por la info",
    "mañana tengo examen de mate",
    "mi perro se llama firulais",
    "que es la trata de personas",
    "el cole queda en limon",
]


def examples() -> list[Example]:
    made = []
    for source in ("a", "b", "c", "d", "e"):
        for category, lines in DISCLOSURES.items():
            for n, line in enumerate(lines):
                urgency = "emergency" if n == 0 and category != "help_request" else "high"
                subject = "other" if n == 1 and category != "help_request" else "self"
                made.append(Example(f"{line} {source}", True, category, urgency, subject, source))
        made += [Example(f"{line} {source}", False, source=source) for line in EVERYDAY]
    return made


def no_parse(texts):
    return [None] * len(texts)


@pytest.fixture(scope="module")
def trained() -> TriageModel:
    return triage_model.train(examples(), no_parse)


def test_folds_hold_out_whole_sources():
    made = examples()
    for train_idx, test_idx in triage_model._folds(made):
        assert {made[i].source for i in train_idx}.isdisjoint({made[i].source for i in test_idx})


def test_thresholds_reach_the_recall_they_promise_out_of_fold(trained):
    assert trained.report["oof_recall_at_alert"] >= triage_model.ALERT_RECALL
    assert trained.report["oof_recall_at_ask"] >= triage_model.ASK_RECALL
    assert 0 < trained.thresholds.ask <= trained.thresholds.alert < 1


def test_scores_are_probabilities_and_separate_disclosures_from_chat(trained):
    disclosure = trained.scores("mi padrastro me pega con la faja", None)
    chat = trained.scores("vivo en pavas con mi abuela", None)
    assert 0.0 <= chat.escalate < disclosure.escalate <= 1.0
    assert disclosure.category == "abuse"
    assert set(disclosure.category_scores) == set(DISCLOSURES)


def test_a_confident_disclosure_alerts_and_chat_does_not(trained):
    triage = Triage(trained)
    verdict = triage.assess("mi padrastro me pega con la faja", None)
    assert verdict.escalate and verdict.category == "abuse"
    assert not triage.assess("vivo en pavas con mi abuela", None).escalate


def test_a_saved_model_loads_with_identical_scores(trained, tmp_path):
    path = tmp_path / "voz-x.triage.pkl"
    trained.save(path)
    loaded = TriageModel.load(path)
    texts = ["me corto los brazos", "hola", "un señor me pide fotos"]
    assert np.allclose(
        [s.escalate for s in loaded.scores_many(texts, [None] * 3)],
        [s.escalate for s in trained.scores_many(texts, [None] * 3)],
    )


def test_a_file_that_is_not_a_triage_model_is_refused_with_the_fix(tmp_path):
    path = tmp_path / "voz-x.triage.pkl"
    path.write_bytes(pickle.dumps({"not": "a model"}))
    with pytest.raises(ValueError, match="make train"):
        TriageModel.load(path)


def test_duplicate_lines_keep_the_disclosure():
    kept = triage_model._dedupe(
        [
            Example("me pegan", False, source="x"),
            Example("Me pegan!", True, "abuse", "high", "self", "y"),
        ]
    )
    assert len(kept) == 1 and kept[0].escalate


def test_safe_word_alerts_whatever_the_model_says(trained):
    verdict = Triage(trained).assess("AYUDA", None)
    assert verdict.escalate and verdict.category == "help_request"


def test_one_message_scores_exactly_as_the_batch_path(trained):
    texts = [
        "mi padrastro me pega con la faja",
        "vivo en pavas con mi abuela",
        "",
        "zzzz qqqq",  # no known n-gram: the intercepts alone
        "ME QUIERO MATAR 😢 ya no aguanto más!!!",
    ]
    batch = trained.scores_many(texts, [None] * len(texts))
    for text, expected in zip(texts, batch, strict=True):
        single = trained.scores(text, None)
        assert single.escalate == pytest.approx(expected.escalate, abs=1e-9)
        assert single.words == pytest.approx(expected.words, abs=1e-9)
        assert single.emergency == pytest.approx(expected.emergency, abs=1e-9)
        assert single.other == pytest.approx(expected.other, abs=1e-9)
        assert single.category == expected.category
        for name, value in expected.category_scores.items():
            assert single.category_scores[name] == pytest.approx(value, abs=1e-9)


def test_the_pieces_of_a_long_message_score_exactly_as_each_alone(trained):
    """`scores_pieces` looks each word's character n-grams up once for all the pieces; the
    numbers are the very ones `scores` gives each piece alone."""
    from bot.triage.pieces import pieces
    from bot.triage.rules import assess, normalize

    long = " ".join(line for lines in DISCLOSURES.values() for line in lines) + " "
    parts = [
        *pieces((long + " ".join(EVERYDAY) + " ") * 8),
        *pieces("m4t4rm3 " * 600),
        "",
    ]
    norms = [normalize(part) for part in parts]
    rules = [assess(part, norm) for part, norm in zip(parts, norms, strict=True)]
    steps: list[int] = []
    together = trained.scores_pieces(
        parts, [None] * len(parts), rules, norms, between=lambda: steps.append(1)
    )
    assert [trained.scores(part, None) for part in parts] == together
    # The engine gives way to other children after each piece (bot.understanding.give_way).
    assert len(steps) == len(parts)
