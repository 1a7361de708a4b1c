"""A lesson's quiz per age band: a band's variant may give its own quiz (and its own
messages), the quiz a child starts is the one for their band to its end, older lesson files
(a plain list of messages per band) stay valid, and mistakes in the new keys are reported
with the file, the line and the fix."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from bot.awareness.lessons import Lessons
from bot.awareness.schema import (
    LessonError,
    answer_data,
    load_lesson,
    load_lessons,
    main,
    quiz_data,
)

SHIPPED = load_lessons()
USER = "u1"


@pytest.fixture(autouse=True)
def english(staff_in_english):
    """Errors are pinned in English (STAFF_LANGUAGE=en), as in tests/test_lessons.py."""


BAND_QUIZ = textwrap.dedent(
    """\
    id: prueba
    title: Una lección de prueba
    messages:
      - Primer mensaje.
      - Segundo mensaje.
      - Recuerde, escriba AYUDA en cualquier momento.
    variants:
      "9-12":
        messages:
          - Uno.
          - Dos.
          - Escriba AYUDA cuando quiera.
        quiz:
          - text: ¿Pregunta fácil?
            options:
              - text: Esta
                correct: true
                feedback: ¡Muy bien!
              - text: La otra
                feedback: Se entiende. Es «esta».
          - text: ¿Otra pregunta fácil?
            options:
              - text: Sí
                correct: true
                feedback: ¡Exacto!
              - text: "No"
                feedback: Casi. Es «sí».
      "13-15":
        - Tres.
        - Cuatro.
        - AYUDA funciona siempre.
    quiz:
      - text: ¿Primera pregunta?
        options:
          - text: Sí
            feedback: Casi. Es «no».
          - text: "No"
            correct: true
            feedback: ¡Muy bien!
      - text: ¿Segunda pregunta?
        options:
          - text: Una
            correct: true
            feedback: ¡Exacto!
          - text: Otra
            feedback: Se entiende. Es la una.
    """
)


def write(folder: Path, text: str) -> Path:
    path = folder / "prueba.yml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_band_may_give_its_own_quiz_and_messages_and_a_plain_list_stays_its_messages(
    tmp_path,
):
    lesson = load_lesson(write(tmp_path, BAND_QUIZ))
    assert lesson.messages_for("9-12") == ("Uno.", "Dos.", "Escriba AYUDA cuando quiera.")
    assert lesson.messages_for("13-15") == ("Tres.", "Cuatro.", "AYUDA funciona siempre.")
    assert [q.text for q in lesson.quiz_for("9-12")] == [
        "¿Pregunta fácil?",
        "¿Otra pregunta fácil?",
    ]
    for band in ("13-15", "16-17", "18-24", None):
        assert lesson.quiz_for(band) == lesson.quiz


def test_a_band_may_give_only_its_own_quiz(tmp_path):
    only_quiz = without_lines(9, 12)
    lesson = load_lesson(write(tmp_path, only_quiz))
    assert lesson.messages_for("9-12") == lesson.messages
    assert lesson.quiz_for("9-12") != lesson.quiz


def test_every_shipped_lesson_has_a_quiz_of_its_own_for_9_to_12():
    for lesson in SHIPPED.values():
        assert "9-12" in lesson.quizzes, lesson.id
        assert lesson.quiz_for("9-12") != lesson.quiz, lesson.id


def test_the_checker_says_which_bands_have_their_own_quiz(tmp_path, capsys):
    assert main([str(write(tmp_path, BAND_QUIZ))]) == 0
    assert capsys.readouterr().out == (
        "ok: prueba (2 quiz questions, own messages for 9-12, 13-15, own quiz for 9-12)\n"
    )


def answer(lessons: Lessons, lesson_id: str, question: int, option: int, band: str | None):
    return lessons.press(USER, answer_data(lesson_id, question, option), band)


def test_a_child_of_9_to_12_is_asked_their_bands_quiz_to_the_end():
    lesson = SHIPPED["que-es-la-trata"]
    quiz = lesson.quiz_for("9-12")
    lessons = Lessons(SHIPPED)
    (first,) = lessons.press(USER, quiz_data(lesson.id), "9-12") or []
    assert first.text.endswith(quiz[0].text)
    for number, question in enumerate(quiz, start=1):
        replies = answer(lessons, lesson.id, number, question.correct + 1, "9-12") or []
        assert replies[0].text.startswith(question.text)
    assert replies[-1].text.startswith(f"Respondió bien {len(quiz)} de {len(quiz)}.")


def test_the_quiz_started_keeps_its_band_even_if_the_band_changes_meanwhile():
    lesson = SHIPPED["donde-pedir-ayuda"]
    lessons = Lessons(SHIPPED)
    lessons.press(USER, quiz_data(lesson.id), "9-12")
    replies = answer(lessons, lesson.id, 1, 1, None) or []
    assert replies[0].text.startswith(lesson.quiz_for("9-12")[0].text)
    assert replies[1].text.endswith(lesson.quiz_for("9-12")[1].text)


def lines(text: str) -> list[str]:
    return text.splitlines(keepends=True)


def without_lines(first: int, last: int) -> str:
    """BAND_QUIZ less the lines first..last (1-based, inclusive)."""
    kept = lines(BAND_QUIZ)
    del kept[first - 1 : last]
    return "".join(kept)


MALFORMED = [
    # (name, file text, line, words in the problem, words in the fix)
    (
        "misspelt key below a band",
        BAND_QUIZ.replace("    quiz:\n", "    quizz:\n"),
        13,
        "unknown key 'quizz' in band '9-12' in 'variants'",
        "did you mean 'quiz'?",
    ),
    (
        "a band with neither messages nor quiz",
        without_lines(9, 27).replace('  "9-12":\n', '  "9-12":\n    messages:\n    quiz:\n'),
        8,
        "band '9-12' in 'variants' has neither messages nor a quiz",
        "put 'messages:' with the band's messages below it, 'quiz:' with its quiz, or both",
    ),
    (
        "a band left blank",
        without_lines(9, 27),
        8,
        "band '9-12' in 'variants' has neither messages nor a quiz",
        "or remove the band",
    ),
    (
        "a band given a text",
        without_lines(9, 27).replace('  "9-12":\n', '  "9-12": Uno y dos.\n'),
        8,
        "band '9-12' in 'variants' must be a list of messages, or 'messages:' and 'quiz:'",
        "put 'messages:' with the band's messages below it",
    ),
    (
        "a band's quiz with one question",
        without_lines(21, 27),
        14,
        "the quiz for band '9-12' has 1 question",
        "give it 2 to 3 questions",
    ),
    (
        "a band's quiz question without a correct option",
        BAND_QUIZ.replace(
            "          - text: Sí\n            correct: true\n", "          - text: Sí\n"
        ),
        23,
        "quiz question 2 for band '9-12' has no correct option",
        "add 'correct: true' to the one right option",
    ),
    (
        "a band's option too long for a button",
        BAND_QUIZ.replace("- text: La otra", "- text: " + "La otra opción, que es larga " * 2),
        19,
        "the text of option 2 of quiz question 1 for band '9-12' has 57 characters",
        "phones cut long buttons",
    ),
    (
        "a band's messages without AYUDA at the end",
        BAND_QUIZ.replace("Escriba AYUDA cuando quiera.", "Escriba cuando quiera."),
        12,
        "the last message of the messages for band '9-12' does not remind",
        "AYUDA",
    ),
]


@pytest.mark.parametrize(
    ("text", "line", "problem", "fix"),
    [case[1:] for case in MALFORMED],
    ids=[case[0] for case in MALFORMED],
)
def test_mistakes_in_a_bands_quiz_name_the_file_the_line_and_the_fix(
    tmp_path, text, line, problem, fix
):
    path = write(tmp_path, text)
    with pytest.raises(LessonError) as caught:
        load_lesson(path)
    error = caught.value
    message = str(error)
    assert error.path == path and error.line == line, message
    assert problem in error.problem, message
    assert fix in error.fix, message
    assert message == f"{path}:{line}: {error.problem}. Fix: {error.fix}"
