"""The updates the fake delivers to the bot, as Telegram would write them: texts, button
presses, edits, media, stickers, locations, group messages (`UpdateBuilder`, mixed into
`botapi_fake.server.FakeBotApi`, whose state it reads: the queue of updates, the next
update id, the messages the bot sent, and the signal that wakes long polls)."""

from __future__ import annotations

import secrets
import time
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from botapi_fake.server import JsonDict, _Signal


def _utf16_len(text: str) -> int:
    # Telegram entity offsets/lengths are counted in UTF-16 code units.
    return len(text.encode("utf-16-le")) // 2


class UpdateBuilder:
    """Queues updates for the bot's getUpdates (or the tests' webhook posts)."""

    _next_update_id: int
    _updates: list[JsonDict]
    _changed: _Signal
    _messages: dict[tuple[int, int], JsonDict]

    def push_update(self, update: JsonDict) -> JsonDict:
        """Queue a raw update; ``update_id`` is assigned here. Returns the update."""
        update = {**update, "update_id": self._next_update_id}
        self._next_update_id += 1
        self._updates.append(update)
        self._changed.fire()
        return update

    def push_text(
        self,
        user_id: int,
        text: str,
        chat_id: int | None = None,
        first_name: str = "Ana",
        username: str | None = None,
    ) -> JsonDict:
        user = self._user(user_id, first_name, username)
        msg = self._new_message(user_id if chat_id is None else chat_id, user, text=text)
        return self.push_update({"message": self._with_entities(msg)})

    def push_group_text(
        self, chat_id: int, user_id: int, text: str, reply_to_message_id: int | None = None
    ) -> JsonDict:
        msg = self._new_message(
            chat_id, self._user(user_id), text=text, reply_to=reply_to_message_id, stub_unknown=True
        )
        return self.push_update({"message": self._with_entities(msg)})

    def push_callback(
        self, user_id: int, data: str, message_id: int, chat_id: int | None = None
    ) -> JsonDict:
        chat_id = user_id if chat_id is None else chat_id
        # A copy: later edits by the bot must not rewrite an already queued update.
        known = self._messages.get((chat_id, message_id))
        message = dict(known) if known else self._stub(chat_id, message_id)
        return self.push_update(
            {
                "callback_query": {
                    "id": secrets.token_hex(8),
                    "from": self._user(user_id),
                    "data": data,
                    "chat_instance": str(chat_id),
                    "message": message,
                }
            }
        )

    def post_as_bot(self, chat_id: int, text: str, buttons: list[list[str]]) -> JsonDict:
        """A message the bot sent earlier (e.g. a card resent after a group migrated), with
        inline buttons carrying `buttons` as callback data; not counted in `sent`."""
        markup = {
            "inline_keyboard": [
                [{"text": data, "callback_data": data} for data in row] for row in buttons
            ]
        }
        return self._new_message(chat_id, self._bot_user(), text=text, reply_markup=markup)

    def push_edited_text(self, user_id: int, text: str, message_id: int) -> JsonDict:
        old = self._messages.get((user_id, message_id)) or self._stub(user_id, message_id)
        msg = {**old, "from": self._user(user_id), "text": text, "edit_date": int(time.time())}
        self._messages[(user_id, message_id)] = msg
        return self.push_update({"edited_message": self._with_entities(msg)})

    def push_message(self, user_id: int, **fields: Any) -> JsonDict:
        """A private message with any Bot API fields (caption, poll, forward_origin, ...)."""
        return self._push_media(user_id, **fields)

    def push_edited(self, user_id: int, message_id: int, **fields: Any) -> JsonDict:
        """An edit of an earlier message of the child's, with `fields` replaced."""
        old = self._messages.get((user_id, message_id)) or self._stub(user_id, message_id)
        msg = {**old, "from": self._user(user_id), **fields, "edit_date": int(time.time())}
        self._messages[(user_id, message_id)] = msg
        return self.push_update({"edited_message": msg})

    def media(self, kind: str) -> JsonDict:
        """The Bot API fields of a message of `kind`: photo, video, document or animation."""
        shapes: dict[str, Any] = {
            "photo": self._photo_sizes(),
            "video": {**self._file("video"), "width": 640, "height": 480, "duration": 5},
            "document": {
                **self._file("doc"),
                "file_name": "captura.pdf",
                "mime_type": "application/pdf",
            },
            "animation": {**self._file("gif"), "width": 320, "height": 240, "duration": 2},
        }
        fields = {kind: shapes[kind]}
        if kind == "animation":  # Telegram sends an animation as a document too
            fields["document"] = {**self._file("doc"), "mime_type": "video/mp4"}
        return fields

    def push_sticker(self, user_id: int) -> JsonDict:
        return self._push_media(
            user_id,
            sticker={
                **self._file("sticker"),
                "type": "regular",
                "width": 512,
                "height": 512,
                "is_animated": False,
                "is_video": False,
                "emoji": "🙂",
            },
        )

    def push_photo(self, user_id: int) -> JsonDict:
        return self._push_media(user_id, photo=self._photo_sizes())

    def push_voice(self, user_id: int) -> JsonDict:
        return self._push_media(
            user_id, voice={**self._file("voice"), "duration": 3, "mime_type": "audio/ogg"}
        )

    def push_document(self, user_id: int) -> JsonDict:
        return self._push_media(
            user_id,
            document={**self._file("doc"), "file_name": "file.pdf", "mime_type": "application/pdf"},
        )

    def push_location(self, user_id: int) -> JsonDict:
        return self._push_media(user_id, location={"latitude": 19.4326, "longitude": -99.1332})

    # ------------------------------------------------------------ object shapes
    def _bot_user(self) -> JsonDict:
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": self.bot_first_name,
            "username": self.bot_username,
        }

    def _user(
        self, user_id: int, first_name: str | None = None, username: str | None = None
    ) -> JsonDict:
        # push_text names the user; other helpers reuse what is known.
        if user_id not in self._users or first_name is not None:
            user: JsonDict = {"id": user_id, "is_bot": False, "first_name": first_name or "Ana"}
            if username:
                user["username"] = username
            self._users[user_id] = user
        return self._users[user_id]

    def _chat(self, chat_id: int) -> JsonDict:
        if chat_id > 0:
            user = self._users.get(chat_id, {})
            return {
                "id": chat_id,
                "type": "private",
                **{k: user[k] for k in ("first_name", "username") if k in user},
            }
        # Supergroup ids look like -100xxxxxxxxxx; basic groups are plain negatives.
        kind = "supergroup" if str(chat_id).startswith("-100") else "group"
        return {"id": chat_id, "type": kind, "title": f"Test group {chat_id}"}

    def _stub(self, chat_id: int, message_id: int) -> JsonDict:
        return {"message_id": message_id, "date": int(time.time()), "chat": self._chat(chat_id)}

    def _new_message(
        self,
        chat_id: int,
        sender: JsonDict,
        reply_to: int | None = None,
        stub_unknown: bool = False,
        **fields: Any,
    ) -> JsonDict:
        # One id sequence per chat shared by user and bot messages, as in Telegram.
        self._next_message_id[chat_id] += 1
        msg: JsonDict = {
            "message_id": self._next_message_id[chat_id],
            "date": int(time.time()),
            "chat": self._chat(chat_id),
            "from": sender,
            **fields,
        }
        if reply_to is not None:
            original = self._messages.get((chat_id, reply_to))
            if original is None and stub_unknown:
                original = self._stub(chat_id, reply_to)
            if original is not None:
                # Telegram does not nest replies more than one level deep.
                msg["reply_to_message"] = {
                    k: v for k, v in original.items() if k != "reply_to_message"
                }
        self._messages[(chat_id, msg["message_id"])] = msg
        return msg

    @staticmethod
    def _with_entities(msg: JsonDict) -> JsonDict:
        # PTB's CommandHandler only fires on a bot_command entity at offset 0.
        text = msg.get("text", "")
        if text.startswith("/"):
            command = text.split(maxsplit=1)[0]
            msg["entities"] = [{"type": "bot_command", "offset": 0, "length": _utf16_len(command)}]
        return msg

    @staticmethod
    def _file(prefix: str) -> JsonDict:
        return {
            "file_id": f"{prefix}-{secrets.token_hex(6)}",
            "file_unique_id": secrets.token_hex(4),
            "file_size": 1024,
        }

    def _photo_sizes(self) -> list[JsonDict]:
        return [{**self._file("photo"), "width": w, "height": w} for w in (90, 320, 800)]

    def _push_media(self, user_id: int, **fields: Any) -> JsonDict:
        return self.push_update(
            {"message": self._new_message(user_id, self._user(user_id), **fields)}
        )
