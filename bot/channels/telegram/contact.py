"""Officer ↔ child messaging for an open case, through the bot.

An officer writes to a child by replying, in the protection chat, to one of the bot's cards
for the case; the text goes to the child's chat only if the child agreed to be contacted
and the case is still open. The child's own messages in such a case go the other way, as
outbox cards (see `Cases.forward`). The officer's words are relayed, never stored. Each
comes with a button that lets the child end the contact; when an officer closes the case,
the child is told once.

Officers work on Telegram, but the child is reached through `Channels`, by the stored
address, on whatever channel the child wrote from. A child on a channel not running in this
process cannot be written to: the officer is told so, nothing crashes.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable

from telegram import Update
from telegram.ext import ContextTypes, MessageHandler, filters

from bot.channels.base import Address, Channels, UnknownChannel
from bot.channels.delivery import DeliveryError, Refused
from bot.channels.telegram.handlers import BotApplication
from bot.escalation import Cases
from bot.events import Reply
from bot.helplines import AUDIENCE_OF_TEXTS, Helplines
from bot.i18n import N_, _, _s
from bot.privacy import Pseudonymizer
from bot.triage import answers
from consent.bands import load_bands

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


def case_closed(helplines: Helplines | None = None, age_band: str | None = None) -> str:
    """CASE_CLOSED with the help services for any topic and the age band the case recorded
    (consent/bands.yml). A case without one, or with a band the file no longer lists, gets
    the youngest's: in doubt, the younger status applies (bot.helplines)."""
    band = load_bands().get(age_band) if age_band is not None else None
    audience = AUDIENCE_OF_TEXTS[band.texts] if band is not None else None
    return (helplines or Helplines.load()).fill(CASE_CLOSED, audience=audience)


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
        channels: Channels,
    ) -> None:
        self.channels = channels
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
        words = Reply(FROM_OFFICER + message.text, answers.stop_contact_button(contact.case_id))
        try:
            await self.channels.send(Address(contact.address), words)
        except (UnknownChannel, ValueError):
            logger.error("%s: no running channel can reach the child; not sent", case_number)
            await message.reply_text(_s(OTHER_CHANNEL).format(case=case_number))
            return
        except Refused:
            await message.reply_text(_s(BLOCKED).format(case=case_number))
            return
        except DeliveryError as error:
            logger.warning("%s: officer message not delivered (%s)", case_number, error.describe())
            await message.reply_text(_s(FAILED).format(case=case_number))
            return
        self.cases.record_officer_message(contact.case_id, self.pseudonymize("telegram", user.id))
        await message.reply_text(_s(SENT).format(case=case_number))


async def tell_child_case_closed(
    channels: Channels, address: str, case_number: str, age_band: str | None = None
) -> None:
    """Once, when an officer closes a case the child agreed to be contacted in: nobody will
    write any more, with the services for the case's `age_band`. Best effort: the address
    is already deleted, so there is no retry."""
    try:
        await channels.send(Address(address), Reply(case_closed(age_band=age_band)))
    except (UnknownChannel, ValueError):
        logger.error("%s: no running channel can reach the child; not told", case_number)
    except DeliveryError as error:
        logger.warning("%s: child not told of the closing (%s)", case_number, error.describe())


def register_contact_handlers(application: BotApplication, relay: ContactRelay) -> None:
    application.add_handler(
        MessageHandler(
            filters.ChatType.GROUPS & filters.REPLY & filters.TEXT & ~filters.COMMAND,
            relay.on_reply,
        )
    )
