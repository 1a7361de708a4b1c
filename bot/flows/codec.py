"""Button data: one codec per flow, "<prefix>:<field>:<field>...".

Telegram's callback_data holds 1-64 bytes and comes back from the client, so whatever a
child's phone sends may be forged or stale. A codec is where both sides are checked once:
`encode` refuses data over the limit or outside the flow's own grammar (a flow can never
send a button it would refuse), and `parse` returns the fields only for data that matches
the grammar exactly, otherwise None. The formats are the ones buttons already sent carry
("c:band:9-12", "s:q1:si", "l:a:trata:1:2", "t:yes:12"): changing one would break every
button still on a child's screen.
"""

from __future__ import annotations

import re

from bot.channels import BUTTON_DATA_LIMIT

# What button data must fit: the smallest limit of every channel (Telegram's 64 bytes).
CALLBACK_DATA_LIMIT = BUTTON_DATA_LIMIT
SEPARATOR = ":"
_PREFIX = re.compile(r"[a-z]{1,3}")


class Codec:
    """The button data of one flow: `prefix`, then fields matching `grammar` (a regular
    expression for everything after "<prefix>:"; no field contains ":")."""

    def __init__(self, prefix: str, grammar: str) -> None:
        if not _PREFIX.fullmatch(prefix):
            raise ValueError(f"a button prefix is 1-3 lowercase letters, not {prefix!r}")
        self.prefix = prefix
        self.pattern = re.compile(re.escape(prefix + SEPARATOR) + f"(?:{grammar})")

    def owns(self, data: str) -> bool:
        """Whether data claims to be this flow's (then `parse` decides if it is valid)."""
        return data.startswith(self.prefix + SEPARATOR)

    def encode(self, *fields: object) -> str:
        data = SEPARATOR.join((self.prefix, *(str(field) for field in fields)))
        if len(data.encode()) > CALLBACK_DATA_LIMIT:
            raise ValueError(f"button data over {CALLBACK_DATA_LIMIT} bytes: {data!r}")
        if not self.pattern.fullmatch(data):
            raise ValueError(f"{data!r} is not valid '{self.prefix}' button data")
        return data

    def parse(self, data: str) -> tuple[str, ...] | None:
        """The fields after the prefix, or None for data that is forged, stale or too long."""
        if len(data.encode()) > CALLBACK_DATA_LIMIT or not self.pattern.fullmatch(data):
            return None
        return tuple(data.split(SEPARATOR)[1:])
