"""The Rasa assistant, in-process: training with a content-hash cache, loading, answering.

One Rasa `Agent` is loaded per process. Message text reaches Rasa only for NLU parsing;
the dialogue tracker receives the intent alone (as "/intent"), so no child's words are
kept in a tracker. Rasa is imported lazily: it costs seconds, and the bot layer's own
tests do not need it.
"""

from __future__ import annotations

import hashlib
import logging
import os
from pathlib import Path
from typing import Any

from bot.engine import Button, Parse, Reply
from bot.settings import ROOT

logger = logging.getLogger(__name__)

CONFIG = ROOT / "config.yml"
DOMAIN = ROOT / "domain"
TRAINING_DATA = (ROOT / "nlu", ROOT / "stories")

os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
os.environ.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def training_inputs() -> list[Path]:
    files = [CONFIG]
    for folder in (DOMAIN, *TRAINING_DATA):
        files.extend(sorted(folder.rglob("*.yml")))
    return files


def content_hash() -> str:
    """A hash of everything training reads, so a model is retrained only when it changed."""
    digest = hashlib.sha256()
    for path in training_inputs():
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()[:16]


def model_path(model_dir: Path) -> Path:
    return model_dir / f"voz-{content_hash()}.tar.gz"


def train(model_dir: Path, force: bool = False) -> Path:
    """Train unless a model for the current data already exists; return its path."""
    target = model_path(model_dir)
    if target.exists() and not force:
        logger.info("model %s is up to date", target.name)
        return target
    from rasa.model_training import train as rasa_train

    model_dir.mkdir(parents=True, exist_ok=True)
    result = rasa_train(
        domain=str(DOMAIN),
        config=str(CONFIG),
        training_files=[str(folder) for folder in TRAINING_DATA],
        output=str(model_dir),
        fixed_model_name=target.name.removesuffix(".tar.gz"),
        force_training=True,
    )
    if result.code != 0 or not target.exists():
        raise RuntimeError(f"Rasa training failed (code {result.code}); run `make validate`")
    # Older models only take disk space; the hash names the one in use.
    for old in model_dir.glob("voz-*.tar.gz"):
        if old != target:
            old.unlink()
    return target


def _replies(responses: list[dict[str, Any]] | None) -> list[Reply]:
    replies = []
    for response in responses or []:
        buttons = tuple(
            (Button(button["title"], "r:" + button["payload"].lstrip("/")),)
            for button in response.get("buttons") or []
        )
        text = response.get("text") or ""
        if text or buttons:
            replies.append(Reply(text, buttons))
    return replies


class RasaAssistant:
    """Adapts a loaded Rasa Agent to the engine's `Assistant` protocol."""

    def __init__(self, agent: Any) -> None:
        self._agent = agent
        self.intents = frozenset(agent.domain.intents)

    @classmethod
    def load(cls, model: Path) -> RasaAssistant:
        from rasa.core.agent import Agent

        from bot import logs

        level = logging.getLogger().level
        agent = Agent.load(str(model))
        # Loading Rasa resets log levels: restore ours, and quiet the libraries again.
        logging.getLogger().setLevel(level)
        logs.quiet_libraries()
        return cls(agent)

    async def parse(self, text: str) -> Parse:
        result = await self._agent.parse_message(text)
        intent = result.get("intent") or {}
        ranking = tuple(
            (entry["name"], float(entry["confidence"]))
            for entry in result.get("intent_ranking") or []
        )
        return Parse(
            intent.get("name") or "nlu_fallback", float(intent.get("confidence") or 0.0), ranking
        )

    async def forget(self, user: str) -> None:
        """Drop the dialogue tracker kept in memory for this pseudonym (/borrar)."""
        store = self._agent.tracker_store
        store = getattr(store, "_tracker_store", store)  # Rasa wraps it in a fail-safe store
        getattr(store, "store", {}).pop(user, None)

    async def respond(self, user: str, intent: str) -> list[Reply]:
        from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

        if intent not in self.intents:
            intent = "nlu_fallback"
        message = UserMessage(
            text=f"/{intent}", sender_id=user, output_channel=CollectingOutputChannel()
        )
        return _replies(await self._agent.handle_message(message))
