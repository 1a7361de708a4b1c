"""No child-facing text names a help service's number by hand: where a text says where to
call, it holds `$servicios` and the engine fills it from the referral directory for the
reader's topic, age and place (bot.helplines). A number written by hand is given to every
reader, an adult of 18-24 too, whom the PANI does not serve.

Allowed by hand: the number of a verified national service that serves every age the bot
speaks to (today 911: true for every reader), and the few texts in ALLOWED, each with the
reason it is true for whoever reads it. Texts read: the Rasa responses (domain/), the
children's catalog (locales/es/.../messages.po) and the lessons (content/)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import yaml
from babel.messages.pofile import read_po

from bot.helplines import AUDIENCE_OF_TEXTS
from bot.referrals import NATIONAL, REFERRALS_FILE, load_referrals

ROOT = Path(__file__).resolve().parents[2]
CATALOG = ROOT / "locales" / "es" / "LC_MESSAGES" / "messages.po"

# Where a text may name a number by hand, and why that number is true for every reader of
# that text. A place as `_texts` names it: "domain:<response>:<channel>" (no channel: the
# default words), "content:<file>:<path>" (and everything below the path), "catalog:" and
# the msgid's first words.
ALLOWED = {
    # Questions about the PANI itself: the number is the fact asked for.
    "domain:utter_faq_numero_pani:": "says too that the PANI serves people under 18",
    "domain:utter_faq_que_hace_pani:": "says the PANI is for children and adolescents",
    "domain:utter_faq_pani_me_quita_de_casa:": "asked by a minor about the PANI taking them",
    # Where to call when it is not an emergency: the PANI, for whoever is a minor.
    "domain:utter_faq_cuando_llamar_911:": "says the PANI is for a person under 18",
    "domain:utter_faq_cuando_llamar_911:9-12": "read only by a child who chose 9-12",
    # Reporting a minor's situation: the PANI is the place, whatever the reader's age.
    "domain:utter_faq_como_denunciar:": "to report the situation of a child or adolescent",
    "content:06-sus-derechos.yml:variants/18-24": "to report a minor at risk",
    # Lesson 08's quiz asks the PANI's number of minors only; 18-24 has its own quiz.
    "content:08-donde-pedir-ayuda.yml:quiz": "read by 13-15 and 16-17 only",
    "content:08-donde-pedir-ayuda.yml:variants/9-12": "read by 9-12 and an unknown band",
    # The consent flow's answer to «Menos de 9» (consent.texts.YOUNGER).
    "catalog:¡Gracias por contarme! 💛 Las consultas son para personas de 9": "read under 9",
}

PHONE = re.compile(r"\b\d{4}-\d{4}\b|\b\d{8}\b")


def _numbers() -> tuple[set[str], set[str]]:
    """Every number in the directory (verified or not), and those true for every reader:
    a verified national service that serves every audience the bands speak as."""
    directory = load_referrals()
    every = set(AUDIENCE_OF_TEXTS.values())
    shown = directory.shown()
    anyone = {s.number for s in shown if s.region == NATIONAL and every <= set(s.serves)}
    raw = yaml.safe_load(REFERRALS_FILE.read_text(encoding="utf-8"))
    return {str(service["number"]) for service in raw["services"]}, anyone


def _strings(value: object, where: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield where, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, f"{where}/{key}" if where[-1] != ":" else f"{where}{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, f"{where}/{index}")


def _texts() -> Iterator[tuple[str, str]]:
    """(place, text) for every text a child may read."""
    for path in sorted((ROOT / "domain").glob("*.yml")):
        responses = yaml.safe_load(path.read_text(encoding="utf-8")).get("responses") or {}
        for name, variations in responses.items():
            for variation in variations:
                yield f"domain:{name}:{variation.get('channel') or ''}", variation["text"]
    with CATALOG.open("rb") as handle:
        for message in read_po(handle):
            for text in (message.id, message.string):
                if isinstance(text, str) and text:
                    yield f"catalog:{text}", text
    for path in sorted((ROOT / "content").glob("*.yml")):
        if path.resolve() != REFERRALS_FILE.resolve():
            place = f"content:{path.name}:"
            yield from _strings(yaml.safe_load(path.read_text(encoding="utf-8")), place)


def _named(text: str, numbers: set[str]) -> set[str]:
    """The directory's `numbers` and any phone number that `text` names."""
    named = {n for n in numbers if re.search(rf"(?<![\d-]){re.escape(n)}(?![\d-])", text)}
    return named | set(PHONE.findall(text))


def _by_hand() -> dict[str, set[str]]:
    """Place -> the numbers it names by hand that are not true for every reader."""
    numbers, anyone = _numbers()
    found: dict[str, set[str]] = {}
    for where, text in _texts():
        if named := _named(text, numbers) - anyone:
            found.setdefault(where, set()).update(named)
    return found


def test_only_numbers_true_for_every_reader_are_allowed_anywhere():
    numbers, anyone = _numbers()
    assert anyone == {"911"}  # the emergency line; the PANI serves minors only
    assert "1147" in numbers - anyone


def _covers(entry: str, where: str) -> bool:
    if entry.startswith("catalog:"):
        return where.startswith(entry)
    return where == entry or where.startswith(f"{entry}/")


def test_no_child_facing_text_names_a_service_number_by_hand_outside_the_allow_list():
    found = _by_hand()
    assert found, "the scan finds nothing: it no longer reads the texts"
    outside = {w: n for w, n in found.items() if not any(_covers(e, w) for e in ALLOWED)}
    assert outside == {}


def test_every_allow_list_entry_is_still_needed():
    found = _by_hand()
    stale = [entry for entry in ALLOWED if not any(_covers(entry, w) for w in found)]
    assert stale == []


def test_the_scan_sees_a_number_written_by_hand():
    """The rule itself: a text naming PANI 1147 is found, one naming 911 is not."""
    numbers, anyone = _numbers()
    text = "Llame al PANI (1147) o al 911, o al 2222-3333; el artículo 172."
    assert _named(text, numbers) - anyone == {"1147", "2222-3333"}
