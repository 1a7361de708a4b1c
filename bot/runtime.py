"""The composition root: builds the parts of a running bot from the settings, once."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from bot import agent, logs
from bot.engine import Engine
from bot.escalation import Cases
from bot.privacy import Pseudonymizer, load_key
from bot.settings import Settings
from bot.storage import Database

logger = logging.getLogger(__name__)


@dataclass
class Runtime:
    settings: Settings
    database: Database
    pseudonymize: Pseudonymizer
    engine: Engine


def build(settings: Settings) -> Runtime:
    logs.configure(settings.log_level)
    database = Database(settings.database_url)
    database.migrate()
    pseudonymize = Pseudonymizer(load_key(settings.secret_key, settings.key_file))
    model = agent.train(settings.model_dir)
    started = time.perf_counter()
    assistant = agent.RasaAssistant.load(model)
    logger.info("Rasa model %s loaded in %.1f s", model.name, time.perf_counter() - started)
    return Runtime(settings, database, pseudonymize, Engine(assistant, Cases(database)))
