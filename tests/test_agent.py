"""The Rasa assistant answers from scripts of what Rasa's policies say per intent (see
bot/agent.py): the answers must be exactly Rasa's, and independent of history."""

from __future__ import annotations

import pytest

from bot import agent


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
