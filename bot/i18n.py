"""Translations: every word a user reads in the bot layer comes from a gettext catalog
(Babel), so the register (usted, vos, tú) or a phrase can change without touching code.

Two domains, each with its own translator:

- `messages`, with `_()`: what children read. Always Spanish (VOZ_LANGUAGE, default es);
  it never follows the staff language.
- `staff`, with `_s()`: what protection officers and facilitators read (alert cards, their
  status lines and button answers, relay confirmations, /campanas, /resultados, the
  results table, and everything `python -m bot` prints for the person running it: the
  campaigns and broadcast commands, errors in campaign, lesson and bands files, settings
  errors). In STAFF_LANGUAGE: es (default) or en. Log lines stay English: they are for
  developers. A module constant that cannot be
  translated when the module is imported is marked with `N_()` and translated with `_s()`
  where it is shown, so the language is the one in force at that moment. A text whose
  grammar follows a number ("1 pregunta", "2 preguntas") goes through `_sn(singular,
  plural, n)`, gettext's ngettext: its catalog entry has a msgid_plural and one msgstr per
  plural form (two in es and en, PLURAL_FORMS), and the number is still filled in with
  `.format(count=n)`.

Spanish is the source language: msgids are the Spanish text, and locales/es holds the
catalogs a facilitator edits; locales/en/LC_MESSAGES/staff.po holds the English. Compiled
catalogs (.mo) are built by `make` (`make i18n`), never committed; without one, gettext
falls back to the msgid, which is the Spanish.

Dates and numbers shown to staff are formatted by Babel for `staff_locale()` (es_CR, or en).

This module never reads the environment: the entry point reads `Settings` once and calls
`configure(staff_language=..., children_language=...)`; until then both are Spanish. Why
here and not on every call: a setting has one reader (bot.settings), and bot.settings may
import this module for its own error messages without an import circle. A children's text
kept in a module constant is translated when its module is imported, in the catalog in
force then (Spanish is the only children's catalog, and its msgids are the Spanish text).
"""

from __future__ import annotations

import functools
import gettext
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from bot import ROOT

if TYPE_CHECKING:  # Babel is imported where used: the bot's start needs only gettext
    from babel.messages.catalog import Catalog

LOCALES = ROOT / "locales"
DOMAIN = "messages"
STAFF_DOMAIN = "staff"
# Staff language -> the Babel locale its dates and numbers are formatted in.
STAFF_LOCALES = {"es": "es_CR", "en": "en"}


# What `configure` set; the defaults hold until an entry point calls it.
_children_language = "es"
_staff_language = "es"


def translator(language: str | None = None, domain: str = DOMAIN) -> gettext.NullTranslations:
    language = language or _children_language
    return gettext.translation(domain, localedir=LOCALES, languages=[language], fallback=True)


_translations = translator()


def configure(*, staff_language: str = "es", children_language: str = "es") -> None:
    """Set the two languages from the settings (STAFF_LANGUAGE, VOZ_LANGUAGE), once, at the
    entry point; called with no arguments it restores the defaults (Spanish)."""
    global _children_language, _staff_language, _translations
    _staff_language = staff_language.strip().lower() or "es"
    _children_language = children_language.strip() or "es"
    _translations = translator()


def _(message: str) -> str:
    """A child's text, in the children's catalog."""
    return _translations.gettext(message)


def staff_language() -> str:
    """The staff language `configure` set (Settings refuses a value not in STAFF_LOCALES at
    start); anything unknown here reads as Spanish."""
    return _staff_language if _staff_language in STAFF_LOCALES else "es"


def staff_locale() -> str:
    """The Babel locale for dates and numbers shown to staff."""
    return STAFF_LOCALES[staff_language()]


@functools.lru_cache(maxsize=16)
def _staff_translations(localedir: str, language: str) -> gettext.NullTranslations:
    return gettext.translation(
        STAFF_DOMAIN, localedir=localedir, languages=[language], fallback=True
    )


def _s(message: str, language: str | None = None) -> str:
    """An officer's or facilitator's text, in the staff catalog of STAFF_LANGUAGE (or of
    `language`)."""
    return _staff_translations(str(LOCALES), language or staff_language()).gettext(message)


def _sn(singular: str, plural: str, n: int, language: str | None = None) -> str:
    """An officer's or facilitator's text that depends on a number: the singular or the
    plural form for `n` in the staff catalog of STAFF_LANGUAGE (or of `language`). The
    number is not filled in here: `_sn("{count} pregunta", "{count} preguntas",
    n).format(count=n)`."""
    translations = _staff_translations(str(LOCALES), language or staff_language())
    return translations.ngettext(singular, plural, n)


def N_(message: str) -> str:  # the gettext name for "translate later"
    """Marks a staff text for the catalog without translating it yet; `_s()` it when shown."""
    return message


def staff_number(value: float) -> str:
    from babel.numbers import format_decimal

    return format_decimal(value, locale=staff_locale())


def staff_date(value: date) -> str:
    from babel.dates import format_date

    return format_date(value, "medium", locale=staff_locale())


def staff_time(value: datetime) -> str:
    from babel.dates import format_time

    return format_time(value, "short", locale=staff_locale())


def staff_datetime(value: datetime) -> str:
    """Date (medium) and time (short), joined the locale's way."""
    from babel.dates import get_datetime_format

    pattern = str(get_datetime_format("medium", locale=staff_locale()))
    return pattern.replace("{1}", staff_date(value)).replace("{0}", staff_time(value))


# -- catalog maintenance (`python -m bot i18n`, `make i18n`) ----------------------------

SOURCE_LANGUAGE = "es"
# domain -> (its languages, the functions that mark its messages, the folders read). Each
# domain extracts only its own functions, so a folder may hold both kinds of text
# (consent/: the children's assent texts with `_`, the bands file's errors with `_s`).
# A function's spec is Babel's: None for one text (the first argument), (1, 2) for
# ngettext's singular and plural.
CATALOGS: dict[str, tuple[tuple[str, ...], dict[str, tuple[int, ...] | None], tuple[str, ...]]] = {
    DOMAIN: (("es",), {"_": None}, ("bot", "consent")),
    STAFF_DOMAIN: (
        tuple(STAFF_LOCALES),
        {"_s": None, "N_": None, "_sn": (1, 2)},
        ("bot", "consent"),
    ),
}
# The plural forms every catalog is written with: msgstr[0] for 1, msgstr[1] for any other
# number (0 too), in Spanish and English alike. Babel's CLDR data would give Spanish a third
# form, for whole millions ("1 000 000 de preguntas"), that no text here needs and that
# would leave msgstr[1] to the millions.
PLURAL_FORMS = {"es": "nplurals=2; plural=(n != 1);", "en": "nplurals=2; plural=(n != 1);"}
# A translator's comment (`# same in English` above the entry) that says a msgstr equal to
# its Spanish msgid is the right translation ("Total"), not a copy left untranslated.
SAME_AS_SOURCE = "same in English"


def _catalog_path(language: str, domain: str = DOMAIN) -> Path:
    return LOCALES / language / "LC_MESSAGES" / f"{domain}.po"


def extract(domain: str = DOMAIN) -> Catalog:
    """Every string the domain's functions mark in the sources (`_("...")` for messages;
    `_s("...")`, `N_("...")`, and `_sn("...", "...", n)` as one plural entry, for staff), as
    a Babel catalog (the template)."""
    from babel.messages.catalog import Catalog
    from babel.messages.extract import extract_from_dir

    _languages, keywords, sources = CATALOGS[domain]
    template = Catalog(project="voz-segura", charset="utf-8")
    for folder in sources:
        for filename, lineno, message, _comments, _context in extract_from_dir(
            str(ROOT / folder), method_map=[("**.py", "python")], keywords=keywords
        ):
            template.add(message, locations=[(f"{folder}/{filename}", lineno)])
    return template


def _read(language: str, domain: str = DOMAIN) -> Catalog:
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import read_po

    path = _catalog_path(language, domain)
    if not path.exists():
        catalog = Catalog(locale=language, project="voz-segura", charset="utf-8")
        if language in PLURAL_FORMS:
            catalog.mime_headers = [("Plural-Forms", PLURAL_FORMS[language])]
        return catalog
    with path.open("rb") as handle:
        return read_po(handle, locale=language)


def _singular(message_id: str | Sequence[str]) -> str:
    """The msgid of an entry, plural or not (a plural entry's id is (singular, plural))."""
    return message_id if isinstance(message_id, str) else message_id[0]


def update() -> list[str]:
    """Bring every catalog of every domain up to date with the sources; in the source
    language an untranslated message gets its msgid as msgstr (the Spanish is the text; a
    plural entry gets msgid in msgstr[0] and msgid_plural in the others), in the others it
    stays empty for a translator (and `check` fails until then). Every catalog is written
    with PLURAL_FORMS. Returns what changed, for the log."""
    from babel.messages.pofile import write_po

    changes = []
    for domain, (languages, _keywords, _sources) in CATALOGS.items():
        for language in languages:
            template = extract(domain)  # fresh: update() adds the template's own messages
            catalog = _read(language, domain)
            created = catalog.creation_date  # keep the header stable: no churn on every run
            if language in PLURAL_FORMS:  # before update(): it sizes plural msgstrs by it
                catalog.mime_headers = [("Plural-Forms", PLURAL_FORMS[language])]
            known = {message.id for message in catalog if message.id}
            catalog.update(template, no_fuzzy_matching=True)
            catalog.creation_date, catalog.fuzzy = created, False
            for message in catalog:
                if not message.id:
                    continue
                if message.pluralizable:
                    forms = list(message.string or ())
                    forms += [""] * (catalog.num_plurals - len(forms))
                    if language == SOURCE_LANGUAGE:
                        forms = [
                            form or message.id[min(index, 1)] for index, form in enumerate(forms)
                        ]
                    message.string = tuple(forms[: catalog.num_plurals])
                elif language == SOURCE_LANGUAGE and not message.string:
                    message.string = message.id
                if message.id not in known:
                    # A plural entry's msgstr is a tuple by now (forms above).
                    translated = (
                        all(message.string or ()) if message.pluralizable else message.string
                    )
                    state = "" if translated else " (to translate)"
                    shown = _singular(message.id)[:50]
                    changes.append(f"{domain}/{language}: new {shown!r}{state}")
                message.flags.discard("fuzzy")
            path = _catalog_path(language, domain)
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("wb") as handle:
                # No line numbers: they would change the catalog on every edit of the code.
                write_po(handle, catalog, width=100, no_location=True, include_previous=False)
    return changes


def problems() -> list[str]:
    """What is wrong with the catalogs: strings shown to users but missing or untranslated
    (in a language other than Spanish, a msgstr equal to its msgid counts as untranslated
    unless marked SAME_AS_SOURCE), and placeholders that differ between msgid and msgstr.

    A plural entry (`_sn`) is checked form by form, "(msgstr[1])" naming the form: every
    msgstr[i] must be filled in, and carry the placeholders of msgid_plural (msgstr[0] may
    carry msgid's instead). In the sources, a singular and its plural may differ only in
    `{count}` (the singular may say "una" instead), so a translation never lacks a value
    the code fills in."""
    import re

    placeholder = re.compile(r"\{[^{}]*\}|%\(?\w*\)?[sd]")

    def placeholders(text: str) -> list[str]:
        return sorted(placeholder.findall(text))

    def but_count(text: str) -> list[str]:
        return [name for name in placeholders(text) if name != "{count}"]

    found = []
    for domain, (languages, _keywords, _sources) in CATALOGS.items():
        template = extract(domain)
        for message in template:
            if message.pluralizable and but_count(message.id[0]) != but_count(message.id[1]):
                filename, line = message.locations[0]
                found.append(
                    f"{filename}:{line}: placeholders differ between singular and plural in "
                    f"{message.id[0][:60]!r}"
                )
        for language in languages:
            catalog = _read(language, domain)
            where = str(_catalog_path(language, domain))
            for message in template:
                if not message.id:
                    continue
                entry = catalog.get(message.id)
                shown = repr(_singular(message.id)[:60])
                if entry is None or entry.id != message.id:  # absent, or plural forms changed
                    found.append(f"{where}: missing {shown}; run `make i18n`")
                    continue
                if entry.pluralizable:
                    strings = list(entry.string) if isinstance(entry.string, tuple) else []
                    strings += [""] * catalog.num_plurals  # a form left out reads as empty
                    forms = [
                        (entry.id[min(index, 1)], strings[index], f" (msgstr[{index}])")
                        for index in range(catalog.num_plurals)
                    ]
                else:  # a singular entry's id and msgstr are strings
                    string = entry.string if isinstance(entry.string, str) else ""
                    forms = [(_singular(entry.id), string, "")]
                for index, (source, form, name) in enumerate(forms):
                    allowed = [placeholders(source)]
                    if index == 0 and entry.pluralizable:
                        allowed.append(placeholders(entry.id[1]))
                    if not form or (
                        language != SOURCE_LANGUAGE
                        and form == source
                        and SAME_AS_SOURCE not in entry.user_comments
                    ):
                        found.append(f"{where}: untranslated {shown}{name}")
                    elif placeholders(form) not in allowed:
                        found.append(f"{where}: placeholders differ in {shown}{name}")
    return found


def compile_catalogs() -> None:
    from babel.messages.mofile import write_mo

    for domain, (languages, _keywords, _sources) in CATALOGS.items():
        for language in languages:
            path = _catalog_path(language, domain)
            if path.exists():
                with path.with_suffix(".mo").open("wb") as handle:
                    write_mo(handle, _read(language, domain))
    _staff_translations.cache_clear()
