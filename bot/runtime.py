"""The composition root: builds the parts of a running bot from the settings, once."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import timedelta

from bot import agent, logs
from bot.awareness.lessons import Lessons, LessonsFlow
from bot.awareness.schema import load_lessons
from bot.broadcasts import Outreach
from bot.broadcasts.news import NewsFlow
from bot.campaigns.feedback import FeedbackFlow, ResultsRequests
from bot.campaigns.flow import CampaignChoice, SurveyFlow
from bot.campaigns.launch import CampaignRegistry
from bot.campaigns.survey import Surveys
from bot.engine import Assistant, Engine
from bot.escalation import Cases, EscalationLane, Relay
from bot.escalation.timers import Timers
from bot.privacy import Pseudonymizer, check_key, key_source, load_key
from bot.settings import Settings
from bot.storage import Database
from consent import GENERAL, ConsentFlow, Scope
from consent.gate import ConsentGate

logger = logging.getLogger(__name__)


@dataclass
class Runtime:
    settings: Settings
    database: Database
    pseudonymize: Pseudonymizer
    engine: Engine

    def terminal_lane(self) -> EscalationLane:
        """Alerts printed in the terminal (stderr) instead of sent: the local default."""
        from bot.channels.terminal.alerts import TerminalAlertSender

        relay = Relay(self.database, TerminalAlertSender(), None, None)
        return self._attach(EscalationLane(relay))

    def telegram_lane(self) -> EscalationLane:
        """Alerts sent to the protection chat through a Bot of their own; reminders and the
        fallback contact for cases nobody takes in time."""
        from bot.channels.telegram.alerts import TelegramAlertSender, alert_bot
        from bot.channels.telegram.limits import LIMITS

        settings = self.settings
        assert settings.telegram_token is not None
        bot = alert_bot(settings.telegram_token, settings.telegram_api_base_url)
        relay = Relay(
            self.database,
            TelegramAlertSender(bot),
            settings.protection_chat_id,
            settings.protection_fallback_chat_id,
            group_per_minute=LIMITS.per_group_per_minute,  # bursts are summarised
        )
        timers = Timers(
            self.database,
            reminder_after=_per_urgency(settings.reminder_minutes),
            fallback_after=_per_urgency(settings.fallback_minutes),
            retention=timedelta(days=settings.excerpt_retention_days),
        )
        return self._attach(EscalationLane(relay, bot, timers=timers))

    def _attach(self, lane: EscalationLane) -> EscalationLane:
        self.engine.on_case_opened = lane.wake  # an alert leaves as soon as it is committed
        self.engine.on_alert_unrecorded = lane.alert_unrecorded  # and one not committed, too
        return lane


def _per_urgency(minutes: tuple[int, int]) -> dict[str, timedelta]:
    emergency, high = minutes
    return {"emergency": timedelta(minutes=emergency), "high": timedelta(minutes=high)}


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
    return Runtime(settings, database, pseudonymize, engine)


def engine_for(
    assistant: Assistant,
    database: Database,
    campaigns: CampaignRegistry | None = None,
    responsible: tuple[str | None, str | None] = (None, None),
) -> Engine:
    """The engine as it runs: triage and cases, then its flows in order (the consent gate,
    campaigns and their surveys, the results a child asked for, lessons, news
    subscriptions), the Rasa assistant;
    `responsible` names the organisation and its contact in the privacy notice."""
    campaigns = campaigns if campaigns is not None else CampaignRegistry(database)

    def scope(campaign_id: str) -> Scope | None:
        return Scope() if campaign_id == GENERAL else campaigns.scope(campaign_id)

    consent = ConsentFlow(database, scopes=scope)
    counted = Surveys(database)
    surveys = SurveyFlow(counted, consent)
    requests = ResultsRequests(database)
    choice = CampaignChoice(consent, campaigns, surveys)
    return Engine(
        assistant,
        Cases(database),
        consent=ConsentGate(consent, then=choice.after_consent),
        flows=[
            surveys,
            choice,
            FeedbackFlow(requests, counted),
            LessonsFlow(Lessons(load_lessons()), band=consent.reading_band),
            NewsFlow(Outreach(database), also=(requests.withdraw,)),
        ],
        responsible=responsible,
    )
