"""The officers' buttons on alert cards: Tomar caso, Resolver, Falsa alarma.

A press is accepted only when it comes from a card in the protection chat (the configured
PROTECTION_CHAT_ID, or the id Telegram migrated it to), from one of the OFFICER_IDS users
(required on Telegram, see `bot.settings`), and names the case of the card it was pressed
on. Callback data comes from the client, so it is parsed strictly, and any client can send
any data for any message; the message itself (its sender and its buttons) comes from
Telegram, so a press counts only if the pressed message is one of the bot's own cards whose
buttons act on that very case. A card too old for Telegram to show the bot (48 h) cannot be
checked and is refused.

A press that fails any check is answered "No autorizado" and writes nothing: a refused press
costs no row, whatever the number of attempts. Refusals are counted in memory, per reason
(`OfficerHandlers.refused`, a handful of keys), and logged on the first one and every
hundredth after, so a flood of forged presses fills neither the database nor the log.

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
from collections import Counter
from collections.abc import Callable
from typing import cast

from telegram import (
    Bot,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    MaybeInaccessibleMessage,
    Message,
    Update,
)
from telegram.error import BadRequest, TelegramError
from telegram.ext import CallbackQueryHandler, ContextTypes

from bot.channels.base import Channels
from bot.channels.telegram.contact import tell_child_case_closed
from bot.channels.telegram.handlers import BotApplication
from bot.escalation.cards import Buttons, buttons_for_status
from bot.escalation.officers import Action, ActionResult, Officers, status_prefixes
from bot.i18n import N_, _s

logger = logging.getLogger(__name__)

# For the handler (re.match); `DATA` below is what is trusted (fullmatch: no trailing "\n").
CALLBACK_PATTERN = r"^e:(take|resolve|false):[1-9][0-9]{0,11}$"
DATA = re.compile(r"e:(take|resolve|false):([1-9][0-9]{0,11})")
ANY_CARD_DATA = r"^e:"  # every card button; what is not well formed is refused
NOT_ALLOWED = N_("No autorizado")
TROUBLE = N_("No se pudo registrar. Intente de nuevo en un momento.")
OFFICER_GROUP = 0  # with the children's handlers, which never match "e:" data
LOG_EVERY = 100  # refusals of one reason logged: the first, then every LOG_EVERY-th
# Why a press was refused: the keys of `OfficerHandlers.refused` (bounded by this list).
REFUSALS = ("malformed", "unauthorized", "not_this_card", "unknown_case")


def with_status(text: str, line: str) -> str:
    """The card's text with `line` as its status line, replacing one added before."""
    lines = text.split("\n")
    prefixes = status_prefixes()
    while lines and (not lines[-1].strip() or lines[-1].startswith(prefixes)):
        lines.pop()
    if line:
        lines += ["", line]
    return "\n".join(lines)


def cases_on_card(message: MaybeInaccessibleMessage | None, bot_id: int) -> set[int]:
    """The case ids the buttons of `message` act on, if it is one of the bot's own messages
    (else none). Read from the message Telegram sent with the press, not from the press's
    data, which the client chooses."""
    if not isinstance(message, Message) or message.from_user is None:
        return set()  # inaccessible (too old) or a channel post: nothing to check against
    if message.from_user.id != bot_id or message.reply_markup is None:
        return set()
    data = [button.callback_data for row in message.reply_markup.inline_keyboard for button in row]
    matches = (DATA.fullmatch(item) for item in data if isinstance(item, str))
    return {int(match.group(2)) for match in matches if match is not None}


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
        channels: Channels,
    ) -> None:
        self.channels = channels  # the child is told of the closing where they wrote from
        self.officers = officers
        self.pseudonymize = pseudonymize
        self.officer_chats = officer_chats  # may read the database
        self.officer_ids = officer_ids
        self.refused: Counter[str] = Counter()  # reason -> presses refused since start

    def _refuse(self, reason: str, message: str) -> None:
        """Count a refused press; log it only the first time and every LOG_EVERY-th."""
        self.refused[reason] += 1
        count = self.refused[reason]
        if count == 1 or count % LOG_EVERY == 0:
            logger.warning("%s (refused %d since start)", message, count)

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
            if not await self._allowed(query):
                self._refuse(
                    "unauthorized",
                    "refused a card button press from outside the protection chat or the "
                    "officer list",
                )
                await _answer(query, _s(NOT_ALLOWED), alert=True)
                return
            if case_id not in cases_on_card(query.message, context.bot.id):
                self._refuse(
                    "not_this_card", "refused a card button press for a case not on that card"
                )
                await _answer(query, _s(NOT_ALLOWED), alert=True)
                return
            presser = self.pseudonymize("telegram", query.from_user.id)
            result = await asyncio.to_thread(self.officers.act, case_id, action, presser)
        except Exception as error:  # noqa: BLE001 - tell the officer; nothing was recorded
            logger.error("could not handle a card button press (%s)", type(error).__name__)
            await _answer(query, _s(TROUBLE), alert=True)
            return
        if not result.exists:
            self._refuse(
                "unknown_case", "refused a card button press for a case that does not exist"
            )
            await _answer(query, _s(NOT_ALLOWED), alert=True)
            return
        if result.accepted:
            logger.info("%s: %s by an officer", result.case_number, result.status)
        else:
            logger.info("%s: %s refused (%s)", result.case_number, action, result.reason)
        await _answer(query, result.answer, alert=not result.accepted)
        await self._refresh(context.bot, query, result)
        if result.closed_contact is not None:
            await tell_child_case_closed(
                self.channels, result.closed_contact, result.case_number, result.closed_age_band
            )

    async def on_forged(self, update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        """Card-like data that is not well formed: nobody's button made it."""
        query = update.callback_query
        if query is None:
            return
        self._refuse("malformed", "refused a card button press with malformed data")
        await _answer(query, _s(NOT_ALLOWED), alert=True)

    async def _allowed(self, query: CallbackQuery) -> bool:
        if query.message is None:  # inline-mode messages are not cards
            return False
        if query.from_user.id not in self.officer_ids:  # empty: nobody (settings require it)
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


def register_officer_handlers(application: BotApplication, handlers: OfficerHandlers) -> None:
    """Card buttons, in the children's handler group: the children's catch-all button
    handler refuses "e:" data, so these see every card press whatever the order."""
    application.add_handler(
        CallbackQueryHandler(handlers.on_press, pattern=CALLBACK_PATTERN), group=OFFICER_GROUP
    )
    application.add_handler(
        CallbackQueryHandler(handlers.on_forged, pattern=ANY_CARD_DATA), group=OFFICER_GROUP
    )
