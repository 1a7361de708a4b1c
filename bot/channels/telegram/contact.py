"""Officer ↔ child messaging for an open case, through the bot.

An officer writes to a child by replying, in the protection chat, to one of the bot's cards
for the case; the text goes to the child's chat only if the child agreed to be contacted
and the case is still open. The child's own messages in such a case go the other way, as
outbox cards (see `Cases.forward`). The officer's words are relayed, never stored. Each
comes with a button that lets the child end the contact; when an officer closes the case,
the child is told once.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable

from telegram import Bot, Update
from telegram.error import Forbidden, TelegramError
from telegram.ext import ContextTypes, MessageHandler, filters

from bot.channels.base import UnknownChannel
from bot.channels.telegram.address import chat_id
from bot.channels.telegram.handlers import BotApplication, markup
from bot.escalation import Cases
from bot.i18n import N_, _, _s
from bot.privacy import Pseudonymizer
from bot.triage import answers

logger = logging.getLogger(__name__)

CASE_NUMBER = re.compile(r"\bVS-(\d{6,12})\b")
# The child reads these: the children's catalog, always Spanish.
FROM_OFFICER = _("👤 Persona de protección:") + "\n"
CASE_CLOSED = (
    _(
        "La persona de protección cerró su caso. Ya no le va a escribir aquí: el bot borró "
        "cómo escribirle. Si necesita ayuda otra vez, escriba AYUDA."
    )
    + "\n"
    + answers.HELPLINES
)
# The officer reads these: the staff catalog (STAFF_LANGUAGE), translated when sent.
SENT = N_("✓ Enviado a la persona del caso {case}.")
NO_CONTACT = N_(
    "No se envió: en el caso {case} la persona no pidió que le escribieran, o el caso ya "
    "está cerrado."
)
BLOCKED = N_("No se pudo entregar: la persona del caso {case} bloqueó el bot o cerró el chat.")
FAILED = N_("No se pudo entregar ahora al caso {case}. Intente de nuevo en un momento.")
NOT_ALLOWED = N_("No autorizado: solo las personas de protección de la lista pueden escribir.")
# A reply to a burst's summary card (bot.escalation.relay), which lists many cases: which
# child was meant cannot be known, so nothing is sent.
MANY_CASES = N_(
    "No se envió: ese mensaje es un resumen de varios casos. Responda a la tarjeta del caso."
)
OTHER_CHANNEL = N_(
    "No se envió: la persona del caso {case} escribe por un canal al que este bot no puede "
    "escribir desde aquí."
)


class ContactRelay:
    def __init__(
        self,
        cases: Cases,
        pseudonymize: Pseudonymizer,
        protection_chats: Callable[[], set[int]],
        officer_ids: frozenset[int],
    ) -> None:
        self.cases = cases
        self.pseudonymize = pseudonymize
        self.protection_chats = protection_chats
        self.officer_ids = officer_ids

    async def on_reply(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        chat = update.effective_chat
        user = update.effective_user
        if message is None or chat is None or user is None or not message.text:
            return
        replied = message.reply_to_message
        if replied is None or replied.from_user is None or replied.from_user.id != context.bot.id:
            return  # officers talking among themselves
        match = CASE_NUMBER.search(replied.text or "")
        if match is None or chat.id not in self.protection_chats():
            return
        case_number = match.group(0)
        if user.id not in self.officer_ids:  # empty: nobody (settings require the list)
            await message.reply_text(_s(NOT_ALLOWED))
            return
        if len(set(CASE_NUMBER.findall(replied.text or ""))) > 1:
            await message.reply_text(_s(MANY_CASES))
            return
        contact = self.cases.contact(int(match.group(1)))
        if contact is None:
            await message.reply_text(_s(NO_CONTACT).format(case=case_number))
            return
        try:
            child = child_chat(contact.address)
        except (UnknownChannel, ValueError):
            logger.error("%s: the child's address is not a Telegram chat; not sent", case_number)
            await message.reply_text(_s(OTHER_CHANNEL).format(case=case_number))
            return
        try:
            await context.bot.send_message(
                child,
                FROM_OFFICER + message.text,
                reply_markup=markup(answers.stop_contact_button(contact.case_id)),
            )
        except Forbidden:
            await message.reply_text(_s(BLOCKED).format(case=case_number))
            return
        except TelegramError as error:
            logger.warning(
                "%s: officer message not delivered (%s)", case_number, type(error).__name__
            )
            await message.reply_text(_s(FAILED).format(case=case_number))
            return
        self.cases.record_officer_message(contact.case_id, self.pseudonymize("telegram", user.id))
        await message.reply_text(_s(SENT).format(case=case_number))


def child_chat(address: str) -> int:
    """The Telegram chat of a child's address. Officers work on Telegram, so today only a
    Telegram address can be written to from here: another channel's raises `UnknownChannel`
    (the officer is told, nothing crashes), a malformed one ValueError."""
    return chat_id(address)


async def tell_child_case_closed(bot: Bot, address: str, case_number: str) -> None:
    """Once, when an officer closes a case the child agreed to be contacted in: nobody will
    write any more. Best effort: the address is already deleted, so there is no retry."""
    try:
        chat = child_chat(address)
    except (UnknownChannel, ValueError):
        logger.error("%s: the child's address is not a Telegram chat; not told", case_number)
        return
    try:
        await bot.send_message(chat, CASE_CLOSED)
    except TelegramError as error:
        logger.warning("%s: child not told of the closing (%s)", case_number, type(error).__name__)


def register_contact_handlers(application: BotApplication, relay: ContactRelay) -> None:
    application.add_handler(
        MessageHandler(
            filters.ChatType.GROUPS & filters.REPLY & filters.TEXT & ~filters.COMMAND,
            relay.on_reply,
        )
    )
