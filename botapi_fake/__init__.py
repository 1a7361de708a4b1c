"""A small, real HTTP fake of the Telegram Bot API, shared by the tests and the benchmark.

`FakeBotApi` serves ``/bot<token>/<method>`` on 127.0.0.1 (aiohttp) for an unmodified
python-telegram-bot Application; `SentMessage` is what the bot sent through it. Not shipped
with the bot: pyproject's package list names bot and consent only.
"""

from botapi_fake.server import FakeBotApi, SentMessage

__all__ = ["FakeBotApi", "SentMessage"]
