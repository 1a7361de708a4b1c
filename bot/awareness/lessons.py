"""The lessons flow: a menu of lessons, a lesson's messages for the child's age band, and
its quiz for that band, one question at a time, with inline buttons.

It is deterministic and keeps nothing: quiz progress (which quiz, which question is on
screen, how many were right) lives in memory, in this process, and is dropped at the end
of the quiz, on `forget` (/salir, /borrar) or after ABANDONED_AFTER. It is an awareness
quiz, not a survey: no answer is ever counted or stored.

Button data ("l:...", grammar in bot.awareness.schema, codec `BUTTONS`) comes back from
the client, so it is parsed strictly; a press that is forged, for an unknown lesson, or for
a question that is not the one on screen returns None, and the engine says the button no
longer works. `LessonsFlow` plugs the lessons into the engine (bot.flows).

Every text shown comes from the lesson files, except the few fixed labels below (gettext).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from bot.awareness.schema import (
    BUTTONS,
    MENU_DATA,
    Lesson,
    QuizQuestion,
    answer_data,
    open_data,
    quiz_data,
)
from bot.events import Button, Reply
from bot.flows import Flow, Turn
from bot.i18n import _

ABANDONED_AFTER = 2 * 60 * 60.0  # seconds: an unfinished quiz is dropped

MENU = _("📚 Lecciones cortas para aprender a cuidarse. ¿Cuál quiere ver?")
NO_LESSONS = _(
    "Todavía no hay lecciones para ver. Si algo le preocupa, escriba AYUDA en cualquier momento."
)
START_QUIZ = _("Hacer el quiz")
REPEAT_QUIZ = _("Repetir el quiz")
BACK = _("Volver a las lecciones")
QUESTION_NUMBER = _("Pregunta {number} de {total}")
YOUR_ANSWER = _("Su respuesta: {answer}")
SUMMARY = _("Respondió bien {right} de {total}. ¡Gracias por hacer el quiz! 💛")


@dataclass
class _Progress:
    lesson: str
    band: str | None  # whose quiz: the band's when the quiz started, to its end
    question: int  # 0-based: the question on screen
    right: int
    touched: float


class Lessons:
    """The lessons, by id, in menu order (as `load_lessons` returns them)."""

    def __init__(
        self, lessons: dict[str, Lesson], clock: Callable[[], float] = time.monotonic
    ) -> None:
        for lesson_id, lesson in lessons.items():
            if lesson_id != lesson.id:
                raise ValueError(f"lesson '{lesson.id}' is filed under the id '{lesson_id}'")
        self.lessons = dict(lessons)
        self.clock = clock
        self._progress: dict[str, _Progress] = {}

    @staticmethod
    def owns(data: str) -> bool:
        """Whether button data is meant for this flow (then `press` decides if it is valid)."""
        return BUTTONS.owns(data)

    # -- what the child sees ------------------------------------------------------------------

    def menu(self) -> list[Reply]:
        """The lesson titles as buttons, one a row."""
        if not self.lessons:
            return [Reply(NO_LESSONS)]
        rows = tuple(
            (Button(lesson.title, open_data(lesson.id)),) for lesson in self.lessons.values()
        )
        return [Reply(MENU, rows)]

    def press(self, user: str, data: str, band: str | None) -> list[Reply] | None:
        """A lesson button; None when it is forged, stale or for an unknown lesson.
        `band` is the child's age band id (None when unknown): it picks the messages and
        the quiz."""
        fields = BUTTONS.parse(data)
        if fields is None:
            return None
        if data == MENU_DATA:
            return self.menu()
        if fields[0] in ("o", "q"):
            lesson = self.lessons.get(fields[1])
            if lesson is None:
                return None
            return self._open(lesson, band) if fields[0] == "o" else self._start(user, lesson, band)
        _answer, lesson_id, question, option = fields
        return self._answer(user, lesson_id, int(question) - 1, int(option) - 1)

    def active(self, user: str) -> bool:
        """Whether the person has a quiz on screen (not abandoned)."""
        progress = self._progress.get(user)
        if progress is not None and self.clock() - progress.touched > ABANDONED_AFTER:
            del self._progress[user]
            return False
        return progress is not None

    def forget(self, user: str) -> bool:
        """/salir, /borrar: drop the quiz in progress, if any."""
        return self._progress.pop(user, None) is not None

    # -- transitions ----------------------------------------------------------------------

    def _open(self, lesson: Lesson, band: str | None) -> list[Reply]:
        messages = lesson.messages_for(band)
        last = (
            (Button(START_QUIZ, quiz_data(lesson.id)),),
            (Button(BACK, MENU_DATA),),
        )
        return [Reply(text) for text in messages[:-1]] + [Reply(messages[-1], last)]

    def _start(self, user: str, lesson: Lesson, band: str | None) -> list[Reply]:
        self._drop_abandoned()
        self._progress[user] = _Progress(lesson.id, band, 0, 0, self.clock())
        return [self._ask(lesson.id, lesson.quiz_for(band), 0)]

    def _answer(self, user: str, lesson_id: str, index: int, chosen: int) -> list[Reply] | None:
        if not self.active(user):
            return None
        progress = self._progress[user]
        lesson = self.lessons.get(lesson_id)
        if lesson is None or progress.lesson != lesson_id or progress.question != index:
            return None
        quiz = lesson.quiz_for(progress.band)
        question = quiz[index]
        if not 0 <= chosen < len(question.options):
            return None
        option = question.options[chosen]
        progress.right += option.correct
        progress.touched = self.clock()
        # The question's message becomes the question, the answer and its feedback: its
        # buttons go away, so the screen shows only the question that can be answered.
        feedback = Reply(
            f"{question.text}\n\n{YOUR_ANSWER.format(answer=option.text)}\n\n{option.feedback}",
            replace=True,
        )
        if index + 1 < len(quiz):
            progress.question = index + 1
            return [feedback, self._ask(lesson.id, quiz, index + 1)]
        del self._progress[user]
        summary = Reply(
            SUMMARY.format(right=progress.right, total=len(quiz)),
            (
                (Button(REPEAT_QUIZ, quiz_data(lesson.id)),),
                (Button(BACK, MENU_DATA),),
            ),
        )
        return [feedback, summary]

    def _ask(self, lesson_id: str, quiz: tuple[QuizQuestion, ...], index: int) -> Reply:
        question = quiz[index]
        heading = QUESTION_NUMBER.format(number=index + 1, total=len(quiz))
        rows = tuple(
            (Button(option.text, answer_data(lesson_id, index + 1, number)),)
            for number, option in enumerate(question.options, start=1)
        )
        return Reply(f"{heading}\n\n{question.text}", (*rows, (Button(BACK, MENU_DATA),)))

    def _drop_abandoned(self) -> None:
        now = self.clock()
        for user in [u for u, p in self._progress.items() if now - p.touched > ABANDONED_AFTER]:
            del self._progress[user]


class LessonsFlow(Flow):
    """The lessons as a flow: "l:" buttons and the intent `aprender`; it keeps no rows, so
    /borrar only forgets a quiz in progress. `band` gives the child's age band (from their
    consent receipt), which picks the lesson's words."""

    name = "lessons"
    buttons = BUTTONS
    intents = frozenset({"aprender"})

    def __init__(self, lessons: Lessons, band: Callable[[str], str | None]) -> None:
        self.lessons = lessons
        self.band = band

    async def press(self, turn: Turn) -> list[Reply] | None:
        return self.lessons.press(turn.user, turn.event.text, self.band(turn.user))

    async def answer(self, turn: Turn, intent: str) -> list[Reply]:
        return self.lessons.menu()

    def forget(self, user: str) -> None:
        self.lessons.forget(user)
