"""The Rasa assistant, in-process: training with a content-hash cache, loading, answering.

One Rasa `Agent` is loaded per process. Message text reaches Rasa only for NLU parsing.

The dialogue is single-turn by design (every rule is "intent → responses"; flows that must
be exact live in the bot layer), so what Rasa's policies answer to an intent does not depend
on anything said before. `RasaAssistant` therefore asks Rasa's policies once per intent, on
a fresh tracker that is dropped at once, and from then on answers from that script, with
Rasa's own response generator choosing among a response's variations. That takes the
answer from about 50 ms (tracker load, a second NLU pass over "/intent", the policies,
tracker save) to well under one, and keeps no tracker, so nothing of a child's
conversation sits in memory. `load` refuses a model whose domain has slots or forms, the
things that could make an answer depend on history.

Rasa is imported lazily: it costs seconds, and the bot layer's own tests do not need it.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from bot import batch_parse
from bot.engine import Button, Parse, Reply
from bot.settings import ROOT
from bot.triage import pieces
from bot.triage.model import TriageModel
from bot.understanding import off_loop

logger = logging.getLogger(__name__)

CONFIG = ROOT / "config.yml"
DOMAIN = ROOT / "domain"
TRAINING_DATA = (ROOT / "nlu", ROOT / "stories")
# The output channel the script is collected on; responses without a `channel` serve it.
DEFAULT_CHANNEL = "collector"

os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
os.environ.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def import_skops_first() -> None:
    """Import skops, which Rasa uses to save and load the intent classifier, before Rasa.

    Why: on first import skops looks up the module of every scikit-learn type by scanning
    all loaded modules. After Rasa's thousands of modules that took 8.5 s, and it made up
    half the model's load time (14 s → 6.6 s measured on the same machine)."""
    import skops.io  # noqa: F401


def training_inputs() -> list[Path]:
    """Everything training reads: Rasa's config, domain and data, the triage model's
    labelled lines (bot.triage.model.training_sources), and the code that turns a message
    into the triage model's features and labels (the model, the rule layer the stacker
    weighs, and the categories' registry that says which intents disclose what), so a change
    to any retrains rather than loading a model built on other features."""
    from bot.triage.model import training_sources

    files = [CONFIG]
    for folder in (DOMAIN, *TRAINING_DATA):
        files.extend(sorted(folder.rglob("*.yml")))
    triage_code = ROOT / "bot" / "triage"
    features = [triage_code / "model.py", triage_code / "categories.py"]
    features += sorted(triage_code.glob("rules*.py"))
    features += sorted((triage_code / "rules").glob("*.py"))
    return [*files, *training_sources(ROOT), *features]


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


def triage_model_path(model: Path) -> Path:
    """The triage model trained from the same inputs as the Rasa model `model`."""
    return model.with_name(model.name.removesuffix(".tar.gz") + ".triage.pkl")


def train_triage(model: Path, force: bool = False) -> Path:
    """Train the triage model beside the Rasa model `model`, unless it exists already."""
    from bot.triage.model import describe, load_examples
    from bot.triage.model import train as fit

    target = triage_model_path(model)
    if target.exists() and not force:
        return target
    assistant = RasaAssistant.load(model, triage=False)

    def parse(texts: Sequence[str]) -> list[Parse | None]:
        async def each() -> list[Parse | None]:
            return [await assistant.parse(text) for text in texts]

        return asyncio.run(each())

    triage_model = fit(load_examples(ROOT), parse)
    triage_model.save(target)
    logger.info("triage model trained: %s", describe(triage_model))
    return target


def train(model_dir: Path, force: bool = False) -> Path:
    """Train unless a model for the current data already exists; return its path."""
    target = model_path(model_dir)
    if target.exists() and not force:
        logger.info("model %s is up to date", target.name)
        train_triage(target)
        return target
    import_skops_first()
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
    train_triage(target, force=True)
    # Older models only take disk space; the hash names the one in use.
    for old in model_dir.glob("voz-*"):
        if old not in (target, triage_model_path(target)):
            old.unlink()
    return target


def _parse_of(result: dict[str, Any]) -> Parse:
    intent = result.get("intent") or {}
    ranking = tuple(
        (entry["name"], float(entry["confidence"])) for entry in result.get("intent_ranking") or []
    )
    return Parse(
        intent.get("name") or "nlu_fallback", float(intent.get("confidence") or 0.0), ranking
    )


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


def classifiers(agent: Any) -> list[Any]:
    """The scikit-learn estimators with a `coef_` (LogisticRegressionClassifier's) in the
    loaded model's graph."""
    nodes = getattr(agent.processor.graph_runner, "_instantiated_nodes", {})
    found = []
    for node in nodes.values():
        estimator = getattr(getattr(node, "_component", None), "clf", None)
        if estimator is not None and hasattr(estimator, "coef_"):
            found.append(estimator)
    return found


def transpose_weights(agent: Any) -> None:
    """Store each linear classifier's weights column-major, so `coef_.T` is contiguous.

    Why: scikit-learn scores a message as `X @ coef_.T`, and scipy's sparse-times-dense
    product copies a non-contiguous right operand first: every parse copied the whole weight
    matrix (intents x n-grams). Column-major storage holds the same numbers, so the scores are
    identical; a parse took 2.9 instead of 4.4 ms CPU (measured on this model)."""
    import numpy as np

    for estimator in classifiers(agent):
        estimator.coef_ = np.asfortranarray(estimator.coef_)


def nlu_components(agent: Any) -> list[Any] | None:
    """The model's NLU components (tokenizer, featurizers, classifiers), in the order its
    prediction graph runs them on a message, or None if the graph is not the plain chain
    this expects (message converter, then one `process` node after another, then Rasa's
    RegexMessageHandler as the NLU target)."""
    processor = agent.processor
    schema = processor.model_metadata.predict_schema
    instances = getattr(processor.graph_runner, "_instantiated_nodes", {})
    chain, previous = [], "nlu_message_converter"
    while True:
        following = [
            name for name, node in schema.nodes.items() if node.needs == {"messages": previous}
        ]
        if len(following) != 1:
            break
        node = schema.nodes[following[0]]
        component = getattr(instances.get(following[0]), "_component", None)
        if node.fn != "process" or component is None:
            return None
        chain.append(component)
        previous = following[0]
    target = schema.nodes.get(processor.model_metadata.nlu_target)
    if (
        not chain
        or target is None
        or target.uses.__name__ != "RegexMessageHandler"
        or target.needs.get("messages") != previous
    ):
        return None
    return chain


class RasaAssistant:
    """Adapts a loaded Rasa Agent to the engine's `Assistant` protocol."""

    def __init__(self, agent: Any) -> None:
        from rasa.shared.core.constants import DEFAULT_SLOT_NAMES
        from rasa.shared.core.trackers import DialogueStateTracker

        domain = agent.domain
        if {slot.name for slot in domain.slots} - DEFAULT_SLOT_NAMES or domain.forms:
            raise ValueError(
                "the Rasa domain declares slots or forms, so answers could depend on history; "
                "keep the dialogue single-turn (intent → responses) and put flows in the "
                "bot layer, or remove the script cache in bot/agent.py"
            )
        self._agent = agent
        self.intents = frozenset(domain.intents)
        # The triage model trained with this Rasa model (None: triage falls back on the
        # Rasa disclosure intents); the engine reads it from here.
        self.triage_model: TriageModel | None = None
        # intent → what Rasa's policies uttered for it: (response name, the message as sent)
        self._scripts: dict[str, tuple[tuple[str | None, dict[str, Any]], ...]] = {}
        self._blank = DialogueStateTracker("voz-script", domain.slots)
        self._nlu = nlu_components(agent)
        # What triage parses the pieces of a long message with (None: the model's graph is
        # not the plain chain `parse_now` runs, and pieces are triaged without a parse):
        # one piece at a time through Rasa's own chain, or all of them in one batch.
        self.parse_piece: Callable[[str], Parse] | None = (
            self.parse_now if self._nlu is not None else None
        )
        self._sentence_chain = (
            batch_parse.sentence_chain(self._nlu) if self._nlu is not None else None
        )
        self.parse_pieces: Callable[[Sequence[str]], list[Parse]] | None = (
            self.parse_many if self._nlu is not None else None
        )

    @classmethod
    def load(cls, model: Path, triage: bool = True) -> RasaAssistant:
        import_skops_first()
        from rasa.core.agent import Agent

        from bot import logs

        level = logging.getLogger().level
        agent = Agent.load(str(model))
        # Loading Rasa resets log levels: restore ours, and quiet the libraries again.
        logging.getLogger().setLevel(level)
        logs.quiet_libraries()
        transpose_weights(agent)
        assistant = cls(agent)
        triage_file = triage_model_path(model)
        if triage and triage_file.exists():
            assistant.triage_model = TriageModel.load(triage_file)
        elif triage:
            logger.warning("no triage model beside %s; run `make train`", model.name)
        return assistant

    async def parse(self, text: str) -> Parse:
        """The NLU parse, on the understanding thread (bot/understanding.py) so the event
        loop stays free. A message longer than a triage piece is parsed on its first piece
        (bot.triage.pieces): that is what the assistant answers, and triage parses the
        other pieces itself (`parse_many`)."""
        whole = text.strip()  # strip: as Rasa's UserMessage does
        text = pieces.first(whole)
        if self._nlu is not None and text and not text.startswith("/"):
            if len(whole) > pieces.CAP:
                # Behind other children's messages, as its triage is, and on the sentence
                # features alone, as its other pieces are: the same parse, for less.
                return (await off_loop(self.parse_many, [text], behind=True))[0]
            return await off_loop(self.parse_now, text)
        return _parse_of(await self._agent.parse_message(text))

    def parse_now(self, text: str) -> Parse:
        """The parse of a text not starting with "/", on the calling thread: triage calls it
        for each piece of a long message, on the understanding thread."""
        text = text.strip()
        if self._nlu is None or not text or text.startswith("/"):
            # Rasa's own parse, which reads "/intent", is a coroutine of the event loop.
            raise ValueError("parse_now parses plain text with the model's NLU chain only")
        return _parse_of(self._run_nlu(text))

    def parse_many(self, texts: Sequence[str]) -> list[Parse]:
        """The parses of many plain texts (none starting with "/"), on the calling thread, in
        one batch: triage calls it for the pieces of a long message. Where the model's chain
        allows (bot/batch_parse.py), only the features its classifier reads are computed, for
        every text at once; the parses are those of `parse_now`, number for number
        (tests/integration/test_fast_parse.py)."""
        texts = [text.strip() for text in texts]
        if self._nlu is None or any(not text or text.startswith("/") for text in texts):
            raise ValueError("parse_many parses plain text with the model's NLU chain only")
        if not texts:
            return []
        if self._sentence_chain is None:
            return [_parse_of(self._run_nlu(text)) for text in texts]
        return [_parse_of(parsed) for parsed in batch_parse.run(self._sentence_chain, texts)]

    def _run_nlu(self, text: str) -> dict[str, Any]:
        """The model's own NLU components on the text, one after another: what Rasa's graph
        runner does for a parse, without its scheduler (dask) and the processor's
        bookkeeping, which were a third of a parse's CPU. Texts starting with "/" go through
        Rasa itself, whose RegexMessageHandler reads them as intents;
        tests/integration/test_agent.py checks that both give the same result on every
        training and held-out text."""
        from rasa.shared.nlu.training_data.message import Message

        messages = [Message(data={"text": text})]
        for component in self._nlu or ():
            messages = component.process(messages)
        parsed: dict[str, Any] = messages[0].as_dict(only_output_properties=True)
        return parsed

    async def forget(self, user: str) -> None:
        """/borrar: Rasa keeps no tracker for anyone (see the module docstring); this drops
        one all the same, should a caller ever have made one for this pseudonym."""
        self._drop_tracker(user)

    def _drop_tracker(self, sender: str) -> None:
        store = self._agent.tracker_store
        store = getattr(store, "_tracker_store", store)  # Rasa wraps it in a fail-safe store
        getattr(store, "store", {}).pop(sender, None)

    async def respond(self, user: str, intent: str, band: str | None = None) -> list[Reply]:
        """What Rasa answers to `intent`. `band` is the child's age band id, if known: a
        response's variation for that band (`channel: "9-12"` in domain/) is chosen over
        the default ones, where it has one (Rasa's own channel filter does the choosing)."""
        if intent not in self.intents:
            intent = "nlu_fallback"
        script = self._scripts.get(intent)
        if script is None:
            script = self._scripts[intent] = await self._script(intent)
        messages = []
        for response, sent in script:
            generated = None
            if response is not None:
                channel = band or DEFAULT_CHANNEL
                generated = await self._agent.nlg.generate(response, self._blank, channel)
            messages.append(generated or sent)
        return _replies(messages)

    async def _script(self, intent: str) -> tuple[tuple[str | None, dict[str, Any]], ...]:
        """Rasa's policies, run once for `intent` on a fresh tracker: what they sent, each
        message named by the domain response it came from where exactly one has that text
        (so a response's variations keep varying), else kept as sent."""
        from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

        sender = f"voz-script-{intent}"  # not a pseudonym: those are 32 hex digits
        message = UserMessage(
            text=f"/{intent}", sender_id=sender, output_channel=CollectingOutputChannel()
        )
        sent = await self._agent.handle_message(message) or []
        self._drop_tracker(sender)
        by_text: dict[str, set[str]] = {}
        for name, variations in self._agent.domain.responses.items():
            for variation in variations:
                by_text.setdefault(variation.get("text") or "", set()).add(name)
        script = []
        for each in sent:
            names = by_text.get(each.get("text") or "", set())
            script.append((next(iter(names)) if len(names) == 1 else None, each))
        return tuple(script)
