"""The Rasa assistant answers from scripts of what Rasa's policies say per intent (see
bot/agent.py): the answers must be exactly Rasa's, and independent of history."""

from __future__ import annotations

import pytest

from bot import agent
from bot.engine import Parse


async def _live(assistant, sender: str, intent: str):  # type: ignore[no-untyped-def]
    """What stock Rasa answers, through its whole dialogue machinery."""
    from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

    message = UserMessage(
        text=f"/{intent}", sender_id=sender, output_channel=CollectingOutputChannel()
    )
    return agent._replies(await assistant._agent.handle_message(message))


async def test_every_intent_is_answered_exactly_as_rasas_policies_answer_it(assistant):
    # The live sender keeps its history across intents on purpose: if any answer depended
    # on what came before, the two would drift apart.
    for intent in sorted(assistant.intents):
        for _ in range(2):
            assert await assistant.respond("a" * 32, intent) == await _live(
                assistant, "live-history", intent
            ), intent
    assistant._drop_tracker("live-history")


async def test_an_unknown_intent_gets_the_fallback_answer(assistant):
    assert await assistant.respond("a" * 32, "no_such_intent") == await _live(
        assistant, "live-fallback", "nlu_fallback"
    )
    assistant._drop_tracker("live-fallback")


async def test_answering_keeps_no_tracker_for_the_child(assistant):
    user = "b" * 32
    await assistant.respond(user, "saludar")
    store = assistant._agent.tracker_store
    store = getattr(store, "_tracker_store", store)
    assert user not in store.store
    assert not [sender for sender in store.store if sender.startswith("voz-script-")]


def test_a_domain_with_slots_is_refused_because_answers_could_depend_on_history(assistant):
    from rasa.shared.core.domain import Domain

    class WithSlots:
        domain = Domain.from_dict(
            {
                "intents": ["saludar"],
                "slots": {"nombre": {"type": "text", "mappings": [{"type": "from_text"}]}},
            }
        )

    with pytest.raises(ValueError, match="slots or forms"):
        agent.RasaAssistant(WithSlots())


async def test_the_loaded_classifier_keeps_its_weights_column_major_with_unchanged_scores(
    assistant,
):
    import numpy as np

    (estimator,) = agent.classifiers(assistant._agent)
    assert estimator.coef_.flags["F_CONTIGUOUS"]  # so coef_.T is contiguous: no copy per parse
    row_major = np.ascontiguousarray(estimator.coef_)
    text = "mi tío me pide fotos y dice que no le cuente a nadie"
    parsed = await assistant.parse(text)
    # The same message scored with the weights as scikit-learn stored them.
    from rasa.shared.nlu.training_data.message import Message

    message = Message(data={"text": text})
    nodes = assistant._agent.processor.graph_runner._instantiated_nodes.values()
    components = [node._component for node in nodes]  # in the pipeline's order
    for component in components:
        if type(component).__name__ in ("WhitespaceTokenizer", "CountVectorsFeaturizer"):
            component.process([message])
    (classifier,) = [c for c in components if getattr(c, "clf", None) is estimator]
    features = classifier._create_X([message])
    expected = features @ row_major.T + estimator.intercept_
    scores = estimator.decision_function(features)
    assert np.allclose(scores, expected, rtol=0, atol=1e-12)
    best = estimator.classes_[int(np.argmax(expected))]
    assert parsed.ranking[0][0] == best or parsed.intent == "nlu_fallback"


def _every_text() -> list[str]:
    """Every training example, every held-out text, and a few odd ones."""
    import json

    import yaml
    from rasa.shared.nlu.training_data.loading import load_data

    from bot.settings import ROOT

    texts = [message.get("text") for message in load_data(str(ROOT / "nlu")).intent_examples]
    held_out = yaml.safe_load((ROOT / "tests" / "data" / "faq_heldout.yml").read_text("utf-8"))
    texts += [row["text"] for row in held_out]
    for name in ("triage_dev.jsonl", "triage_heldout.jsonl"):
        lines = (ROOT / "eval" / name).read_text("utf-8").splitlines()
        texts += [json.loads(line)["text"] for line in lines if line.strip()]
    return [*texts, "  hola  ", "?", "😀😀", "a" * 500, "ñ", "hola\nquiero ayuda"]


async def test_parsing_directly_gives_exactly_what_rasas_processor_gives(assistant):
    assert assistant._nlu is not None, "the NLU graph is no longer a plain chain"
    texts = _every_text()
    assert len(texts) > 3000
    for text in texts:
        result = await assistant._agent.parse_message(text.strip())
        intent = result.get("intent") or {}
        ranking = tuple(
            (entry["name"], float(entry["confidence"]))
            for entry in result.get("intent_ranking") or []
        )
        assert await assistant.parse(text) == Parse(
            intent.get("name") or "nlu_fallback", float(intent.get("confidence") or 0.0), ranking
        ), text


async def test_a_text_that_looks_like_an_intent_is_left_to_rasa(assistant):
    # Rasa's RegexMessageHandler reads "/name" as that intent, at full confidence.
    parsed = await assistant.parse("/saludar")
    assert (parsed.intent, parsed.confidence) == ("saludar", 1.0)
