"""Children of 9 to 12 read texts at "fácil" or better on the Fernández-Huerta index.

Every text a 9-12 child can be shown is measured: the Rasa responses (FAQ and chat) as a
9-12 child gets them (a response's `channel: "9-12"` variation where it has one), the
children's catalog (less what only older bands read: their assent and
privacy texts), and the lessons as a 9-12 child reads them, quizzes included; where a text
gives help services (bot.referrals.SERVICES), with the services a 9-12 child is given. The index
(textstat, Spanish) is 206.84 - 60 x syllables per word - 1.02 x words per sentence;
80-90 is "fácil", 90-100 "muy fácil". It is meant for running prose: on a line of a few
words one long word moves it ten points, so texts under MIN_WORDS words are not held to it.

BACKLOG names, by how they start, the texts that do not reach the floor yet. The test fails
when a text outside it falls below the floor, and when one in it reaches the floor (take it
out) or no longer exists: the list only shrinks.
"""

from __future__ import annotations

import textstat
import yaml

from bot.awareness.schema import load_lessons
from bot.helplines import AUDIENCE_OF_TEXTS, Helplines
from bot.referrals import SERVICES
from bot.settings import ROOT
from consent import texts
from tests.unit.test_promises import catalog_texts

FLOOR = 80.0  # Fernández-Huerta "fácil"
MIN_WORDS = 12
YOUNGEST = "9-12"
BACKLOG = (
    "No conozco ese comando.",  # a list of commands, not prose: the index says little
)


def responses_for(band: str) -> dict[str, str]:
    """Every Rasa response as a child of `band` gets it, by name: its variations for the
    band's channel where it has some (bot.agent.RasaAssistant.respond), else the others."""
    found: dict[str, str] = {}
    for path in sorted((ROOT / "domain").glob("*.yml")):
        domain = yaml.safe_load(path.read_text(encoding="utf-8"))
        for name, variations in (domain.get("responses") or {}).items():
            own = [v["text"] for v in variations if v.get("channel") == band]
            default = [v["text"] for v in variations if not v.get("channel")]
            found[name] = " ".join(own or default)
    return found


def for_the_youngest() -> list[tuple[str, str]]:
    """(where, text) for every text a 9-12 child can be shown."""
    services = Helplines.load().block(audience=AUDIENCE_OF_TEXTS["nino"])
    return [(where, text.replace(SERVICES, services)) for where, text in _youngest_texts()]


def _youngest_texts() -> list[tuple[str, str]]:
    older_only: set[str] = set()
    for variant in {"adolescente", "joven"}:
        question = texts.QUESTIONS[variant]
        older_only |= {*texts.ASSENT[variant], *texts.NOTICE[variant], question.explanation}
        older_only |= {question.text, *question.options}
    found = [(f"domain/ {name}", text) for name, text in responses_for(YOUNGEST).items()]
    found += [("locales/es messages.po", t) for t in catalog_texts() if t not in older_only]
    for lesson in load_lessons().values():
        where = f"content/ lesson {lesson.id}"
        found += [(where, message) for message in lesson.messages_for(YOUNGEST)]
        for question in lesson.quiz_for(YOUNGEST):
            found.append((where, question.text))
            found += [(where, option.feedback) for option in question.options]
    return found


def score(text: str) -> float:
    textstat.set_lang("es")
    return float(textstat.fernandez_huerta(text))


def test_texts_for_9_to_12_reach_facil_on_the_fernandez_huerta_index():
    measured = [(where, text) for where, text in for_the_youngest() if len(text.split()) >= 20]
    assert len(measured) >= 100  # the FAQ, the catalog and the lessons are all in
    problems = []
    for where, text in for_the_youngest():
        if len(text.split()) < MIN_WORDS:
            continue
        value = score(text)
        listed = any(text.startswith(start) for start in BACKLOG)
        if listed and value >= FLOOR:
            problems.append(f"{where}: now {value:.0f}: take it out of BACKLOG: {text[:60]!r}")
        elif not listed and value < FLOOR:
            problems.append(
                f"{where}: {value:.0f} < {FLOOR:.0f}: use shorter words and sentences: "
                f"{text[:80]!r}"
            )
    assert not problems, "\n".join(problems)


def test_every_backlog_entry_is_still_a_text():
    starts = [text for _where, text in for_the_youngest()]
    stale = [start for start in BACKLOG if not any(t.startswith(start) for t in starts)]
    assert not stale, f"no text starts like this any more: take it out of BACKLOG: {stale}"


def test_the_index_tells_a_childs_sentence_from_an_officials():
    child = "Si algo le da miedo, cuénteselo a alguien de su casa. No es su culpa."
    official = (
        "La institución competente determinará las medidas de protección correspondientes, "
        "considerando prioritariamente el interés superior de la persona menor de edad."
    )
    assert score(child) >= FLOOR > score(official)
