"""What the evaluation commands (`triage`, `faq`) share: the assistant loaded quietly, and
a labelled file read with its errors said on stderr. Not a command (no NAME)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from bot.i18n import _s
from bot.settings import Settings

Rows = TypeVar("Rows")


def quiet_assistant(settings: Settings) -> Any:
    """The assistant (Rasa and the triage model), trained if needed, with logs at WARNING
    and whatever Rasa prints while training sent to stderr, so stdout stays the report."""
    import contextlib

    from bot import agent, logs

    logs.configure("WARNING")
    with contextlib.redirect_stdout(sys.stderr):
        return agent.RasaAssistant.load(agent.train(settings.model_dir))


def labelled(path: str, load: Callable[[Path], Rows]) -> Rows | None:
    """The rows of a labelled file, or None after saying on stderr why it cannot be read."""
    from bot.triage.evaluation import LabelError

    try:
        return load(Path(path))
    except (OSError, LabelError) as error:
        print(
            _s("no se puede evaluar {path}: {error}").format(path=path, error=error),
            file=sys.stderr,
        )
        return None
