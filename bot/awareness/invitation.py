"""A lesson's invitation: the words a broadcast sends to invite subscribers to one lesson,
by its title (`invitation`), or why it cannot (`InvitationError`, in the staff language)."""

from __future__ import annotations

from pathlib import Path

from bot.awareness.schema import CONTENT_DIR, load_lessons
from bot.i18n import _, _s

LESSON_INVITATION = _(
    "📚 Hay una lección nueva en Voz Segura: «{title}».\n"
    "Para verla, escriba /start y toque «Aprender a cuidarme»."
)


class InvitationError(ValueError):
    """No invitation to this lesson: the message says why and the fix (staff catalog)."""


def invitation(lesson_id: str, folder: Path | str = CONTENT_DIR) -> str:
    """The invitation to the lesson `lesson_id` of `folder` (default: content/)."""
    try:
        lessons = load_lessons(folder)
    except (ValueError, OSError) as error:  # the schema's own errors name file and line
        raise InvitationError(
            _s("no se pueden leer las lecciones: {error}").format(error=error)
        ) from None
    lesson = lessons.get(lesson_id)
    if lesson is None:
        known = ", ".join(sorted(lessons)) or _s("ninguna")
        raise InvitationError(
            _s(
                "lección desconocida '{lesson}'. Lecciones conocidas: {known}. Solución: use uno "
                "de estos ids"
            ).format(lesson=lesson_id, known=known)
        )
    return LESSON_INVITATION.format(title=lesson.title.strip())
