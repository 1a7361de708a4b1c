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
