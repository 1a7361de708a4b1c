"""The conversation engine: one inbound event in, the replies out.

It knows nothing of Telegram or terminals. Adapters turn what they receive into an
`Inbound` (keyed by a pseudonym, never a raw id) and render the `Reply` list it returns.
The order of work for each event is fixed by the safety design, and is the engine's own:
  1. safety triage of free text (escalation; the "Necesito ayuda" button; the child's
     answers about a case, bot.flows.cases),
  2. an open case the child agreed to be contacted in: their words go to its officer,
  3. the consent gate (a typed workshop code; consent.gate),
  4. the active flow (a survey waiting for a button shows its question again),
  5. otherwise the Rasa assistant (chat, awareness, FAQ), unless the child is sending more
     than `bot.flood` allows: then one kind answer, and no assistant, for the excess.
Where an answer gives help services (the placeholder bot.helplines.SERVICES, in a Rasa
response, a lesson or the answer to a disclosure), the engine fills it from the referral
directory: for what the answer is about (the intent, or the category triage found), the
child's age band, and the place the child named in the message being answered, if any.
The child's band words everything that has words for a band; a child whose band is not
known reads the youngest band's words (in doubt, the younger status applies).
A disclosure goes to the child's open case if they have one (Cases.file): one open case per
child, however many messages or edits disclose.
Everything else is a flow (bot.flows), found in an ordered registry: a button goes to the
flow whose prefix it carries, a command or an assistant intent to the flow that claims it.
/salir makes every flow forget the person; /borrar makes every flow erase them, then
unlinks their cases (the one holder with messages of its own) and the assistant forgets.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import Protocol

from bot.escalation import Cases, Disclosure
from bot.events import Button, Inbound, Kind, Parse, Reply
from bot.flood import SLOW_DOWN, MessageRate, Pace
from bot.flows import Codec, Flow, Flows, Turn
from bot.flows.cases import CaseAnswers, MiddleAnswers
from bot.helplines import AUDIENCE_OF_TEXTS, GENERAL, Helplines, topic_of_category, topic_of_intent
from bot.i18n import _
from bot.logs import describe
from bot.referrals import SERVICES
from bot.storage import Escalation
from bot.triage import Triage, Verdict, answers, pieces
from bot.understanding import foreground
from consent import ConsentFlow
from consent.gate import ConsentGate
from consent.notice import notice

logger = logging.getLogger(__name__)


class Assistant(Protocol):
    """What the engine needs from the Rasa layer (bot.agent.RasaAssistant)."""

    intents: frozenset[str]

    async def parse(self, text: str) -> Parse: ...

    async def respond(self, user: str, intent: str, band: str | None = None) -> list[Reply]: ...

    async def forget(self, user: str) -> None: ...


# Commands the engine answers itself, mapped to the Rasa intents that answer them; /start
# is the consent gate's when there is one. Flows add their own (bot.flows).
COMMAND_INTENTS = {
    "start": "saludar",
    "ayuda": "ver_ayuda",
    "salir": "salir",
}
ENGINE_COMMANDS = ("ayuda", "salir", "borrar", "privacidad")
# Rasa buttons carry "r:<intent>"; anything else that claims to be one is forged or stale.
ASSISTANT_BUTTONS = Codec("r", r"[a-z_]{1,60}")
# The tables with a person key the engine itself clears on /borrar: Cases.unlink keeps each
# case for its officer, but neither the pseudonym nor the chat id (docs/dpia.md).
ERASES = frozenset({Escalation.__tablename__})

NOT_TEXT = _(
    "Gracias por escribir. 💬 Por ahora solo puedo leer mensajes de texto. "
    "¿Me lo puede contar con palabras?\n"
    "Si necesita ayuda, escriba AYUDA en cualquier momento."
)
EDITED = _(
    "Vi que cambió un mensaje. Yo leo los mensajes nuevos: si quiere, escríbalo otra vez. 💬"
)
# What the commands the engine answers itself are for, in the order the answer to an
# unknown command lists them; /start is the consent gate's when there is one, described
# where it is (the gate's `usage` takes this line's place). Flows add theirs after these.
ENGINE_USAGE = {
    "start": _("para empezar"),
    "ayuda": _("para ver qué puedo hacer"),
    "salir": _("para terminar"),
    "borrar": _("para borrar sus datos"),
    "privacidad": _("para saber qué se guarda"),
}
# {commands}: one line per command, "/<command> <what it is for>" (Engine.unknown_command).
UNKNOWN_COMMAND = _("No conozco ese comando. Puede usar:\n{commands}")
ERASED = _(
    "Listo. Borré lo que este bot guardaba sobre usted (registros borrados: {count}): si "
    "aceptó participar en consultas, dónde iba en ellas, la edad que eligió y si pidió "
    "mensajes con /noticias.\n"
    "Lo que no se puede borrar: los totales de las consultas que ya respondió, porque no "
    "dicen quién respondió. Tampoco un código secreto, sin su nombre, que solo dice que ya "
    "contestó una consulta: así nadie la contesta dos veces. Se borra después de que la "
    "consulta termina.\n"
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
        consent: ConsentGate | ConsentFlow | None = None,
        flows: Iterable[Flow] = (),
        responsible: tuple[str | None, str | None] = (None, None),
        rate: MessageRate | None = None,
        helplines: Helplines | None = None,
    ) -> None:
        """`consent` is the gate (a bare ConsentFlow gets one that shows the menu after
        it); `flows` are the features after it, in order (bot.runtime.engine_for);
        `helplines` gives the help services (default: content/referrals.yml)."""
        self.assistant = assistant
        self.helplines = helplines if helplines is not None else Helplines.load()
        self.responsible = responsible  # the organisation and its contact, for /privacidad
        self.cases = cases
        self.rate = rate if rate is not None else MessageRate()
        self.consent = ConsentGate(consent) if isinstance(consent, ConsentFlow) else consent
        own: list[Flow] = (
            [MiddleAnswers()] if cases is None else [CaseAnswers(cases), MiddleAnswers()]
        )
        gate: list[Flow] = [] if self.consent is None else [self.consent]
        self.flows = Flows(
            [*own, *gate, *flows],
            reserved_prefixes=(ASSISTANT_BUTTONS.prefix,),
            reserved_commands=ENGINE_COMMANDS,
        )
        self.unknown_command = UNKNOWN_COMMAND.format(commands=self._command_lines())
        self.on_case_opened = on_case_opened  # wakes the relay, so an alert leaves at once
        # Called with (urgency, category) when a case could not be recorded: the lane sends
        # a minimal card straight to the protection chat (bot.escalation.relay).
        self.on_alert_unrecorded: Callable[[str, str], None] = lambda _urgency, _category: None
        # The triage model travels with the Rasa model it was trained with (bot.agent); a
        # test's fake assistant has none, and triage then reads the Rasa intents.
        self.triage = Triage.of(assistant)

    async def handle(self, event: Inbound) -> list[Reply]:
        if len(event.text) > pieces.CAP:
            return await self._handle(event)
        # Long messages' understanding gives way to this one while it is in flight
        # (bot/understanding.py), so that no child waits behind another's long messages.
        with foreground():
            return await self._handle(event)

    async def _handle(self, event: Inbound) -> list[Reply]:
        if event.kind is Kind.UNSUPPORTED and not event.text.strip():
            return [Reply(NOT_TEXT)]
        if event.kind is Kind.COMMAND:
            replies = await self._command(event)
        elif event.kind is Kind.BUTTON:
            replies = await self._button(event)
        else:
            replies = await self._text(event)
        # What is not about one topic (a lesson, the answers about a case) gives the
        # services for any topic; answers about one were filled where the topic is known.
        return self._with_services(replies, event, GENERAL)

    def _with_services(self, replies: list[Reply], event: Inbound, topic: str) -> list[Reply]:
        """`replies` with the help services filled in where a text asks for them."""
        if not any(SERVICES in reply.text for reply in replies):
            return replies
        audience = self._audience(event.user)
        said = event.text if event.kind in (Kind.TEXT, Kind.EDITED, Kind.UNSUPPORTED) else ""
        return [
            replace(reply, text=self.helplines.fill(reply.text, topic, audience, said))
            for reply in replies
        ]

    async def _respond(self, event: Inbound, intent: str) -> list[Reply]:
        """The assistant's answer to `intent`, in the words of the child's band, with the
        help services for what the intent is about."""
        replies = await self.assistant.respond(event.user, intent, self._band(event.user))
        return self._with_services(replies, event, topic_of_intent(intent))

    def _turn(self, event: Inbound) -> Turn:
        return Turn(
            event,
            menu=lambda: self._respond(event, "ver_menu"),
            escalate=lambda verdict, excerpt: self._escalate(event, verdict, excerpt),
            wake=lambda: self.on_case_opened(),  # read when called: the lane sets it later
        )

    async def _command(self, event: Inbound) -> list[Reply]:
        command = event.text.lower()
        if command == "borrar":
            return await self._erase(event.user)
        if command == "privacidad":
            return [Reply("\n\n".join(self._privacy_notice(event.user)))]
        flow = self.flows.for_command(command)
        if flow is not None:
            return await flow.command(self._turn(event))
        if command not in COMMAND_INTENTS:
            return [Reply(self.unknown_command)]
        if command == "salir":  # nothing partial is kept: no half consent, no half survey
            for flow in self.flows:
                flow.forget(event.user)
        return await self._respond(event, COMMAND_INTENTS[command])

    def _command_lines(self) -> str:
        """Every command a child can use, one line each: the engine's, then each flow's in
        the registry's order (a flow's line for a command the engine also describes, /start,
        takes the engine's place)."""
        usage = dict(ENGINE_USAGE)
        for flow in self.flows:
            usage.update(flow.usage)
        return "\n".join(f"/{command} {text}" for command, text in usage.items())

    def _privacy_notice(self, user: str) -> list[str]:
        """/privacidad: the notice in the words of the child's band; a child whose band is
        not known reads the youngest band's words (in doubt, the younger status applies)."""
        return notice(self._texts(user), *self.responsible)

    def _texts(self, user: str) -> str:
        """The wording the child's band reads (consent/bands.yml `texts`); the youngest's,
        "nino", when the band is not known."""
        if self.consent is not None:
            consent = self.consent.consent
            try:
                band = consent.bands.get(consent.reading_band(user) or "")
            except Exception as error:  # noqa: BLE001 - storage down: a disclosure is still answered
                logger.error("could not read a child's band: %s", describe(error))
                band = None
            if band is not None:
                return band.texts
        return "nino"

    def _audience(self, user: str) -> str:
        """Who the child is for the referral directory: their band's audience."""
        return AUDIENCE_OF_TEXTS[self._texts(user)]

    async def _erase(self, user: str) -> list[Reply]:
        """/borrar: every flow erases what it keeps of the person, their cases are unlinked,
        and the assistant forgets them. Each eraser is one transaction: a failure is told,
        and /borrar again finishes the rest."""
        try:
            count = 0
            for flow in self.flows:
                count += flow.erase(user)
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
        turn = self._turn(event)
        flow = self.flows.for_button(event.text)
        if flow is not None:
            replies = await flow.press(turn)
            if replies is None:
                logger.info("refused a %s button that is forged or stale", flow.name)
                return [Reply(STALE_BUTTON)]
            return replies
        fields = ASSISTANT_BUTTONS.parse(event.text)
        if fields is None:
            logger.info("refused a button with unknown data")
            return [Reply(STALE_BUTTON)]
        intent = fields[0]
        claimed = self.flows.for_intent(intent)
        if claimed is not None:
            return await claimed.answer(turn, intent)
        if intent == "pedir_ayuda":
            # Pressing "Necesito ayuda" is asking for a person: the same path as the word AYUDA.
            verdict = Verdict(True, "high", "help_request", "self")
            return self._escalate(event, verdict, "[botón «Necesito ayuda»]")
        if intent not in self.assistant.intents:
            logger.info("refused a button with unknown data")
            return [Reply(STALE_BUTTON)]
        return await self._respond(event, intent)

    async def _text(self, event: Inbound) -> list[Reply]:
        # A leading "/" would make Rasa read the text as an intent name: never let a child's
        # text choose an intent directly.
        text = event.text.lstrip("/").strip()
        if not text:
            return [Reply(NOT_TEXT)]
        pace = self.rate.note(event.user)  # counted before anything, edits too
        try:
            parse: Parse | None = await self.assistant.parse(text)
        except Exception as error:  # noqa: BLE001 - triage must still run if Rasa fails
            logger.error("NLU parse failed; triaging without the Rasa intents: %s", describe(error))
            parse = None
        verdict = await self.triage.assess_async(text, parse)  # off the event loop
        case_id = self._contact_case(event.user)
        if case_id is not None:
            # An officer is already on this child's case: everything goes to them through the
            # same outbox as alerts, rather than opening new cases; danger now still gets 911.
            forwarded = self._forward(case_id, text, verdict.urgency if verdict.escalate else None)
            if verdict.escalate and verdict.urgency == "emergency":
                return [Reply(answers.EMERGENCY), *forwarded]
            return forwarded
        # Words under a photo or in a poll get the kind answer about the media first, then
        # what triage does with the same words sent as a text (no assistant answer).
        media = event.kind is Kind.UNSUPPORTED
        if verdict.escalate:  # a flood never holds back a disclosure
            replies = self._escalate(event, verdict, text)
        else:
            if pace is not Pace.OK:
                replies = [Reply(SLOW_DOWN)] if pace is Pace.SLOW_DOWN else []
            else:
                replies = [] if media else await self._answer(event, text, parse)
            if verdict.ask:
                replies = [*replies, answers.middle_question(verdict.category)]
        return [Reply(NOT_TEXT), *replies] if media else replies

    async def _answer(self, event: Inbound, text: str, parse: Parse | None) -> list[Reply]:
        """The answer to a message that alerted nobody: the consent gate, the active flow,
        the flow that claims the intent, or the assistant."""
        if event.kind is Kind.EDITED:
            return [Reply(EDITED)]
        turn = self._turn(event)
        if self.consent is not None:
            replies = await self.consent.code(turn, text)
            if replies is not None:
                return replies
        for flow in self.flows:
            reminder = flow.remind(event.user)
            if reminder is not None:
                return reminder
        if parse is None:
            return [Reply(answers.TROUBLE)]
        claimed = self.flows.for_intent(parse.intent)
        if claimed is not None:
            return await claimed.answer(turn, parse.intent)
        return await self._respond(event, parse.intent)

    def _band(self, user: str) -> str | None:
        """The band whose words the child reads (consent.ConsentFlow.reading_band): theirs,
        else the youngest's; lessons, quizzes and FAQ answers have words for a band."""
        return self.consent.consent.reading_band(user) if self.consent is not None else None

    def _escalate(self, event: Inbound, verdict: Verdict, excerpt: str) -> list[Reply]:
        """Commit the case and its alert (or the update of the child's open case), then
        answer the child; the answer never waits on delivery to the officers, and never fails
        because storage did. A later disclosure gets the same answer as a first one, without
        the contact question if the child already answered it (Cases.file)."""
        case_id = None
        ask_contact = True
        if self.cases is not None:
            try:
                disclosure = Disclosure(verdict.urgency, verdict.category, verdict.subject)
                filed = self.cases.file(event.user, disclosure, excerpt)
                case_id, ask_contact = filed.case_id, filed.ask_contact
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
        can_contact = event.address is not None and ask_contact
        replies = answers.replies(verdict, case_id, can_contact=can_contact)
        return self._with_services(replies, event, topic_of_category(verdict.category))

    def _contact_case(self, user: str) -> int | None:
        if self.cases is None:
            return None
        try:
            return self.cases.contact_case(user)
        except Exception as error:  # noqa: BLE001 - storage down: answer as in any other chat
            logger.error("could not look up an open case: %s", describe(error))
            return None

    def _forward(self, case_id: int, text: str, urgency: str | None) -> list[Reply]:
        """In an open case where the child agreed to be contacted, their words go to the
        officer (through the outbox) instead of to the assistant; an emergency in them
        raises the case (Cases.forward)."""
        assert self.cases is not None
        try:
            self.cases.forward(case_id, text, urgency)
        except Exception as error:  # noqa: BLE001 - tell the child, and give them the helplines
            logger.error("could not queue a message for an officer: %s", describe(error))
            return [Reply(answers.NOT_FORWARDED)]
        self.on_case_opened()
        return [Reply(answers.FORWARDED)]
