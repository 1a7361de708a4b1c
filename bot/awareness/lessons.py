"""The lessons flow: a menu of lessons, a lesson's messages for the child's age band, and
its quiz for that band, one question at a time, with inline buttons.

It is deterministic and keeps only a quiz's place (which quiz, the band it started in,
which question is on screen, how many were right) as conversation state
(bot.storage.conversation: ids and numbers, in `conversation_state` when the bot runs, so
any replica can take the next press), dropped at the end of the quiz, on `forget` (/salir)
and `erase` (/borrar), or ABANDONED_AFTER the last press. Each press names the place it read
(compare-and-set), so two presses of one question handled at once advance it once. It is
an awareness quiz, not a survey: no answer is ever counted or stored.

Button data ("l:...", grammar in bot.awareness.schema, codec `BUTTONS`) comes back from
the client, so it is parsed strictly; a press that is forged, for an unknown lesson, or for
a question that is not the one on screen returns None, and the engine says the button no
longer works. `LessonsFlow` plugs the lessons into the engine (bot.flows).

Every text shown comes from the lesson files, except the few fixed labels below (gettext).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

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
from bot.storage.conversation import ConversationState, Held, MemoryStates, States

ABANDONED_AFTER = timedelta(hours=2)  # an unfinished quiz is dropped

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

    def payload(self) -> dict[str, Any]:
        return {
            "lesson": self.lesson,
            "band": self.band,
            "question": self.question,
            "right": self.right,
        }


class Lessons:
    """The lessons, by id, in menu order (as `load_lessons` returns them). `states` keeps
    quiz places (bot.runtime gives the database's; alone, a Lessons keeps them in memory)."""

    def __init__(self, lessons: dict[str, Lesson], states: States | None = None) -> None:
        for lesson_id, lesson in lessons.items():
            if lesson_id != lesson.id:
                raise ValueError(f"lesson '{lesson.id}' is filed under the id '{lesson_id}'")
        self.lessons = dict(lessons)
        self.states: States = (
            states if states is not None else MemoryStates("lessons", ABANDONED_AFTER)
        )

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
        return self.states.get(user) is not None

    def forget(self, user: str) -> bool:
        """/salir: drop the quiz in progress, if any."""
        return self.states.drop(user)

    def erase(self, user: str) -> int:
        """/borrar: the quiz in progress, if any; how many rows went."""
        return self.states.erase(user)

    # -- transitions ----------------------------------------------------------------------

    def _open(self, lesson: Lesson, band: str | None) -> list[Reply]:
        messages = lesson.messages_for(band)
        last = (
            (Button(START_QUIZ, quiz_data(lesson.id)),),
            (Button(BACK, MENU_DATA),),
        )
        return [Reply(text) for text in messages[:-1]] + [Reply(messages[-1], last)]

    def _start(self, user: str, lesson: Lesson, band: str | None) -> list[Reply]:
        self.states.put(user, _Progress(lesson.id, band, 0, 0).payload(), after=None)
        return [self._ask(lesson.id, lesson.quiz_for(band), 0)]

    def _answer(self, user: str, lesson_id: str, index: int, chosen: int) -> list[Reply] | None:
        held = self.states.get(user)
        if held is None:
            return None
        try:
            progress = _Progress(**held.payload)
        except TypeError:  # written by another version of the bot (a rolling upgrade): stale
            return None
        lesson = self.lessons.get(lesson_id)
        if lesson is None or progress.lesson != lesson_id or progress.question != index:
            return None
        quiz = lesson.quiz_for(progress.band)
        question = quiz[index]
        if not 0 <= chosen < len(question.options):
            return None
        option = question.options[chosen]
        progress.right += option.correct
        # The question's message becomes the question, the answer and its feedback: its
        # buttons go away, so the screen shows only the question that can be answered.
        feedback = Reply(
            f"{question.text}\n\n{YOUR_ANSWER.format(answer=option.text)}\n\n{option.feedback}",
            replace=True,
        )
        if index + 1 < len(quiz):
            progress.question = index + 1
            if not self._advance(user, progress, held):
                return None
            return [feedback, self._ask(lesson.id, quiz, index + 1)]
        if not self.states.drop(user, after=held):
            return None  # another press of this question was taken first
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

    def _advance(self, user: str, progress: _Progress, held: Held) -> bool:
        """Write the next place, unless another press of this question was taken first."""
        return self.states.put(user, progress.payload(), after=held) is not None


class LessonsFlow(Flow):
    """The lessons as a flow: "l:" buttons and the intent `aprender`; the only row it keeps
    is a quiz's place, which /salir and /borrar delete. `band` gives the child's age band
    (from their consent receipt), which picks the lesson's words."""

    name = "lessons"
    buttons = BUTTONS
    intents = frozenset({"aprender"})
    erases = frozenset({ConversationState.__tablename__})

    def __init__(self, lessons: Lessons, band: Callable[[str], str | None]) -> None:
        self.lessons = lessons
        self.band = band

    async def press(self, turn: Turn) -> list[Reply] | None:
        return self.lessons.press(turn.user, turn.event.text, self.band(turn.user))

    async def answer(self, turn: Turn, intent: str) -> list[Reply]:
        return self.lessons.menu()

    def forget(self, user: str) -> None:
        self.lessons.forget(user)

    def erase(self, user: str) -> int:
        return self.lessons.erase(user)
