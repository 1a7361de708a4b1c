"""Reading lesson files (content/*.yml) into `Lesson`s, strictly.

Facilitators write lessons, so every mistake is reported as
"<file>:<line>: <what is wrong>. Fix: <how>", in the staff language (STAFF_LANGUAGE; in
Spanish, "Solución" for "Fix"). Files are read by `bot.datafiles`, which keeps
each value's line and the text as written (`si`, `no` or `1147` stay text); this module
knows what a lesson must contain.

A lesson file:

    id: que-es-la-trata                # ^[a-z0-9-]{2,30}$, unique over content/
    title: ¿Qué es la trata?           # the button in the lesson menu
    messages:                          # 3-6 short messages; the last one mentions AYUDA
      - ...
    quiz:                              # 2-3 questions
      - text: ¿...?
        options:                       # 2-4 options, exactly one `correct: true`
          - text: ...
            correct: true
            feedback: ...              # what the child reads after choosing it
    variants:                          # optional: a band's own words
      "9-12":
        messages:                      # instead of `messages` (3-6, the last mentions AYUDA)
          - ...
        quiz:                          # instead of `quiz` (the same rules)
          - ...
      "13-15":                         # a plain list: the band's own messages only
        - ...

The rules are written out for facilitators in content/README.md. The button data grammar
lives here too (see "Button data"), so that loading can prove every button fits every channel
(`bot.channels.BUTTON_DATA_LIMIT`: Telegram's 64 bytes).

`python -m bot.awareness.schema [FILE ...]` checks the given files, or every lesson.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from bot.datafiles import DataFileError, NodeReader, line_of, load_yaml, plain, suggest, yml_files
from bot.flows.codec import CALLBACK_DATA_LIMIT, Codec
from bot.i18n import N_, _s, _sn
from bot.settings import ROOT
from consent.bands import Bands, BandsError, load_bands

CONTENT_DIR = ROOT / "content"

LESSON_ID = re.compile(r"[a-z0-9-]{2,30}")
ID_LENGTH = (2, 30)
MESSAGES = (3, 6)  # how many messages a lesson (or a band's variant) has
QUESTIONS = (2, 3)  # how many quiz questions
OPTIONS = (2, 4)  # how many options a question has
MESSAGE_LIMIT = 400  # characters: a message, a question or a feedback ("short")
TITLE_LIMIT = 40  # characters: the title is a button label in the menu
OPTION_LIMIT = 45  # characters: options are button labels; phones cut longer ones
SAFE_WORD = re.compile(r"\bAYUDA\b")

LESSON_KEYS = ("id", "title", "messages", "variants", "quiz")
VARIANT_KEYS = ("messages", "quiz")  # what a band's variant may give instead of the default
QUESTION_KEYS = ("text", "options")
OPTION_KEYS = ("text", "correct", "feedback")
BOOL_WORDS = {"true": True, "false": False}

# -- Button data ---------------------------------------------------------------------------
# Button data must fit every channel (`bot.channels.BUTTON_DATA_LIMIT`: Telegram's
# callback_data holds 1-64 bytes) and comes back from the client, so it is parsed
# strictly (`BUTTONS.parse`, in bot.awareness.lessons). The grammar:
#   l:m                         the lesson menu
#   l:o:<lesson>                open a lesson (its messages for the child's band)
#   l:q:<lesson>                start, or start again, the lesson's quiz
#   l:a:<lesson>:<q>:<o>        answer question <q> (1-based) with option <o> (1-based)
BUTTONS = Codec("l", r"m|[oq]:[a-z0-9-]{2,30}|a:[a-z0-9-]{2,30}:[1-9]:[1-9]")
MENU_DATA = BUTTONS.encode("m")


def open_data(lesson: str) -> str:
    return BUTTONS.encode("o", lesson)


def quiz_data(lesson: str) -> str:
    return BUTTONS.encode("q", lesson)


def answer_data(lesson: str, question: int, option: int) -> str:
    """`question` and `option` are 1-based, as shown to the child."""
    return BUTTONS.encode("a", lesson, question, option)


def longest_data(lesson: str) -> str:
    """The longest button data a lesson with this id can produce."""
    return answer_data(lesson, QUESTIONS[1], OPTIONS[1])


# -- The values ----------------------------------------------------------------------------


@dataclass(frozen=True)
class QuizOption:
    text: str  # the button label
    feedback: str  # what the child reads after choosing it: kind, whichever it is
    correct: bool = False


@dataclass(frozen=True)
class QuizQuestion:
    text: str
    options: tuple[QuizOption, ...]

    @property
    def correct(self) -> int:
        """The index (0-based) of the one correct option."""
        return next(index for index, option in enumerate(self.options) if option.correct)


@dataclass(frozen=True)
class Lesson:
    id: str
    title: str
    messages: tuple[str, ...]  # the default, for every band without a variant
    quiz: tuple[QuizQuestion, ...]
    variants: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # band id -> messages
    source: Path | None = field(default=None, compare=False)
    line: int | None = field(default=None, compare=False)  # the line of `id:` in `source`
    quizzes: Mapping[str, tuple[QuizQuestion, ...]] = field(default_factory=dict)  # band -> quiz

    def messages_for(self, band: str | None) -> tuple[str, ...]:
        """The band's own messages, or the default when there is no band or no variant."""
        return self.variants.get(band or "", self.messages)

    def quiz_for(self, band: str | None) -> tuple[QuizQuestion, ...]:
        """The band's own quiz, or the default when there is no band or no variant."""
        return self.quizzes.get(band or "", self.quiz)


class LessonError(DataFileError):
    """A lesson file is malformed. The message is "<file>:<line>: <problem>. Fix: <fix>";
    the parts are kept as attributes too."""


# -- Reading -------------------------------------------------------------------------------


class _Reader(NodeReader):
    """Reads one file's node tree; every check raises a LessonError at the node."""

    error = LessonError
    text_fix = N_(
        "escriba {what} después de ':' (para un texto largo, ponga '>' y luego líneas con sangría)"
    )

    def __init__(self, path: Path, bands: Bands) -> None:
        super().__init__(path)
        self.band_ids = [band.id for band in bands.bands]

    def boolean(self, node: yaml.Node, what: str) -> bool:
        word = str(node.value).strip().lower() if isinstance(node, yaml.ScalarNode) else None
        if word not in BOOL_WORDS or node.tag == "tag:yaml.org,2002:str":
            raise self.fail(
                node,
                _s("{what} debe ser true o false").format(what=what),
                _s("escriba 'correct: true' solo en la opción correcta (no lo ponga en las demás)"),
            )
        return BOOL_WORDS[word]

    # -- the lesson -----------------------------------------------------------------------

    def lesson(self, root: yaml.Node | None) -> Lesson:
        if root is None:
            raise self.empty(_s("empiece con el ejemplo de content/README.md"))
        the_lesson = _s("la lección")
        top = self.mapping(root, the_lesson, LESSON_KEYS)

        id_node = self.required(top, root, "id", the_lesson)
        lesson_id = self.lesson_id(id_node)
        title = self.text(
            self.required(top, root, "title", the_lesson),
            "'title'",
            TITLE_LIMIT,
            _s("acórtelo a {limit} caracteres o menos: es un botón en el menú de lecciones").format(
                limit=TITLE_LIMIT
            ),
        )
        messages = self.messages(self.required(top, root, "messages", the_lesson), "'messages'")

        variants: dict[str, tuple[str, ...]] = {}
        quizzes: dict[str, tuple[QuizQuestion, ...]] = {}
        if "variants" in top:
            variants_node = top["variants"][1]
            fields = (
                {}
                if self.is_null(variants_node)
                else self.mapping(variants_node, "'variants'", None)
            )
            if not fields:
                raise self.fail(
                    variants_node,
                    _s("{what} está en blanco").format(what="'variants'"),
                    _s(
                        "quite 'variants', o agregue los mensajes de una franja, p. ej. "
                        "'\"9-12\":' y una lista"
                    ),
                )
            for band, (key_node, value_node) in fields.items():
                if band not in self.band_ids:
                    raise self.fail(
                        key_node,
                        _s("franja de edad desconocida '{band}' en {what}").format(
                            band=band, what="'variants'"
                        ),
                        suggest(
                            band,
                            self.band_ids,
                            _s("use los ids de franja de consent/bands.yml: {ids}").format(
                                ids=", ".join(self.band_ids)
                            ),
                        ),
                    )
                self.variant(band, key_node, value_node, variants, quizzes)

        quiz = self.quiz(self.required(top, root, "quiz", the_lesson), None)

        for data in (MENU_DATA, open_data(lesson_id), quiz_data(lesson_id)) + tuple(
            answer_data(lesson_id, q, o)
            for each in (quiz, *quizzes.values())
            for q, question in enumerate(each, start=1)
            for o in range(1, len(question.options) + 1)
        ):  # cannot fail with the id rule; kept so that a change to the grammar cannot slip
            if len(data.encode()) > CALLBACK_DATA_LIMIT:
                raise self.fail(
                    id_node,
                    _s(
                        "los datos del botón {data} pasan de los {limit} bytes que permite Telegram"
                    ).format(data=repr(data), limit=CALLBACK_DATA_LIMIT),
                    _s("acorte el id de la lección"),
                )
        return Lesson(
            lesson_id, title, messages, quiz, variants, self.path, line_of(id_node), quizzes
        )

    def variant(
        self,
        band: str,
        key_node: yaml.Node,
        node: yaml.Node,
        variants: dict[str, tuple[str, ...]],
        quizzes: dict[str, tuple[QuizQuestion, ...]],
    ) -> None:
        """A band's own words: a plain list is its messages (the first form lesson files
        had); 'messages:' and 'quiz:' below the band give either or both."""
        messages_what = _s("los mensajes para la franja '{band}'").format(band=band)
        if isinstance(node, yaml.SequenceNode):
            variants[band] = self.messages(node, messages_what)
            return
        what = _s("la franja '{band}' en {what}").format(band=band, what="'variants'")
        fix = _s(
            "ponga debajo 'messages:' con los mensajes de la franja, 'quiz:' con su quiz, o "
            "ambos (o quite la franja)"
        )
        if self.is_null(node) or (
            isinstance(node, yaml.MappingNode)
            and all(self.is_null(value) for _key, value in node.value)
        ):
            raise self.fail(
                key_node, _s("{what} no tiene ni mensajes ni quiz").format(what=what), fix
            )
        if not isinstance(node, yaml.MappingNode):
            raise self.fail(
                node,
                _s("{what} debe ser una lista de mensajes, o 'messages:' y 'quiz:'").format(
                    what=what
                ),
                fix,
            )
        fields = self.mapping(node, what, VARIANT_KEYS)
        if "messages" in fields:
            variants[band] = self.messages(
                self.required(fields, node, "messages", what), messages_what
            )
        if "quiz" in fields:
            quizzes[band] = self.quiz(self.required(fields, node, "quiz", what), band)

    def quiz(self, node: yaml.Node, band: str | None) -> tuple[QuizQuestion, ...]:
        """The default quiz (`band` None) or a band's own."""
        what = "'quiz'" if band is None else _s("el quiz para la franja '{band}'").format(band=band)
        questions = self.sequence(node, what, _s("pregunta"), QUESTIONS, items=_s("preguntas"))
        return tuple(
            self.question(item, number, band) for number, item in enumerate(questions, start=1)
        )

    def lesson_id(self, node: yaml.Node) -> str:
        value = self.text(node, _s("el id de la lección"), 1000)
        low, high = ID_LENGTH
        if len(value) > high:
            raise self.fail(
                node,
                _s(
                    "el id de lección '{id}' tiene {count} caracteres, más de {high}: sus botones "
                    "no cabrían en los {limit} bytes de datos de botón que permite Telegram"
                ).format(id=value, count=len(value), high=high, limit=CALLBACK_DATA_LIMIT),
                _s("acórtelo a {high} caracteres o menos, p. ej. '{example}'").format(
                    high=high, example=value[:high].rstrip("-")
                ),
            )
        if not LESSON_ID.fullmatch(value):
            raise self.fail(
                node,
                _s("el id de lección '{id}' no es válido").format(id=value),
                _s(
                    "use de {low} a {high} caracteres: letras minúsculas a-z, dígitos y '-' (sin "
                    "espacios ni tildes), p. ej. ofertas-falsas"
                ).format(low=low, high=high),
            )
        return value

    def messages(self, node: yaml.Node, what: str) -> tuple[str, ...]:
        items = self.sequence(node, what, _s("mensaje"), MESSAGES, items=_s("mensajes"))
        shorten = _s("acórtelo a {limit} caracteres o menos, o divídalo en dos").format(
            limit=MESSAGE_LIMIT
        )
        messages = tuple(
            self.text(
                item,
                _s("el mensaje {number} de {what}").format(number=number, what=what),
                MESSAGE_LIMIT,
                shorten,
            )
            for number, item in enumerate(items, start=1)
        )
        if not SAFE_WORD.search(messages[-1]):
            raise self.fail(
                items[-1],
                _s(
                    "el último mensaje de {what} no recuerda que AYUDA funciona en cualquier "
                    "momento"
                ).format(what=what),
                _s(
                    "termínelo con un recordatorio, p. ej. 'Recuerde: si algo le preocupa, "
                    "escriba AYUDA en cualquier momento.' (AYUDA en mayúsculas)"
                ),
            )
        return messages

    def question(self, node: yaml.Node, number: int, band: str | None = None) -> QuizQuestion:
        what = (
            _s("la pregunta {number} del quiz").format(number=number)
            if band is None
            else _s("la pregunta {number} del quiz para la franja '{band}'").format(
                number=number, band=band
            )
        )
        fields = self.mapping(node, what, QUESTION_KEYS)
        text = self.text(
            self.required(fields, node, "text", what),
            _s("el texto de {what}").format(what=what),
            MESSAGE_LIMIT,
        )
        options_node = self.required(fields, node, "options", what)
        items = self.sequence(
            options_node,
            _s("las opciones de {what}").format(what=what),
            _s("opción"),
            OPTIONS,
            items=_s("opciones"),
        )
        options: list[QuizOption] = []
        correct_line: int | None = None
        for index, item in enumerate(items, start=1):
            where = _s("la opción {number} de {what}").format(number=index, what=what)
            option_fields = self.mapping(item, where, OPTION_KEYS)
            label = self.text(
                self.required(option_fields, item, "text", where),
                _s("el texto de {what}").format(what=where),
                OPTION_LIMIT,
                _s(
                    "acórtelo a {limit} caracteres o menos: es un botón, y los teléfonos cortan "
                    "los botones largos"
                ).format(limit=OPTION_LIMIT),
            )
            if any(plain(option.text) == plain(label) for option in options):
                raise self.fail(
                    option_fields["text"][1],
                    _s("{where} es igual a una opción anterior").format(where=where),
                    _s("dele a cada opción de una pregunta su propio texto"),
                )
            feedback = self.text(
                self.required(option_fields, item, "feedback", where),
                _s("el 'feedback' de {where}").format(where=where),
                MESSAGE_LIMIT,
            )
            correct = False
            if "correct" in option_fields:
                correct_node = option_fields["correct"][1]
                correct = self.boolean(correct_node, _s("'correct' en {where}").format(where=where))
                if correct and correct_line is not None:
                    raise self.fail(
                        correct_node,
                        _s(
                            "{what} tiene una segunda opción correcta (la primera está en la "
                            "línea {line})"
                        ).format(what=what, line=correct_line),
                        _s("deje 'correct: true' en una sola opción"),
                    )
                if correct:
                    correct_line = line_of(correct_node)
            options.append(QuizOption(label, feedback, correct))
        if correct_line is None:
            raise self.fail(
                options_node,
                _s("{what} no tiene ninguna opción correcta").format(what=what),
                _s("agregue 'correct: true' a la única opción correcta"),
            )
        return QuizQuestion(text, tuple(options))


def load_lesson(path: Path | str, bands: Bands | None = None) -> Lesson:
    """Read and validate one lesson file. Raises LessonError naming file, line and fix."""
    path = Path(path)
    root = load_yaml(path, LessonError)
    return _Reader(path, bands or load_bands()).lesson(root)


# content/ also holds the referral directory (bot.referrals), which is not a lesson.
NOT_LESSONS = ("referrals.yml",)


def lesson_files(folder: Path | str = CONTENT_DIR) -> list[Path]:
    """The lesson files of a folder: every *.yml but NOT_LESSONS, by name (the menu's
    order). A *.yaml file is refused rather than silently ignored."""
    files = yml_files(Path(folder), _s("los archivos de lecciones"), LessonError)
    return [path for path in files if path.name not in NOT_LESSONS]


def _title_line(path: Path) -> int | None:
    root = load_yaml(path, LessonError)
    if isinstance(root, yaml.MappingNode):
        for key, value in root.value:
            if isinstance(key, yaml.ScalarNode) and key.value == "title":
                return line_of(value)
    return None


def load_lessons(folder: Path | str = CONTENT_DIR, bands: Bands | None = None) -> dict[str, Lesson]:
    """Every lesson of the folder, by id, in file-name order. The first malformed file, or
    an id used by two files, raises LessonError."""
    bands = bands or load_bands()
    lessons: dict[str, Lesson] = {}
    for path in lesson_files(folder):
        lesson = load_lesson(path, bands)
        first = lessons.get(lesson.id)
        if first is not None:
            raise LessonError(
                path,
                lesson.line,
                _s("el id de lección '{id}' también lo usa {where}").format(
                    id=lesson.id, where=f"{first.source}:{first.line}"
                ),
                _s("dele a cada lección su propio id (un archivo por lección)"),
            )
        same = next((o for o in lessons.values() if plain(o.title) == plain(lesson.title)), None)
        if same is not None:
            raise LessonError(
                path,
                _title_line(path),
                _s("el título '{title}' también lo usa {source} (lección '{id}')").format(
                    title=lesson.title, source=same.source, id=same.id
                ),
                _s(
                    "dele a cada lección su propio título: los títulos son los botones del menú "
                    "de lecciones"
                ),
            )
        lessons[lesson.id] = lesson
    return lessons


def main(argv: list[str] | None = None) -> int:
    """Check lesson files: the ones named, or every lesson in content/. Exit 1 on an error."""
    paths = sys.argv[1:] if argv is None else argv
    try:
        if paths:
            bands = load_bands()
            lessons = [load_lesson(path, bands) for path in paths]
        else:
            lessons = list(load_lessons().values())
    except (LessonError, BandsError) as error:
        print(_s("error: {error}").format(error=error), file=sys.stderr)
        return 1
    for lesson in lessons:
        count = len(lesson.quiz)
        if lesson.variants:
            line = _sn(
                "ok: {lesson} ({count} pregunta de quiz, mensajes propios para {bands})",
                "ok: {lesson} ({count} preguntas de quiz, mensajes propios para {bands})",
                count,
            )
        else:
            line = _sn(
                "ok: {lesson} ({count} pregunta de quiz)",
                "ok: {lesson} ({count} preguntas de quiz)",
                count,
            )
        said = line.format(lesson=lesson.id, count=count, bands=", ".join(lesson.variants))
        if lesson.quizzes:  # "ok: x (3 preguntas de quiz, quiz propio para 9-12)"
            said = said.removesuffix(")") + _s(", quiz propio para {bands})").format(
                bands=", ".join(lesson.quizzes)
            )
        print(said)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
