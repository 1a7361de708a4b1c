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
