"""Awareness lessons: short lessons with a quiz, written as data in content/*.yml.

- `bot.awareness.schema`: `load_lesson`, `load_lessons`, `LessonError` and the `Lesson`,
  `QuizQuestion`, `QuizOption` values; the "l:..." button data grammar.
- `bot.awareness.lessons`: `Lessons`, the deterministic flow (menu, lesson, quiz).

The names are imported lazily, so that `python -m bot.awareness.schema` (the facilitators'
checker) runs without importing its own module twice.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.awareness.lessons import Lessons
    from bot.awareness.schema import (
        Lesson,
        LessonError,
        QuizOption,
        QuizQuestion,
        load_lesson,
        load_lessons,
    )

_EXPORTS = {
    "Lessons": "bot.awareness.lessons",
    "Lesson": "bot.awareness.schema",
    "LessonError": "bot.awareness.schema",
    "QuizOption": "bot.awareness.schema",
    "QuizQuestion": "bot.awareness.schema",
    "load_lesson": "bot.awareness.schema",
    "load_lessons": "bot.awareness.schema",
}

__all__ = [
    "Lesson",
    "LessonError",
    "Lessons",
    "QuizOption",
    "QuizQuestion",
    "load_lesson",
    "load_lessons",
]


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
