"""Update handlers: every kind of update a child can send maps to one engine event."""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from typing import Any, TypeAlias

from telegram import Message, Update
from telegram.constants import ChatType
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    ContextTypes,
    JobQueue,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.channels.telegram.address import chat_address
from bot.channels.telegram.channel import keyboard
from bot.channels.telegram.updates import ReadingBot
from bot.engine import Engine, Inbound, Kind, Reply
from bot.i18n import _
from bot.logs import describe
from bot.privacy import Pseudonymizer
from bot.storage import Database
from bot.storage.chatlock import holds_chat

logger = logging.getLogger(__name__)

# The Application that bot.channels.telegram.application.build_application makes: PTB's default
# context, data and job queue types, and a ReadingBot (an ExtBot that reads polled updates one
# by one, bot.channels.telegram.updates).
BotApplication: TypeAlias = Application[
    ReadingBot,
    ContextTypes.DEFAULT_TYPE,
    dict[Any, Any],
    dict[Any, Any],
    dict[Any, Any],
    JobQueue[ContextTypes.DEFAULT_TYPE],
]

ELSEWHERE_KEPT = 1024  # update ids remembered as claimed elsewhere and unfinished

# The last resort, sent when the engine itself failed: it cannot ask the referral directory
# or the child's band, so it stays static and names only what is true for every reader.
# 911 serves every age; the PANI serves minors, and an adult of 18-24 may read this.
SORRY = _(
    "Perdón, tuve un problema para responderle. 🙏 Intente de nuevo en un momento.\n"
    "Si está en peligro, llame al 911."
)


class TelegramAdapter:
    def __init__(self, engine: Engine, pseudonymize: Pseudonymizer, database: Database) -> None:
        self.engine = engine
        self.pseudonymize = pseudonymize
        self.database = database
        # The last delivery started in each chat: the next one waits for it, so a chat's
        # replies keep their order while the handler is already free for the next update.
        self._deliveries: dict[int, asyncio.Task[None]] = {}
        # Updates another handler (another replica, or this one) claimed and has not finished:
        # the webhook answers them 503, so that Telegram delivers them again (`settled`).
        # Bounded: in polling mode nobody reads it.
        self._elsewhere: OrderedDict[int, None] = OrderedDict()

    def user_key(self, update: Update) -> str:
        assert update.effective_user is not None
        return self.pseudonymize("telegram", update.effective_user.id)

    def event(self, update: Update, kind: Kind, text: str, argument: str = "") -> Inbound:
        """The engine's view of an update: a pseudonym, and the chat only as an opaque
        address, for a child who asks a protection person to write back or subscribes. Only a
        private chat has one: a group's members must never get what is meant for a child."""
        chat = update.effective_chat
        private = chat is not None and chat.type == ChatType.PRIVATE
        address = chat_address(chat.id) if chat is not None and private else None
        assert update.effective_user is not None
        participant = self.pseudonymize.participant("telegram", update.effective_user.id)
        return Inbound(
            self.user_key(update), kind, text, argument, address=address, participant=participant
        )

    async def send(self, message: Message, replies: list[Reply], pressed: bool = False) -> None:
        """Queue the replies for the chat of `message`, in order after earlier ones; a reply
        marked `replace` edits `message` instead, when its button was pressed.

        Sending is paced by the rate limiter (Telegram's 30 messages/s), so it runs after the
        handler returns: the engine's work for the next update, where a disclosure is
        triaged and its case committed, never waits behind replies to anyone."""
        chat_id = message.chat_id
        previous = self._deliveries.get(chat_id)

        async def deliver() -> None:
            if previous is not None:
                await asyncio.gather(previous, return_exceptions=True)
            try:
                for reply in replies:
                    if reply.replace and pressed:
                        await message.edit_text(reply.text, reply_markup=keyboard(reply))
                    else:
                        await message.reply_text(reply.text, reply_markup=keyboard(reply))
            except TelegramError:
                # The rest of this answer is lost (the rate limiter already retried): at
                # least the apology, which carries the helplines, must reach the child.
                await message.reply_text(SORRY)
                raise

        task = asyncio.create_task(deliver())
        self._deliveries[chat_id] = task
        task.add_done_callback(lambda done: self._delivered(chat_id, done))

    def _delivered(self, chat_id: int, task: asyncio.Task[None]) -> None:
        if self._deliveries.get(chat_id) is task:
            del self._deliveries[chat_id]
        if not task.cancelled() and task.exception() is not None:
            # The class only: the error of a send can quote the text.
            logger.warning("a reply could not be delivered (%s)", type(task.exception()).__name__)

    async def delivered(self, chat_id: int) -> None:
        """Wait until the replies queued for `chat_id` so far are sent (or failed)."""
        task = self._deliveries.get(chat_id)
        if task is not None:
            await asyncio.gather(task, return_exceptions=True)

    async def settled(self, update: Update) -> bool:
        """Wait until the replies queued so far in the chat of `update` are sent (or failed):
        the webhook answers Telegram only then, so an update whose replies a killed replica
        never sent is delivered again. False if the update was not handled here because
        another handler holds its claim unfinished (it may have died: a claim is taken over at
        once by whoever then holds the chat's lock, or after CLAIM_TIMEOUT without it), so
        the webhook asks Telegram to deliver it again later."""
        if update.update_id in self._elsewhere:
            del self._elsewhere[update.update_id]
            return False
        chat = update.effective_chat
        if chat is not None:
            await self.delivered(chat.id)
        return True

    async def drain(self) -> None:
        """Wait for every queued reply (at shutdown, and in tests)."""
        while self._deliveries:
            await asyncio.gather(*self._deliveries.values(), return_exceptions=True)

    async def skip_duplicates(self, update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        """Claim the update before handling it: of two deliveries of one update (a webhook
        retry, polling after a crash, two processes), exactly one is handled. Holding the
        chat's lock across replicas, an unfinished claim is a dead handler's: taken over."""
        try:
            claimed = self.database.claim(update.update_id, holder_gone=holds_chat())
        except Exception as error:  # noqa: BLE001 - a database fault must not silence a child
            logger.warning(
                "could not claim update for de-duplication (%s); handling it anyway",
                type(error).__name__,
            )
            return
        if not claimed:
            try:
                finished = self.database.handled(update.update_id)
            except Exception:  # noqa: BLE001 - unknown: treat it as handled, as before
                finished = True
            if not finished:
                self._elsewhere[update.update_id] = None
                while len(self._elsewhere) > ELSEWHERE_KEPT:
                    self._elsewhere.popitem(last=False)
            raise ApplicationHandlerStop

    async def mark_done(self, update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        try:
            self.database.mark_processed(update.update_id)
        except Exception as error:  # noqa: BLE001 - worst case a redelivery is answered twice
            logger.warning("could not mark update as processed (%s)", type(error).__name__)

    async def on_message(self, update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        assert message is not None
        forwarded = message.forward_origin is not None
        if message.text is not None and message.text.startswith("/") and not forwarded:
            command, _, argument = message.text[1:].partition(" ")
            event = self.event(update, Kind.COMMAND, command.split("@")[0], argument.strip())
        elif message.text is not None:
            # A forwarded message is words the child chose to show us: triaged like their own.
            event = self.event(update, Kind.TEXT, message.text)
        else:
            event = self.event(update, Kind.UNSUPPORTED, words(message), content_type(message))
        await self.send(message, await self.engine.handle(event))

    async def on_edited(self, update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.edited_message
        assert message is not None
        event = self.event(update, Kind.EDITED, message.text or words(message))
        await self.send(message, await self.engine.handle(event))

    async def on_button(self, update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None
        try:
            await query.answer()  # stops the button's spinner; the press counts even if not
        except TelegramError as error:
            logger.warning("could not acknowledge a button press (%s)", type(error).__name__)
        event = self.event(update, Kind.BUTTON, query.data or "")
        replies = await self.engine.handle(event)
        if isinstance(query.message, Message):
            await self.send(query.message, replies, pressed=True)

    async def on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        # The class and where it was raised, never its message or its update: either can
        # quote a child's text (a failed INSERT's parameters, a rejected reply's text).
        logger.error("error while handling an update: %s", describe(context.error))
        if isinstance(update, Update) and update.effective_chat is not None:
            try:
                await context.bot.send_message(update.effective_chat.id, SORRY)
            except Exception:  # noqa: BLE001 - nothing more to try from here
                logger.warning("could not tell the user about the error")


def words(message: Message) -> str:
    """The words a non-text message carries, for triage: the caption of a photo, video,
    document, animation or voice note, or a poll's question and options."""
    if message.caption:
        return message.caption
    if message.poll is not None:
        return "\n".join([message.poll.question, *(option.text for option in message.poll.options)])
    return ""


def content_type(message: Message) -> str:
    for kind in (
        "sticker",
        "photo",
        "voice",
        "video",
        "video_note",
        "audio",
        "document",
        "location",
        "contact",
        "poll",
        "animation",
        "venue",
        "dice",
    ):
        if getattr(message, kind, None):
            return kind
    return "other"


def register_handlers(application: BotApplication, adapter: TelegramAdapter) -> None:
    private = filters.ChatType.PRIVATE
    application.add_handler(TypeHandler(Update, adapter.skip_duplicates), group=-1)
    application.add_handler(
        MessageHandler(private & filters.UpdateType.EDITED_MESSAGE, adapter.on_edited)
    )
    application.add_handler(
        MessageHandler(private & filters.UpdateType.MESSAGE, adapter.on_message)
    )
    # Children's buttons only: "e:" data is an officer's card button (officers.py).
    application.add_handler(CallbackQueryHandler(adapter.on_button, pattern=r"^(?!e:)"))
    application.add_handler(TypeHandler(Update, adapter.mark_done), group=1)
    application.add_error_handler(adapter.on_error)
