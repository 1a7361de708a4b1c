"""A stand-in for the Rasa assistant (the engine's `Assistant` protocol) for unit tests.

It answers an intent the way the trained model does, from the same data: the rule in
stories/ for that intent, in the words of the responses in domain/ (the band's own variation,
else the first of each), and the rule for `nlu_fallback` for an intent it does not know. It
understands only the exact texts it is told (`understands`), and nothing else: every other
text parses as `nlu_fallback`. It has no triage model, so triage runs on the rule layer and on
the intents it reports (bot.triage). So a test on it pins what the engine does, not what Rasa
understands; tests of understanding use the real model (tests/integration).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from bot.agent import _replies
from bot.events import Parse, Reply
from bot.settings import ROOT

FALLBACK = "nlu_fallback"


@functools.lru_cache(maxsize=1)
def _domain(root: Path) -> tuple[frozenset[str], dict[str, tuple[str, ...]], dict[str, Any]]:
    """The domain's intents, each rule's actions by intent, and the responses."""
    intents: set[str] = set()
    responses: dict[str, Any] = {}
    for path in sorted((root / "domain").glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        intents.update(data.get("intents") or ())
        responses.update(data.get("responses") or {})
    actions: dict[str, tuple[str, ...]] = {}
    for path in sorted((root / "stories").glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for rule in data.get("rules") or ():
            steps = rule["steps"]
            if len(steps) > 1 and "intent" in steps[0]:
                actions[steps[0]["intent"]] = tuple(step["action"] for step in steps[1:])
    return frozenset(intents), actions, responses


class FakeAssistant:
    """The Assistant protocol of bot/engine.py without Rasa (see the module docstring).

    `understands` maps a text (compared stripped and lower-cased) to the intent it parses
    as, with full confidence. `parsed` and `forgotten` record what the engine asked."""

    triage_model = None  # triage reads the intents instead (bot.triage, without a model)

    def __init__(self, understands: Mapping[str, str] | None = None) -> None:
        self.intents, self._actions, self._responses = _domain(ROOT)
        self.understands = {
            text.strip().lower(): intent for text, intent in (understands or {}).items()
        }
        unknown = set(self.understands.values()) - self.intents
        if unknown:
            raise ValueError(f"not intents of the domain: {sorted(unknown)}")
        self.parsed: list[str] = []
        self.forgotten: list[str] = []

    async def parse(self, text: str) -> Parse:
        self.parsed.append(text)
        intent = self.understands.get(text.strip().lower())
        if intent is None:
            return Parse(FALLBACK, 0.0, ())
        return Parse(intent, 1.0, ((intent, 1.0),))

    async def respond(self, user: str, intent: str, band: str | None = None) -> list[Reply]:
        if intent not in self.intents or intent not in self._actions:
            intent = FALLBACK
        messages = [
            self._variation(self._responses[action], band)
            for action in self._actions[intent]
            if action in self._responses  # action_restart and the like say nothing
        ]
        return _replies(messages)

    @staticmethod
    def _variation(variations: list[dict[str, Any]], band: str | None) -> dict[str, Any]:
        """The band's own variation (`channel: "9-12"`) where it has one, else the first
        variation for no channel, as Rasa's channel filter chooses (bot.agent)."""
        for variation in variations:
            if band is not None and variation.get("channel") == band:
                return variation
        return next(v for v in variations if "channel" not in v)

    async def forget(self, user: str) -> None:
        self.forgotten.append(user)
