"""Translations: the words a child reads come from gettext catalogs (Babel), so the register
(usted, vos, tú) or a phrase can change without touching code.

Spanish is the source language: msgids are the Spanish text, and locales/es holds the
catalog a facilitator edits. Compiled catalogs (.mo) are built by `make` (`make i18n`),
never committed; without one, gettext falls back to the msgid, which is the same Spanish.
"""

from __future__ import annotations

import gettext
import os

from bot.settings import ROOT

LOCALES = ROOT / "locales"
DOMAIN = "messages"


def translator(language: str | None = None) -> gettext.NullTranslations:
    language = language or os.environ.get("VOZ_LANGUAGE", "es")
    return gettext.translation(DOMAIN, localedir=LOCALES, languages=[language], fallback=True)


_translations = translator()


def _(message: str) -> str:
    return _translations.gettext(message)


# -- catalog maintenance (`python -m bot i18n`, `make i18n`) ----------------------------

SOURCES = ("bot", "consent")
SOURCE_LANGUAGE = "es"
LANGUAGES = ("es",)


def _catalog_path(language: str):  # type: ignore[no-untyped-def]
    return LOCALES / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def extract():  # type: ignore[no-untyped-def]
    """Every `_("...")` string in the sources, as a Babel catalog (the template)."""
    from babel.messages.catalog import Catalog
    from babel.messages.extract import extract_from_dir

    template = Catalog(project="voz-segura", charset="utf-8")
    for folder in SOURCES:
        for filename, lineno, message, _comments, _context in extract_from_dir(
            str(ROOT / folder),
            method_map=[("**.py", "python")],
            keywords={"_": None},
        ):
            template.add(message, locations=[(f"{folder}/{filename}", lineno)])
    return template


def _read(language: str):  # type: ignore[no-untyped-def]
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import read_po

    path = _catalog_path(language)
    if not path.exists():
        return Catalog(locale=language, project="voz-segura", charset="utf-8")
    with path.open("rb") as handle:
        return read_po(handle, locale=language)


def update() -> list[str]:
    """Bring every catalog up to date with the sources; in the source language an
    untranslated message gets its msgid as msgstr (the Spanish is the text). Returns what
    changed, for the log."""
    from babel.messages.pofile import write_po

    template = extract()
    changes = []
    for language in LANGUAGES:
        catalog = _read(language)
        created = catalog.creation_date  # keep the header stable: no churn on every run
        catalog.update(template, no_fuzzy_matching=True)
        catalog.creation_date, catalog.fuzzy = created, False
        for message in catalog:
            if message.id and language == SOURCE_LANGUAGE and not message.string:
                message.string = message.id
                changes.append(f"{language}: new {str(message.id)[:50]!r}")
            message.flags.discard("fuzzy")
        path = _catalog_path(language)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as handle:
            # No line numbers: they would change the catalog on every edit of the code.
            write_po(handle, catalog, width=100, no_location=True, include_previous=False)
    return changes


def problems() -> list[str]:
    """What is wrong with the catalogs: strings shown to users but missing or untranslated,
    and placeholders that differ between msgid and msgstr."""
    import re

    placeholder = re.compile(r"\{[^{}]*\}|%\(?\w*\)?[sd]")
    found = []
    template = extract()
    for language in LANGUAGES:
        catalog = _read(language)
        for message in template:
            if not message.id:
                continue
            entry = catalog.get(message.id)
            where = str(_catalog_path(language))
            if entry is None:
                found.append(f"{where}: missing {str(message.id)[:60]!r}; run `make i18n`")
            elif not entry.string:
                found.append(f"{where}: untranslated {str(message.id)[:60]!r}")
            elif sorted(placeholder.findall(str(entry.id))) != sorted(
                placeholder.findall(str(entry.string))
            ):
                found.append(f"{where}: placeholders differ in {str(message.id)[:60]!r}")
    return found


def compile_catalogs() -> None:
    from babel.messages.mofile import write_mo

    for language in LANGUAGES:
        path = _catalog_path(language)
        if path.exists():
            with path.with_suffix(".mo").open("wb") as handle:
                write_mo(handle, _read(language))
