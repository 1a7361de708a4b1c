"""The terminal chat: the same engine a child meets on Telegram, in a local terminal.

Buttons are shown numbered; typing the number presses the button. Used when no Telegram
token is set, for trying the bot and for facilitators rehearsing a campaign.
"""

from bot.shell.chat import Shell

__all__ = ["Shell"]
