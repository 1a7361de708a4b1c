"""The broadcast's progress bar on the facilitator's terminal: counts only, never a chat id
or a pseudonym, in the staff language."""

from __future__ import annotations

import logging
import sys
import time
from typing import TextIO

from bot.broadcasts.sending import Tally
from bot.i18n import _s, _sn


class ProgressBar(logging.Filter):
    """``[#####.....] 120/500 enviados, 3 dados de baja`` (in the staff language) on one line
    of stderr, redrawn at most `every` seconds. Counts only: never a chat id or a pseudonym.

    As a logging filter on the handlers that print to the same terminal, it ends the bar's
    line before a log line, so the two never run together."""

    def __init__(self, stream: TextIO | None = None, width: int = 20, every: float = 0.2) -> None:
        super().__init__()
        self.stream = stream
        self.width = width
        self.every = every
        self._drawn_at: float | None = None
        self._line = ""
        self._open = False  # a bar is on screen with no newline after it

    def _out(self) -> TextIO:
        return self.stream if self.stream is not None else sys.stderr

    def __call__(self, tally: Tally) -> None:
        now = time.monotonic()
        final = tally.done >= tally.total
        if not final and self._drawn_at is not None and now - self._drawn_at < self.every:
            return
        filled = self.width * tally.done // tally.total if tally.total else self.width
        counts = [
            _s("{sent}/{total} enviados").format(sent=tally.sent, total=tally.total),
            _sn("{count} dado de baja", "{count} dados de baja", tally.dropped).format(
                count=tally.dropped
            ),
        ]
        if tally.failed:
            failed = _sn("{count} fallido", "{count} fallidos", tally.failed)
            counts.append(failed.format(count=tally.failed))
        if tally.skipped:
            skipped = _sn("{count} se dio de baja", "{count} se dieron de baja", tally.skipped)
            counts.append(skipped.format(count=tally.skipped))
        line = f"[{'#' * filled}{'.' * (self.width - filled)}] " + ", ".join(counts)
        if line == self._line and self._open:
            return
        self._drawn_at, self._line, self._open = now, line, True
        self._out().write(f"\r{line}")
        self._out().flush()

    def filter(self, record: logging.LogRecord) -> bool:
        self.close()
        return True

    def close(self) -> None:
        """End the bar's line (before other output, and when done)."""
        if self._open:
            self._open = False
            self._out().write("\n")
            self._out().flush()
