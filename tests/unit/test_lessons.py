"""Awareness lessons: every shipped lesson loads and reads right for every age band, every
quiz path ends with the summary, forged and stale buttons are refused, and malformed
lesson files are reported with the file, the line and the fix."""

from __future__ import annotations

import itertools
import re
import textwrap
from datetime import datetime, timedelta
from pathlib import Path

import pytest

import bot.awareness as awareness
from bot.awareness import lessons as flow
from bot.awareness.lessons import Lessons
from bot.awareness.schema import (
    CALLBACK_DATA_LIMIT,
    CONTENT_DIR,
    MENU_DATA,
    Lesson,
    LessonError,
    QuizOption,
    QuizQuestion,
    answer_data,
    lesson_files,
    load_lesson,
    load_lessons,
    longest_data,
    main,
    open_data,
    quiz_data,
)
from bot.events import Reply
from bot.storage.conversation import DatabaseStates, MemoryStates, States
from consent.bands import load_bands

SHIPPED = load_lessons()
BAND_IDS = [band.id for band in load_bands().bands]
BANDS: list[str | None] = [None, *BAND_IDS]
USER = "u1"


@pytest.fixture(autouse=True)
def english(staff_in_english):
    """The messages are pinned in English (STAFF_LANGUAGE=en), the wording they were written
    in; the default, Spanish, has its own test below."""


def all_data(replies: list[Reply]) -> list[str]:
    return [button.data for reply in replies for row in reply.buttons for button in row]


def labels(reply: Reply) -> list[str]:
    return [button.label for row in reply.buttons for button in row]


# -- the shipped lessons ----------------------------------------------------------------------


def test_every_shipped_lesson_loads_in_file_order():
    assert list(SHIPPED) == [
        "que-es-la-trata",
        "ofertas-falsas",
        "cuidado-en-internet",
        "regalos-y-plata",
        "zonas-turisticas",
        "sus-derechos",
        "ayudar-a-alguien",
        "donde-pedir-ayuda",
    ]
    for path in lesson_files(CONTENT_DIR):
        lesson = load_lesson(path)
        assert SHIPPED[lesson.id] == lesson


def test_the_checker_command_says_ok_for_every_shipped_lesson(capsys):
    assert main([]) == 0
    out = capsys.readouterr().out
    assert out.count("ok: ") == len(SHIPPED)


def every_text(lesson: Lesson) -> list[str]:
    texts = [lesson.title, *lesson.messages]
    for messages in lesson.variants.values():
        texts.extend(messages)
    for question in (*lesson.quiz, *(q for quiz in lesson.quizzes.values() for q in quiz)):
        texts.append(question.text)
        for option in question.options:
            texts.extend((option.text, option.feedback))
    return texts


@pytest.mark.parametrize("lesson_id", list(SHIPPED))
def test_shipped_content_uses_only_verified_numbers_and_the_usted_register(lesson_id):
    lesson = SHIPPED[lesson_id]
    for text in every_text(lesson):
        # Phone numbers: PANI 1147 and 911 only (the PANI WhatsApp number is unverified);
        # 172 is the article of the Código Penal. Ages (12, 13-17, ...) have fewer digits.
        numbers = {number for number in re.findall(r"\d+(?:-\d+)*", text) if len(number) >= 3}
        assert numbers <= {"1147", "911", "172"}, text
        assert "OIJ" not in text
        assert not re.search(r"\b(tú|tu|vos|tienes|puedes|eres|cuéntame|dime)\b", text, re.I), text


@pytest.mark.parametrize("lesson_id", list(SHIPPED))
def test_every_message_list_ends_by_reminding_ayuda(lesson_id):
    lesson = SHIPPED[lesson_id]
    for band in BANDS:
        assert "AYUDA" in lesson.messages_for(band)[-1]


def test_the_lessons_that_need_it_speak_to_younger_children_in_their_own_words():
    for lesson_id in ("ofertas-falsas", "cuidado-en-internet", "zonas-turisticas"):
        assert "9-12" in SHIPPED[lesson_id].variants
    assert "fotos íntimas" not in " ".join(SHIPPED["cuidado-en-internet"].variants["9-12"])


def test_the_example_in_the_readme_is_a_valid_lesson(tmp_path):
    readme = (CONTENT_DIR / "README.md").read_text(encoding="utf-8")
    example = re.search(r"```yaml\n(.*?)```", readme, re.S)
    assert example is not None
    path = tmp_path / "ejemplo.yml"
    path.write_text(example.group(1), encoding="utf-8")
    lesson = load_lesson(path)
    assert lesson.id == "mi-leccion" and "9-12" in lesson.variants


def test_the_package_exports_its_api():
    assert awareness.Lessons is Lessons
    assert awareness.load_lessons is load_lessons and awareness.LessonError is LessonError
    assert awareness.Lesson is Lesson
    assert awareness.QuizQuestion is QuizQuestion and awareness.QuizOption is QuizOption
    with pytest.raises(AttributeError):
        awareness.nothing  # noqa: B018


# -- the flow -------------------------------------------------------------------------------


def test_the_menu_shows_every_title_as_a_button_in_order():
    (reply,) = Lessons(SHIPPED).menu()
    assert reply.text == flow.MENU
    assert labels(reply) == [lesson.title for lesson in SHIPPED.values()]
    assert all_data([reply]) == [open_data(lesson_id) for lesson_id in SHIPPED]
    assert all(len(row) == 1 for row in reply.buttons)
    assert Lessons(SHIPPED).press(USER, MENU_DATA, None) == [reply]


def test_no_lessons_gives_a_kind_message():
    (reply,) = Lessons({}).menu()
    assert reply.text == flow.NO_LESSONS and "AYUDA" in reply.text and not reply.buttons


def test_lessons_filed_under_another_id_are_refused():
    with pytest.raises(ValueError, match="filed under"):
        Lessons({"otra": SHIPPED["sus-derechos"]})


@pytest.mark.parametrize("band", BANDS, ids=lambda band: band or "no-band")
@pytest.mark.parametrize("lesson_id", list(SHIPPED))
def test_opening_a_lesson_shows_its_messages_for_the_band(lesson_id, band):
    lesson = SHIPPED[lesson_id]
    replies = Lessons(SHIPPED).press(USER, open_data(lesson_id), band)
    assert replies is not None
    expected = lesson.variants.get(band or "", lesson.messages)
    assert [reply.text for reply in replies] == list(expected)
    assert all(not reply.buttons for reply in replies[:-1])
    assert labels(replies[-1]) == [flow.START_QUIZ, flow.BACK]
    assert all_data(replies) == [quiz_data(lesson_id), MENU_DATA]
    assert not any(reply.replace for reply in replies)


def test_a_band_without_a_variant_or_unknown_reads_the_default():
    lesson = SHIPPED["zonas-turisticas"]
    lessons = Lessons(SHIPPED)
    for band in ("13-15", "16-17", None, "99-99"):
        replies = lessons.press(USER, open_data(lesson.id), band)
        assert [r.text for r in replies or []] == list(lesson.messages)
    younger = lessons.press(USER, open_data(lesson.id), "9-12")
    assert [r.text for r in younger or []] == list(lesson.variants["9-12"])


def run_quiz(lessons: Lessons, lesson: Lesson, choices: tuple[int, ...], band: str | None):
    """Answer the quiz with the given option indexes; check every reply on the way."""
    seen: list[Reply] = []
    replies = lessons.press(USER, quiz_data(lesson.id), band)
    assert replies is not None and len(replies) == 1
    seen += replies
    quiz = lesson.quiz_for(band)
    total = len(quiz)
    right = 0
    for index, (question, chosen) in enumerate(zip(quiz, choices, strict=True)):
        (asked,) = replies
        number = index + 1
        assert asked.text == f"Pregunta {number} de {total}\n\n{question.text}"
        assert labels(asked) == [option.text for option in question.options] + [flow.BACK]
        assert all_data([asked]) == [
            answer_data(lesson.id, number, option) for option in range(1, len(question.options) + 1)
        ] + [MENU_DATA]
        data = answer_data(lesson.id, number, chosen + 1)
        replies = lessons.press(USER, data, band)
        assert replies is not None
        seen += replies
        option = question.options[chosen]
        right += option.correct
        feedback = replies[0]
        assert feedback.replace and not feedback.buttons
        assert feedback.text == (
            f"{question.text}\n\nSu respuesta: {option.text}\n\n{option.feedback}"
        )
        assert lessons.press(USER, data, band) is None  # the same button again: stale
        replies = replies[1:]
    (summary,) = replies
    assert summary.text.startswith(f"Respondió bien {right} de {total}.")
    assert labels(summary) == [flow.REPEAT_QUIZ, flow.BACK]
    assert all_data([summary]) == [quiz_data(lesson.id), MENU_DATA]
    assert not lessons.active(USER)
    return seen


@pytest.mark.parametrize("lesson_id", list(SHIPPED))
def test_every_quiz_path_for_every_band_ends_with_the_summary(lesson_id):
    lesson = SHIPPED[lesson_id]
    lessons = Lessons(SHIPPED)
    for band in BANDS:
        quiz = lesson.quiz_for(band)
        for choices in itertools.product(*(range(len(q.options)) for q in quiz)):
            run_quiz(lessons, lesson, choices, band)
    # The best and the worst path, by what the summary says.
    best = tuple(question.correct for question in lesson.quiz)
    worst = tuple((question.correct + 1) % len(question.options) for question in lesson.quiz)
    total = len(lesson.quiz)
    assert f"Respondió bien {total} de {total}." in run_quiz(lessons, lesson, best, None)[-1].text
    assert f"Respondió bien 0 de {total}." in run_quiz(lessons, lesson, worst, None)[-1].text


def test_every_button_shown_fits_telegram_and_is_accepted_back():
    lessons = Lessons(SHIPPED)
    shown = all_data(lessons.menu())
    for lesson in SHIPPED.values():
        for band in BANDS:
            shown += all_data(lessons.press(USER, open_data(lesson.id), band) or [])
        shown += all_data(run_quiz(lessons, lesson, (0,) * len(lesson.quiz), None))
    assert shown
    for data in shown:
        assert 1 <= len(data.encode()) <= CALLBACK_DATA_LIMIT and data.startswith("l:")
        assert Lessons.owns(data)
    for data in set(shown):
        if data.startswith("l:a:"):
            lessons.press(USER, quiz_data(data.split(":")[2]), None)
            question = int(data.split(":")[3])
            for earlier in range(1, question):
                lessons.press(USER, answer_data(data.split(":")[2], earlier, 1), None)
        assert lessons.press(USER, data, None) is not None, data


def test_the_longest_possible_button_data_fits():
    assert len(longest_data("a" * 30).encode()) <= CALLBACK_DATA_LIMIT
    assert longest_data("a" * 30) == "l:a:" + "a" * 30 + ":3:4"


# -- forged and stale buttons ---------------------------------------------------------------


FORGED = [
    "",
    "l:",
    "l:m ",
    "l:m\n",
    "l:menu",
    "l:o:no-existe",
    "l:o:Que-Es-La-Trata",
    "l:o:que-es-la-tratá",
    "l:o:que-es-la-trata:1",
    "l:x:que-es-la-trata",
    "l:q:",
    "l:q:a",
    "l:a:que-es-la-trata",
    "l:a:que-es-la-trata:1",
    "l:a:que-es-la-trata:1:1:1",
    "l:a:que-es-la-trata:01:1",
    "l:a:que-es-la-trata:1:x",
    "s:que-es-la-trata:1",
    "r:ver_menu",
    "l:o:" + "a" * 61,
    "l:a:no-existe:1:1",
]


@pytest.mark.parametrize("data", FORGED)
def test_forged_buttons_are_refused(data):
    lessons = Lessons(SHIPPED)
    lessons.press(USER, quiz_data("que-es-la-trata"), None)  # a quiz on screen
    assert lessons.press(USER, data, None) is None
    assert lessons.active(USER)  # and it is still there


def test_an_answer_without_a_quiz_on_screen_is_stale():
    lessons = Lessons(SHIPPED)
    assert lessons.press(USER, answer_data("que-es-la-trata", 1, 1), None) is None
    lessons.press(USER, open_data("que-es-la-trata"), None)  # reading is not a quiz
    assert lessons.press(USER, answer_data("que-es-la-trata", 1, 1), None) is None


def test_only_the_question_on_screen_is_accepted():
    lessons = Lessons(SHIPPED)
    lesson = "que-es-la-trata"
    lessons.press(USER, quiz_data(lesson), None)
    assert lessons.press(USER, answer_data(lesson, 2, 1), None) is None  # not yet
    assert lessons.press(USER, answer_data(lesson, 1, 4), None) is None  # no such option
    assert lessons.press(USER, answer_data(lesson, 1, 9), None) is None
    assert lessons.press(USER, answer_data("ofertas-falsas", 1, 1), None) is None  # other quiz
    assert lessons.press(USER, answer_data(lesson, 1, 1), None) is not None
    assert lessons.press(USER, answer_data(lesson, 1, 2), None) is None  # already answered
    assert lessons.press(USER, answer_data(lesson, 2, 1), None) is not None


def test_another_persons_quiz_is_not_theirs_to_answer():
    lessons = Lessons(SHIPPED)
    lessons.press("a", quiz_data("sus-derechos"), None)
    assert lessons.press("b", answer_data("sus-derechos", 1, 1), None) is None
    assert lessons.press("a", answer_data("sus-derechos", 1, 1), None) is not None


def test_starting_another_quiz_makes_the_old_buttons_stale():
    lessons = Lessons(SHIPPED)
    lessons.press(USER, quiz_data("que-es-la-trata"), None)
    lessons.press(USER, answer_data("que-es-la-trata", 1, 1), None)
    lessons.press(USER, quiz_data("ofertas-falsas"), None)
    assert lessons.press(USER, answer_data("que-es-la-trata", 2, 1), None) is None
    # Starting the same quiz again begins at question 1, counting from zero.
    lessons.press(USER, quiz_data("regalos-y-plata"), None)
    lessons.press(USER, answer_data("regalos-y-plata", 1, 1), None)
    lessons.press(USER, quiz_data("regalos-y-plata"), None)
    assert lessons.press(USER, answer_data("regalos-y-plata", 2, 1), None) is None
    lessons.press(USER, answer_data("regalos-y-plata", 1, 2), None)
    replies = lessons.press(USER, answer_data("regalos-y-plata", 2, 3), None)
    assert replies is not None and replies[-1].text.startswith("Respondió bien 0 de 2.")


def test_the_menu_and_lessons_stay_usable_during_a_quiz():
    lessons = Lessons(SHIPPED)
    lessons.press(USER, quiz_data("sus-derechos"), None)
    assert lessons.press(USER, MENU_DATA, None) == lessons.menu()
    assert lessons.press(USER, open_data("donde-pedir-ayuda"), "9-12") is not None
    assert lessons.press(USER, answer_data("sus-derechos", 1, 2), None) is not None


@pytest.mark.parametrize("kept", ["memory", "database"])
def test_forget_and_abandonment_drop_the_quiz(kept, request):
    now = [datetime(2026, 12, 5, 12, 0)]
    if kept == "memory":
        states: States = MemoryStates("lessons", flow.ABANDONED_AFTER, clock=lambda: now[0])
    else:
        database = request.getfixturevalue("database")
        states = DatabaseStates(database, "lessons", flow.ABANDONED_AFTER, clock=lambda: now[0])
    lessons = Lessons(SHIPPED, states)
    lessons.press(USER, quiz_data("sus-derechos"), None)
    assert lessons.forget(USER) and not lessons.forget(USER)
    assert lessons.press(USER, answer_data("sus-derechos", 1, 1), None) is None

    lessons.press(USER, quiz_data("sus-derechos"), None)
    now[0] += flow.ABANDONED_AFTER - timedelta(seconds=1)
    assert lessons.press(USER, answer_data("sus-derechos", 1, 1), None) is not None
    now[0] += flow.ABANDONED_AFTER + timedelta(seconds=1)
    assert lessons.press(USER, answer_data("sus-derechos", 2, 1), None) is None
    assert not lessons.active(USER)

    lessons.press("otra", quiz_data("sus-derechos"), None)
    now[0] += flow.ABANDONED_AFTER + timedelta(seconds=1)
    lessons.press(USER, quiz_data("sus-derechos"), None)  # starting one sweeps the old
    now[0] -= flow.ABANDONED_AFTER  # so that an unswept row would read as alive again
    assert not lessons.active("otra")


# -- malformed lesson files -----------------------------------------------------------------

VALID = textwrap.dedent(
    """\
    id: prueba
    title: Una lección de prueba
    messages:
      - Primer mensaje.
      - Segundo mensaje.
      - Recuerde, escriba AYUDA en cualquier momento.
    variants:
      "9-12":
        - Uno.
        - Dos.
        - Escriba AYUDA cuando quiera.
    quiz:
      - text: ¿Primera pregunta?
        options:
          - text: Sí
            correct: true
            feedback: ¡Muy bien!
          - text: No
            feedback: Casi. Es «sí».
      - text: ¿Segunda pregunta?
        options:
          - text: Una
            feedback: Se entiende. Es la otra.
          - text: Otra
            correct: true
            feedback: ¡Exacto!
    """
)


def lines_of(text: str) -> list[str]:
    return text.splitlines(keepends=True)


def replace_line(number: int, new: str) -> str:
    lines = lines_of(VALID)
    lines[number - 1] = new
    return "".join(lines)


def insert_after(number: int, new: str) -> str:
    lines = lines_of(VALID)
    lines.insert(number, new)
    return "".join(lines)


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_the_valid_example_loads(tmp_path):
    lesson = load_lesson(write(tmp_path, "prueba.yml", VALID))
    assert lesson.id == "prueba" and lesson.line == 1
    assert lesson.messages[0] == "Primer mensaje."
    assert lesson.variants == {"9-12": ("Uno.", "Dos.", "Escriba AYUDA cuando quiera.")}
    assert [question.correct for question in lesson.quiz] == [0, 1]
    assert lesson.quiz[0].options[1] == QuizOption("No", "Casi. Es «sí».", False)


OPTIONS_5 = "".join(f"      - text: Opción {n}\n        feedback: Bien.\n" for n in range(3, 6))

MALFORMED = [
    # (name, file text, line, words in the problem, words in the fix)
    (
        "unknown key",
        VALID.replace("title:", "titulo:"),
        2,
        "unknown key 'titulo' in the lesson",
        "did you mean 'title'?",
    ),
    (
        "missing title",
        replace_line(2, ""),
        1,
        "the lesson has no 'title'",
        "add a 'title:' line",
    ),
    (
        "id not valid",
        VALID.replace("id: prueba", "id: Mi Prueba"),
        1,
        "lesson id 'Mi Prueba' is not valid",
        "lowercase letters a-z, digits and '-'",
    ),
    (
        "id too long for button data",
        VALID.replace("id: prueba", "id: " + "a" * 31),
        1,
        f"has 31 characters, more than 30: its buttons would not fit Telegram's "
        f"{CALLBACK_DATA_LIMIT} bytes",
        "shorten it to 30 characters or fewer",
    ),
    (
        "too few messages",
        replace_line(5, ""),
        4,
        "'messages' has 2 messages",
        "give it 3 to 6 messages",
    ),
    (
        "too many messages",
        insert_after(3, "  - Otro.\n" * 4),
        4,
        "'messages' has 7 messages",
        "give it 3 to 6 messages",
    ),
    (
        "two correct answers",
        insert_after(18, "        correct: true\n"),
        19,
        "quiz question 1 has a second correct option (the first is on line 16)",
        "keep 'correct: true' on exactly one option",
    ),
    (
        "no correct answer",
        replace_line(16, ""),
        15,
        "quiz question 1 has no correct option",
        "add 'correct: true' to the one right option",
    ),
    (
        "unknown band",
        VALID.replace('"9-12":', '"13-17":'),
        8,
        "unknown age band '13-17' in 'variants'",
        "the band ids of consent/bands.yml: 9-12, 13-15, 16-17, 18-24",
    ),
    (
        "variant with too few messages",
        replace_line(10, ""),
        9,
        "the messages for band '9-12' has 2 messages",
        "give it 3 to 6 messages",
    ),
    (
        "option without feedback",
        replace_line(19, ""),
        18,
        "option 2 of quiz question 1 has no 'feedback'",
        "add a 'feedback:' line to option 2 of quiz question 1",
    ),
    (
        "five options",
        insert_after(19, OPTIONS_5),
        15,
        "the options of quiz question 1 has 5 options",
        "give it 2 to 4 options",
    ),
    (
        "one question",
        "".join(lines_of(VALID)[:19]),
        13,
        "'quiz' has 1 question",
        "give it 2 to 3 questions",
    ),
    (
        "correct is not true or false",
        VALID.replace("correct: true", "correct: si", 1),
        16,
        "'correct' in option 1 of quiz question 1 must be true or false",
        "write 'correct: true' on the right option only",
    ),
    (
        "correct in quotes",
        VALID.replace("correct: true", 'correct: "true"', 1),
        16,
        "must be true or false",
        "write 'correct: true'",
    ),
    (
        "key written twice",
        insert_after(2, "title: Otra vez\n"),
        3,
        "'title' appears twice in the lesson (first on line 2)",
        "keep one 'title' and remove the other",
    ),
    (
        "last message without AYUDA",
        replace_line(6, "  - Hasta pronto.\n"),
        6,
        "the last message of 'messages' does not remind that AYUDA works any time",
        "AYUDA in capitals",
    ),
    (
        "message too long",
        replace_line(4, "  - " + "palabra " * 60 + "\n"),
        4,
        "message 1 of 'messages' has 479 characters, more than 400",
        "or split it in two",
    ),
    (
        "option too long for a button",
        replace_line(22, "      - text: " + "una opción muy larga " * 3 + "\n"),
        22,
        "the text of option 1 of quiz question 2 has 62 characters, more than 45",
        "phones cut long buttons",
    ),
    (
        "title too long for a button",
        replace_line(2, "title: " + "título largo " * 4 + "\n"),
        2,
        "'title' has 51 characters, more than 40",
        "it is a button in the lesson menu",
    ),
    (
        "a message with ': ' read as a key",
        replace_line(5, "  - PANI: 1147\n"),
        5,
        "message 2 of 'messages' must be a text",
        "write message 2 of 'messages' after ':'",
    ),
    (
        "unknown option key",
        VALID.replace("feedback: ¡Exacto!", "feedbak: ¡Exacto!"),
        26,
        "unknown key 'feedbak' in option 2 of quiz question 2",
        "did you mean 'feedback'?",
    ),
    (
        "same option twice",
        VALID.replace("- text: Otra", "- text: una"),
        24,
        "option 2 of quiz question 2 is the same as an earlier option",
        "give each option of a question its own text",
    ),
    (
        "empty variants",
        replace_line(8, "").replace(
            "    - Uno.\n    - Dos.\n    - Escriba AYUDA cuando quiera.\n", ""
        ),
        7,
        "'variants' is empty",
        "remove 'variants'",
    ),
    (
        "a tab",
        replace_line(4, "\t- Primer mensaje.\n"),
        4,
        "this is not valid YAML",
        "spaces, never tabs",
    ),
    (
        "empty file",
        "",
        1,
        "the file is empty",
        "start from the example in content/README.md",
    ),
]


@pytest.mark.parametrize(
    ("text", "line", "problem", "fix"),
    [case[1:] for case in MALFORMED],
    ids=[case[0] for case in MALFORMED],
)
def test_malformed_lesson_files_name_the_file_the_line_and_the_fix(
    tmp_path, text, line, problem, fix
):
    path = write(tmp_path, "mala.yml", text)
    with pytest.raises(LessonError) as caught:
        load_lesson(path)
    error = caught.value
    message = str(error)
    assert message.startswith(f"{path}:{line}: "), message
    assert error.path == path and error.line == line
    assert problem in error.problem, message
    assert fix in error.fix, message
    assert message == f"{path}:{line}: {error.problem}. Fix: {error.fix}"


def test_two_lessons_with_the_same_id_are_refused(tmp_path):
    write(tmp_path, "01-a.yml", VALID)
    second = write(tmp_path, "02-b.yml", VALID.replace("title: Una", "title: Otra"))
    with pytest.raises(LessonError) as caught:
        load_lessons(tmp_path)
    assert str(caught.value) == (
        f"{second}:1: lesson id 'prueba' is also used by {tmp_path / '01-a.yml'}:1. "
        "Fix: give each lesson its own id (one file per lesson)"
    )


def test_two_lessons_with_the_same_title_are_refused(tmp_path):
    write(tmp_path, "01-a.yml", VALID)
    second = write(tmp_path, "02-b.yml", "\n" + VALID.replace("id: prueba", "id: otra"))
    with pytest.raises(LessonError) as caught:
        load_lessons(tmp_path)
    assert str(caught.value).startswith(f"{second}:3: the title 'Una lección de prueba'")
    assert "Fix: give each lesson its own title" in str(caught.value)


def test_a_yaml_file_is_refused_rather_than_ignored(tmp_path):
    stray = write(tmp_path, "leccion.yaml", VALID)
    with pytest.raises(LessonError) as caught:
        load_lessons(tmp_path)
    assert str(caught.value) == (
        f"{stray}: lesson files must end in .yml. Fix: rename it to leccion.yml"
    )


def test_an_empty_folder_has_no_lessons(tmp_path):
    assert load_lessons(tmp_path) == {}


def test_the_checker_command_reports_a_bad_file(tmp_path, capsys):
    path = write(tmp_path, "mala.yml", VALID.replace("title:", "titulo:"))
    assert main([str(path)]) == 1
    assert f"error: {path}:2: unknown key 'titulo'" in capsys.readouterr().err
    assert main([str(write(tmp_path, "buena.yml", VALID))]) == 0
    assert "ok: prueba (2 quiz questions, own messages for 9-12)" in capsys.readouterr().out


def test_by_default_the_checker_reports_in_spanish_with_the_file_the_line_and_the_fix(
    tmp_path, capsys, staff_in_spanish
):
    path = write(tmp_path, "mala.yml", VALID.replace("title:", "titulo:"))
    assert main([str(path)]) == 1
    assert capsys.readouterr().err == (
        f"error: {path}:2: clave desconocida 'titulo' en la lección. Solución: ¿quiso decir "
        "'title'? Use solo las claves permitidas aquí: id, title, messages, variants, quiz\n"
    )
    assert main([str(write(tmp_path, "buena.yml", VALID))]) == 0
    assert capsys.readouterr().out == (
        "ok: prueba (2 preguntas de quiz, mensajes propios para 9-12)\n"
    )
