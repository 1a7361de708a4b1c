"""The officers' buttons on alert cards: Tomar caso, Resolver, Falsa alarma.

A press is accepted only when it comes from a card in the protection chat (the configured
PROTECTION_CHAT_ID, or the id Telegram migrated it to) and, when OFFICER_IDS is set, from
one of those users. Callback data comes from the client, so it is parsed strictly; a press
that fails any check is answered "No autorizado" and changes nothing but the audit log.

An accepted press is answered briefly and the pressed card is edited: its status line shows
what happened, and only the buttons that still make sense stay (after "take": Resolver and
Falsa alarma; after resolve or false alarm: none). A refused press on an existing case also
brings the pressed card up to date, so stale buttons disappear.

The officer is known to the rest of the system only by pseudonym. Nothing here logs an id,
the callback data or card text.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Callable
from typing import cast

from telegram import Bot, CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest, TelegramError
from telegram.ext import Application, CallbackQueryHandler, ContextTypes

from bot.escalation.cards import Buttons, buttons_for_status
from bot.escalation.officers import Action, ActionResult, Officers, status_prefixes
from bot.i18n import N_, _s
from bot.telegram.contact import tell_child_case_closed

logger = logging.getLogger(__name__)

# For the handler (re.match); `DATA` below is what is trusted (fullmatch: no trailing "\n").
CALLBACK_PATTERN = r"^e:(take|resolve|false):[1-9][0-9]{0,11}$"
DATA = re.compile(r"e:(take|resolve|false):([1-9][0-9]{0,11})")
ANY_CARD_DATA = r"^e:"  # every card button; what is not well formed is refused
NOT_ALLOWED = N_("No autorizado")
TROUBLE = N_("No se pudo registrar. Intente de nuevo en un momento.")
OFFICER_GROUP = 0  # with the children's handlers, which never match "e:" data


def with_status(text: str, line: str) -> str:
    """The card's text with `line` as its status line, replacing one added before."""
    lines = text.split("\n")
    prefixes = status_prefixes()
    while lines and (not lines[-1].strip() or lines[-1].startswith(prefixes)):
        lines.pop()
    if line:
        lines += ["", line]
    return "\n".join(lines)


def _markup(buttons: Buttons) -> InlineKeyboardMarkup | None:
    if not buttons:
        return None  # an edit without reply_markup removes the inline keyboard
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(label, callback_data=data) for label, data in row]
            for row in buttons
        ]
    )


class OfficerHandlers:
    def __init__(
        self,
        officers: Officers,
        pseudonymize: Callable[[str, int], str],
        officer_chats: Callable[[], set[int]],
        officer_ids: frozenset[int],
    ) -> None:
        self.officers = officers
        self.pseudonymize = pseudonymize
        self.officer_chats = officer_chats  # may read the database
        self.officer_ids = officer_ids

    async def on_press(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        if query is None:
            return
        match = DATA.fullmatch(query.data or "")
        if match is None:
            await self.on_forged(update, context)
            return
        action, case_id = cast(Action, match.group(1)), int(match.group(2))
        try:
            presser = self.pseudonymize("telegram", query.from_user.id)
            if not await self._allowed(query):
                known = await asyncio.to_thread(
                    self.officers.record_unauthorized, case_id, action, presser
                )
                logger.warning(
                    "refused a card button press from outside the protection chat or the "
                    "officer list%s",
                    " (audited)" if known else "",
                )
                await _answer(query, _s(NOT_ALLOWED), alert=True)
                return
            result = await asyncio.to_thread(self.officers.act, case_id, action, presser)
        except Exception as error:  # noqa: BLE001 - tell the officer; nothing was recorded
            logger.error("could not handle a card button press (%s)", type(error).__name__)
            await _answer(query, _s(TROUBLE), alert=True)
            return
        if not result.exists:
            logger.warning("refused a card button press for a case that does not exist")
            await _answer(query, _s(NOT_ALLOWED), alert=True)
            return
        if result.accepted:
            logger.info("%s: %s by an officer", result.case_number, result.status)
        else:
            logger.info("%s: %s refused (%s)", result.case_number, action, result.reason)
        await _answer(query, result.answer, alert=not result.accepted)
        await self._refresh(context.bot, query, result)
        if result.closed_contact is not None:
            await tell_child_case_closed(context.bot, result.closed_contact, result.case_number)

    async def on_forged(self, update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        """Card-like data that is not well formed: nobody's button made it."""
        query = update.callback_query
        if query is None:
            return
        logger.warning("refused a card button press with malformed data")
        await _answer(query, _s(NOT_ALLOWED), alert=True)

    async def _allowed(self, query: CallbackQuery) -> bool:
        if query.message is None:  # inline-mode messages are not cards
            return False
        if self.officer_ids and query.from_user.id not in self.officer_ids:
            return False
        chats = await asyncio.to_thread(self.officer_chats)
        return query.message.chat.id in chats

    async def _refresh(self, bot: Bot, query: CallbackQuery, result: ActionResult) -> None:
        message = query.message
        if message is None:
            return
        markup = _markup(buttons_for_status(result.case_id, result.status))
        try:
            if isinstance(message, Message) and message.text:
                await bot.edit_message_text(
                    with_status(message.text, result.status_line),
                    chat_id=message.chat.id,
                    message_id=message.message_id,
                    reply_markup=markup,
                )
            else:  # too old to be shown to the bot: the buttons at least
                await bot.edit_message_reply_markup(
                    chat_id=message.chat.id, message_id=message.message_id, reply_markup=markup
                )
        except BadRequest as error:
            if "not modified" not in str(error).lower():
                logger.warning("%s: card not updated (BadRequest)", result.case_number)
        except TelegramError as error:
            logger.warning("%s: card not updated (%s)", result.case_number, type(error).__name__)


async def _answer(query: CallbackQuery, text: str, alert: bool) -> None:
    try:
        await query.answer(text, show_alert=alert)
    except TelegramError as error:  # e.g. the query is too old; the action stands
        logger.warning("could not answer a card button press (%s)", type(error).__name__)


def register_officer_handlers(application: Application, handlers: OfficerHandlers) -> None:
    """Card buttons, in the children's handler group: the children's catch-all button
    handler refuses "e:" data, so these see every card press whatever the order."""
    application.add_handler(
        CallbackQueryHandler(handlers.on_press, pattern=CALLBACK_PATTERN), group=OFFICER_GROUP
    )
    application.add_handler(
        CallbackQueryHandler(handlers.on_forged, pattern=ANY_CARD_DATA), group=OFFICER_GROUP
    )
