"""The composition root: builds the parts of a running bot from the settings, once."""

from __future__ import annotations

import gc
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass

from bot import agent, logs
from bot.campaigns.feedback import ResultsRequests
from bot.campaigns.launch import CampaignRegistry
from bot.campaigns.survey import Surveys
from bot.engine import Assistant, Engine
from bot.escalation import Cases, EscalationLane
from bot.flows import Flow, plugins
from bot.flows.plugins import FlowContext
from bot.privacy import Pseudonymizer, check_key, key_source, load_key
from bot.settings import Settings
from bot.storage import Database
from consent import GENERAL, ConsentFlow, Scope
from consent.gate import ConsentGate, Continue, FollowsConsent, menu_when_finished

logger = logging.getLogger(__name__)

# Where feature packages with flows are found (each with a `plugin.py`, bot.flows.plugins).
FLOW_ROOTS = ("bot",)


@dataclass
class Runtime:
    settings: Settings
    database: Database
    pseudonymize: Pseudonymizer
    engine: Engine

    def attach(self, lane: EscalationLane) -> EscalationLane:
        """Wire the engine to the channel's escalation lane (each channel builds its own:
        bot/channels/telegram/application.py, bot/channels/terminal/start.py)."""
        self.engine.on_case_opened = lane.wake  # an alert leaves as soon as it is committed
        self.engine.on_alert_unrecorded = lane.alert_unrecorded  # and one not committed, too
        return lane


def build(settings: Settings) -> Runtime:
    logs.configure(settings.log_level)
    database = Database(settings.database_url)
    database.migrate()
    key = load_key(settings.secret_key, settings.key_file)
    check_key(database, key, key_source(settings))
    pseudonymize = Pseudonymizer(key)
    model = agent.train(settings.model_dir)
    started = time.perf_counter()
    assistant = agent.RasaAssistant.load(model)
    logger.info("Rasa model %s loaded in %.1f s", model.name, time.perf_counter() - started)
    responsible = (settings.organisation_name, settings.organisation_contact)
    engine = engine_for(assistant, database, responsible=responsible)
    # What is loaded now (Rasa, TensorFlow's modules, the models: millions of objects) lives
    # as long as the process: out of the garbage collector's sight, a full collection no
    # longer walks it, which held every thread for about 280 ms a time, several times a
    # minute under long messages (`python -m bench.run --scenario adversarial`).
    gc.collect()
    gc.freeze()
    return Runtime(settings, database, pseudonymize, engine)


def engine_for(
    assistant: Assistant,
    database: Database,
    campaigns: CampaignRegistry | None = None,
    responsible: tuple[str | None, str | None] = (None, None),
    roots: Sequence[str] = FLOW_ROOTS,
) -> Engine:
    """The engine as it runs: triage and cases, the consent gate, then the flows every
    feature package under `roots` declares in its `plugin.py`, in their declared order
    (bot.flows.plugins), then the Rasa assistant; `responsible` names the organisation and
    its contact in the privacy notice."""
    campaigns = campaigns if campaigns is not None else CampaignRegistry(database)

    def scope(campaign_id: str) -> Scope | None:
        return Scope() if campaign_id == GENERAL else campaigns.scope(campaign_id)

    consent = ConsentFlow(database, scopes=scope)
    # Surveys find a campaign by id: another replica may have started the child's survey.
    surveys = Surveys(database, campaigns=campaigns.get)
    context = FlowContext(database, consent, campaigns, surveys, ResultsRequests(database))
    flows = plugins.build(plugins.discover(roots), context)
    return Engine(
        assistant,
        Cases(database),
        consent=ConsentGate(consent, then=_after_consent(flows)),
        flows=flows,
        responsible=responsible,
    )


def _after_consent(flows: Sequence[Flow]) -> Continue:
    """What follows a finished assent: the one flow that continues it, else the menu."""
    following = [flow for flow in flows if isinstance(flow, FollowsConsent)]
    if len(following) > 1:
        names = ", ".join(f"'{flow.name}'" for flow in following)
        raise plugins.FlowPluginError(f"flows {names} all continue the consent gate; one may")
    return following[0].after_consent if following else menu_when_finished
