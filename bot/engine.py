"""The conversation engine: one inbound event in, the replies out.

It knows nothing of Telegram or terminals. Adapters turn what they receive into an
`Inbound` (keyed by a pseudonym, never a raw id) and render the `Reply` list it returns.
The order of work for each event is fixed by the safety design:
  1. safety triage of free text (escalation; in an open case the child agreed to be
     contacted in, their words go to the officer of that case instead),
  2. the consent gate (workshop codes, assent),
  3. an active survey,
  4. otherwise the Rasa assistant (chat, awareness, FAQ).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Protocol

from bot.awareness import outreach
from bot.awareness.lessons import Lessons
from bot.awareness.outreach import Outreach
from bot.campaigns.model import Campaign
from bot.campaigns.survey import CHOOSE, NONE_OPEN, Step, Surveys
from bot.escalation import Cases, Disclosure
from bot.events import Button, Inbound, Kind, Parse, Reply
from bot.i18n import _
from bot.logs import describe
from bot.triage import CATEGORY_NAMES, Triage, Verdict, answers
from consent import GENERAL, ConsentFlow, Outcome
from consent.notice import notice

logger = logging.getLogger(__name__)


class Assistant(Protocol):
    """What the engine needs from the Rasa layer (bot.agent.RasaAssistant)."""

    intents: frozenset[str]

    async def parse(self, text: str) -> Parse: ...

    async def respond(self, user: str, intent: str) -> list[Reply]: ...

    async def forget(self, user: str) -> None: ...


class Campaigns(Protocol):
    """Which campaigns children can take part in now (bot.campaigns.launch.CampaignRegistry)."""

    def live(self, campaign_id: str) -> Campaign | None: ...

    def open_campaigns(self) -> list[Campaign]: ...


# Telegram commands mapped to the Rasa intents that answer them.
COMMAND_INTENTS = {
    "start": "saludar",
    "ayuda": "ver_ayuda",
    "salir": "salir",
}
COMMANDS = (*COMMAND_INTENTS, "borrar", "privacidad", "noticias", "baja")

# Rasa buttons carry "r:<intent>"; anything else that claims to be one is forged or stale.
RASA_BUTTON = re.compile(r"r:([a-z_]{1,60})")
# A choice among open campaigns: "p:<campaign id>".
CAMPAIGN_BUTTON = re.compile(r"p:([a-z0-9][a-z0-9-]{1,40})")
CLOSED = _("Esa consulta ya no está abierta. ¡Gracias por su interés!")
# The child's answers after a disclosure, "t:<answer>:<case>": to "¿Entendí bien?" (yes, no)
# and to "¿Quiere que una persona de protección le escriba aquí?" (contact, nocontact).
TRIAGE_BUTTON = re.compile(r"t:(yes|no|contact|nocontact):([1-9][0-9]{0,11})")
# The answer to the middle question "¿Le está pasando a usted o a alguien que conoce?",
# "q:<me|other|no>:<category>": the category is triage's guess, for the case a yes opens.
MIDDLE_BUTTON = re.compile(r"q:(me|other|no):([a-z_]{1,24})")

NOT_TEXT = _(
    "Gracias por escribir. 💬 Por ahora solo puedo leer mensajes de texto. "
    "¿Me lo puede contar con palabras?\n"
    "Si necesita ayuda, escriba AYUDA en cualquier momento."
)
EDITED = _(
    "Vi que cambió un mensaje. Yo leo los mensajes nuevos: si quiere, escríbalo otra vez. 💬"
)
UNKNOWN_COMMAND = _(
    "No conozco ese comando. Puede usar:\n"
    "/start para empezar\n/ayuda para ver qué puedo hacer\n/salir para terminar\n"
    "/borrar para borrar sus datos\n/privacidad para saber qué se guarda\n"
    "/noticias y /baja para recibir o no mensajes"
)
ERASED = _(
    "Listo. Borré lo que este bot guardaba sobre usted (registros borrados: {count}): si "
    "aceptó participar en consultas, dónde iba en ellas y si pidió mensajes con /noticias.\n"
    "Lo que no se puede borrar: los totales de las consultas que ya respondió, porque no "
    "dicen quién respondió.\n"
    "Los mensajes de este chat siguen en su teléfono: el bot no puede borrarlos. Para "
    "borrarlos, en Telegram abra el menú de este chat (los tres puntitos o el nombre del "
    "bot) y toque «Eliminar chat»."
)
ERASED_CASES = _(
    "Su pedido de ayuda sigue con la persona de protección, para que pueda ayudar. Pero ya "
    "no está ligado a usted en este bot."
)
ERASED_CONTACT = _(
    "También borré cómo escribirle: la persona de protección ya no puede escribirle aquí. "
    "Si quiere que le escriban otra vez, escriba AYUDA."
)
ERASE_FAILED = _(
    "Perdón, no pude borrar sus datos ahora. Intente /borrar de nuevo en un momento. "
    "Si algo le preocupa, escriba AYUDA."
)
STALE_BUTTON = _("Ese botón ya no funciona. No pasa nada: escriba /ayuda para ver las opciones.")


__all__ = ["Assistant", "Button", "Engine", "Inbound", "Kind", "Parse", "Reply"]


class Engine:
    def __init__(
        self,
        assistant: Assistant,
        cases: Cases | None = None,
        on_case_opened: Callable[[], None] = lambda: None,
        consent: ConsentFlow | None = None,
        surveys: Surveys | None = None,
        campaigns: Campaigns | None = None,
        lessons: Lessons | None = None,
        outreach: Outreach | None = None,
        responsible: tuple[str | None, str | None] = (None, None),
    ) -> None:
        self.assistant = assistant
        self.responsible = responsible  # the organisation and its contact, for /privacidad
        self.cases = cases
        self.consent = consent
        self.surveys = surveys
        self.campaigns = campaigns
        self.lessons = lessons
        self.outreach = outreach
        self.on_case_opened = on_case_opened  # wakes the relay, so an alert leaves at once
        # Called with (urgency, category) when a case could not be recorded: the lane sends
        # a minimal card straight to the protection chat (bot.escalation.relay).
        self.on_alert_unrecorded: Callable[[str, str], None] = lambda _urgency, _category: None
        # The triage model travels with the Rasa model it was trained with (bot.agent); a
        # test's fake assistant has none, and triage then reads the Rasa intents.
        self.triage = Triage(getattr(assistant, "triage_model", None))

    async def handle(self, event: Inbound) -> list[Reply]:
        if event.kind is Kind.UNSUPPORTED and not event.text.strip():
            return [Reply(NOT_TEXT)]
        if event.kind is Kind.COMMAND:
            return await self._command(event)
        if event.kind is Kind.BUTTON:
            return await self._button(event)
        return await self._text(event)

    async def _command(self, event: Inbound) -> list[Reply]:
        command = event.text.lower()
        if command not in COMMANDS:
            return [Reply(UNKNOWN_COMMAND)]
        if command == "borrar":
            return await self._erase(event.user)
        if command == "privacidad":
            return [Reply("\n\n".join(self._privacy_notice(event.user)))]
        if command in ("noticias", "baja"):
            return [Reply(self._news(event, subscribe=command == "noticias"))]
        if self.consent is not None and command == "start":
            outcome = self.consent.start(event.user, event.argument or GENERAL)
            return await self._after_consent(event.user, outcome)
        if command == "salir":  # nothing partial is kept: no half consent, no half survey
            if self.consent is not None:
                self.consent.stop(event.user)
            if self.surveys is not None:
                self.surveys.abandon(event.user)
            if self.lessons is not None:
                self.lessons.forget(event.user)
        return await self.assistant.respond(event.user, COMMAND_INTENTS[command])

    def _privacy_notice(self, user: str) -> list[str]:
        """/privacidad: the notice in the words of the child's band; a child whose band is
        not known reads the youngest band's words (in doubt, the younger status applies)."""
        variant = "nino"
        if self.consent is not None:
            band = self.consent.bands.get(self.consent.band(user) or "")
            variant = band.texts if band is not None else variant
        return notice(variant, *self.responsible)

    def _news(self, event: Inbound, subscribe: bool) -> str:
        """/noticias and /baja: occasional awareness messages, only to a private chat."""
        if self.outreach is None or (subscribe and event.address is None):
            return outreach.NOT_HERE
        if subscribe:
            assert event.address is not None
            new = self.outreach.subscribe(event.user, event.address)
            return outreach.SUBSCRIBED if new else outreach.ALREADY_SUBSCRIBED
        removed = self.outreach.unsubscribe(event.user)
        return outreach.UNSUBSCRIBED if removed else outreach.NOT_SUBSCRIBED

    async def _menu(self, user: str) -> list[Reply]:
        return await self.assistant.respond(user, "ver_menu")

    async def _after_consent(self, user: str, outcome: Outcome) -> list[Reply]:
        """After assent to a campaign the survey starts at once; else back to the menu."""
        if not outcome.finished:
            return outcome.replies
        if outcome.consented and outcome.campaign not in (None, GENERAL) and outcome.band:
            step = self._start_survey(user, outcome.campaign, outcome.band)
            return await self._after_step(
                user, Step([*outcome.replies, *step.replies], step.finished)
            )
        return [*outcome.replies, *await self._menu(user)]

    def _start_survey(self, user: str, campaign_id: str, band: str) -> Step:
        campaign = self.campaigns.live(campaign_id) if self.campaigns is not None else None
        if campaign is None or self.surveys is None:
            return Step([Reply(CLOSED)], finished=True)
        return self.surveys.start(user, campaign, band)

    async def _after_step(self, user: str, step: Step) -> list[Reply]:
        return [*step.replies, *await self._menu(user)] if step.finished else step.replies

    async def _participate(self, user: str) -> list[Reply]:
        """ "Participar en una consulta": the open campaigns that need no workshop code."""
        open_now = [
            campaign
            for campaign in (self.campaigns.open_campaigns() if self.campaigns else [])
            if not campaign.access_code
        ]
        if not open_now or self.consent is None:
            return [Reply(NONE_OPEN)]
        if len(open_now) == 1:
            return await self._after_consent(user, self.consent.start(user, open_now[0].id))
        buttons = tuple((Button(c.title, f"p:{c.id}"),) for c in open_now)
        return [Reply(CHOOSE, buttons)]

    def _may_record(self, user: str) -> Callable[[str], bool]:
        """Survey answers are counted only under a valid consent receipt."""
        return lambda campaign: (
            self.consent is not None and self.consent.receipt(user, campaign) is not None
        )

    async def _erase(self, user: str) -> list[Reply]:
        """/borrar: every per-person row, and anything the assistant holds for the person."""
        try:
            count = self.consent.erase(user) if self.consent is not None else 0
            count += self.surveys.erase(user) if self.surveys is not None else 0
            count += self.outreach.erase(user) if self.outreach is not None else 0
            if self.lessons is not None:
                self.lessons.forget(user)
            unlinked = self.cases.unlink(user) if self.cases is not None else None
        except Exception as error:  # noqa: BLE001 - say so; nothing was half-done (one transaction each)
            logger.error("could not erase a user's rows: %s", describe(error))
            return [Reply(ERASE_FAILED)]
        await self.assistant.forget(user)
        lines = [ERASED.format(count=count + (unlinked.cases if unlinked else 0))]
        if unlinked and unlinked.cases:
            lines.append(ERASED_CASES)
        if unlinked and unlinked.contacts_ended:
            lines.append(ERASED_CONTACT)
            self.on_case_opened()  # wake the relay: the officers learn it at once
        return [Reply("\n".join(lines))]

    async def _button(self, event: Inbound) -> list[Reply]:
        answer = TRIAGE_BUTTON.fullmatch(event.text)
        if answer is not None:
            return self._case_answer(event, answer.group(1), int(answer.group(2)))
        middle = MIDDLE_BUTTON.fullmatch(event.text)
        if middle is not None and middle.group(2) in CATEGORY_NAMES:
            return self._middle_answer(event, middle.group(1), middle.group(2))
        if event.text.startswith("c:"):
            outcome = self.consent.press(event.user, event.text) if self.consent else None
            if outcome is None:
                logger.info("refused a consent button that is forged or stale")
                return [Reply(STALE_BUTTON)]
            return await self._after_consent(event.user, outcome)
        if event.text.startswith("s:"):
            step = (
                self.surveys.press(event.user, event.text, self._may_record(event.user))
                if self.surveys is not None
                else None
            )
            if step is None:
                logger.info("refused a survey button that is forged or stale")
                return [Reply(STALE_BUTTON)]
            return await self._after_step(event.user, step)
        chosen = CAMPAIGN_BUTTON.fullmatch(event.text)
        if chosen is not None and self.consent is not None:
            outcome = self.consent.start(event.user, chosen.group(1))
            return await self._after_consent(event.user, outcome)
        if event.text == "r:participar":
            return await self._participate(event.user)
        if event.text == "r:aprender" and self.lessons is not None:
            return self.lessons.menu()
        if event.text.startswith("l:") and self.lessons is not None:
            band = self.consent.band(event.user) if self.consent is not None else None
            replies = self.lessons.press(event.user, event.text, band)
            if replies is None:
                logger.info("refused a lesson button that is forged or stale")
                return [Reply(STALE_BUTTON)]
            return replies
        stop = answers.STOP_CONTACT_DATA.fullmatch(event.text)
        if stop is not None:
            return self._case_answer(event, "stop", int(stop.group(1)))
        if event.text == "r:pedir_ayuda":
            # Pressing "Necesito ayuda" is asking for a person: the same path as the word AYUDA.
            verdict = Verdict(True, "high", "help_request", "self")
            return self._escalate(event, verdict, "[botón «Necesito ayuda»]")
        match = RASA_BUTTON.fullmatch(event.text)
        if match is None or match.group(1) not in self.assistant.intents:
            logger.info("refused a button with unknown data")
            return [Reply(STALE_BUTTON)]
        return await self.assistant.respond(event.user, match.group(1))

    async def _text(self, event: Inbound) -> list[Reply]:
        # A leading "/" would make Rasa read the text as an intent name: never let a child's
        # text choose an intent directly.
        text = event.text.lstrip("/").strip()
        if not text:
            return [Reply(NOT_TEXT)]
        try:
            parse: Parse | None = await self.assistant.parse(text)
        except Exception as error:  # noqa: BLE001 - triage must still run if Rasa fails
            logger.error("NLU parse failed; triaging without the Rasa intents: %s", describe(error))
            parse = None
        verdict = self.triage.assess(text, parse)
        case_id = self._contact_case(event.user)
        if case_id is not None:
            # An officer is already on this child's case: everything goes to them through the
            # same outbox as alerts, rather than opening new cases; danger now still gets 911.
            forwarded = self._forward(case_id, text)
            if verdict.escalate and verdict.urgency == "emergency":
                return [Reply(answers.EMERGENCY), *forwarded]
            return forwarded
        # Words under a photo or in a poll get the kind answer about the media first, then
        # what triage does with the same words sent as a text (no assistant answer).
        media = event.kind is Kind.UNSUPPORTED
        if verdict.escalate:
            replies = self._escalate(event, verdict, text)
        else:
            replies = [] if media else await self._answer(event, text, parse)
            if verdict.ask:
                replies = [*replies, answers.middle_question(verdict.category)]
        return [Reply(NOT_TEXT), *replies] if media else replies

    async def _answer(self, event: Inbound, text: str, parse: Parse | None) -> list[Reply]:
        """The answer to a message that alerted nobody: the consent gate, an active survey,
        or the assistant."""
        if event.kind is Kind.EDITED:
            return [Reply(EDITED)]
        if self.consent is not None:
            outcome = self.consent.code(event.user, text)
            if outcome is not None:
                return await self._after_consent(event.user, outcome)
        if self.surveys is not None and self.surveys.active(event.user):
            step = self.surveys.remind(event.user)
            if step is not None:
                return step.replies
        if parse is None:
            return [Reply(answers.TROUBLE)]
        if parse.intent == "participar":
            return await self._participate(event.user)
        if parse.intent == "aprender" and self.lessons is not None:
            return self.lessons.menu()
        return await self.assistant.respond(event.user, parse.intent)

    def _escalate(self, event: Inbound, verdict: Verdict, excerpt: str) -> list[Reply]:
        """Commit the case and its alert, then answer the child; the answer never waits on
        delivery to the officers, and never fails because storage did."""
        case_id = None
        if self.cases is not None:
            try:
                disclosure = Disclosure(verdict.urgency, verdict.category, verdict.subject)
                case_id = self.cases.open(event.user, disclosure, excerpt)
            except Exception as error:  # noqa: BLE001 - the child is answered whatever failed
                # The class only: a database error's text quotes the parameters (the words).
                logger.error(
                    "could not record an escalation (%s): %s %s; sending a minimal card",
                    type(error).__name__,
                    verdict.urgency,
                    verdict.category,
                )
                try:
                    self.on_alert_unrecorded(verdict.urgency, verdict.category)
                except Exception as hook_error:  # noqa: BLE001 - never costs the child's answer
                    logger.error("minimal card not queued (%s)", type(hook_error).__name__)
            else:
                logger.info("escalation recorded: %s %s", verdict.urgency, verdict.category)
                self.on_case_opened()
        return answers.replies(verdict, case_id, can_contact=event.address is not None)

    def _middle_answer(self, event: Inbound, answer: str, category: str) -> list[Reply]:
        """ "Sí" to "¿Le está pasando a usted o a alguien que conoce?" opens a case at once,
        as a disclosure would; "No" changes nothing. The question's message is not stored, so
        the officer's card says what the child answered instead."""
        if answer == "no":
            return [Reply(answers.MIDDLE_NO)]
        subject = "other" if answer == "other" and category != "help_request" else "self"
        verdict = Verdict(True, "high", category, subject)
        excerpt = answers.MIDDLE_EXCERPT_OTHER if subject == "other" else answers.MIDDLE_EXCERPT
        return self._escalate(event, verdict, excerpt)

    def _case_answer(self, event: Inbound, answer: str, case_id: int) -> list[Reply]:
        """The child's answer to a question about their own case; anyone else's press, or a
        press for a closed case, changes nothing."""
        if self.cases is None:
            return [Reply(STALE_BUTTON)]
        if answer in ("yes", "no"):
            accepted = self.cases.confirm(case_id, event.user, understood=answer == "yes")
            reply = answers.CONFIRMED if answer == "yes" else answers.CORRECTED
        elif answer == "contact" and event.address is not None:
            accepted = self.cases.accept_contact(case_id, event.user, event.address)
            reply = answers.CONTACT_ACCEPTED
        elif answer == "nocontact":
            accepted = self.cases.decline_contact(case_id, event.user)
            reply = answers.CONTACT_DECLINED
        elif answer == "stop":
            accepted = self.cases.end_contact(case_id, event.user)
            reply = answers.CONTACT_STOPPED
        else:
            accepted = False
        if not accepted:
            logger.info("refused a case button that is not the sender's or not open")
            return [Reply(STALE_BUTTON)]
        self.on_case_opened()  # wake the relay: the officer learns of the answer now
        if answer == "contact":
            return [Reply(reply, answers.stop_contact_button(case_id))]
        return [Reply(reply)]

    def _contact_case(self, user: str) -> int | None:
        if self.cases is None:
            return None
        try:
            return self.cases.contact_case(user)
        except Exception as error:  # noqa: BLE001 - storage down: answer as in any other chat
            logger.error("could not look up an open case: %s", describe(error))
            return None

    def _forward(self, case_id: int, text: str) -> list[Reply]:
        """In an open case where the child agreed to be contacted, their words go to the
        officer (through the outbox) instead of to the assistant."""
        assert self.cases is not None
        try:
            self.cases.forward(case_id, text)
        except Exception as error:  # noqa: BLE001 - tell the child, and give them the helplines
            logger.error("could not queue a message for an officer: %s", describe(error))
            return [Reply(answers.NOT_FORWARDED)]
        self.on_case_opened()
        return [Reply(answers.FORWARDED)]
