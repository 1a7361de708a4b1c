"""The gettext catalogs hold every word shown to a child, and docs/consent.md stays true."""

from __future__ import annotations

import shutil

from bot import i18n
from bot.settings import ROOT
from consent.document import render


def test_every_user_facing_string_is_in_the_catalog_and_translated():
    assert i18n.problems() == []


def test_a_missing_or_untranslated_string_or_a_changed_placeholder_is_reported(
    tmp_path, monkeypatch
):
    shutil.copytree(i18n.LOCALES, tmp_path / "locales")
    monkeypatch.setattr(i18n, "LOCALES", tmp_path / "locales")
    catalog = tmp_path / "locales" / "es" / "LC_MESSAGES" / "messages.po"
    text = catalog.read_text(encoding="utf-8")
    # Drop one entry, empty another's translation, and break a placeholder.
    text = text.replace('msgid "¿Entendí bien?"\nmsgstr "¿Entendí bien?"\n', "")
    text = text.replace('msgid "Sí"\nmsgstr "Sí"', 'msgid "Sí"\nmsgstr ""')
    erased = 'msgstr ""\n"Listo: borré todo lo que estaba ligado a usted (registros borrados: '
    text = text.replace(erased + "{count}", erased + "{cuenta}")
    catalog.write_text(text, encoding="utf-8")
    found = "\n".join(i18n.problems())
    assert "missing '¿Entendí bien?'" in found
    assert "untranslated 'Sí'" in found
    assert "placeholders differ" in found


def test_consent_document_is_generated_from_the_current_catalogs():
    committed = (ROOT / "docs" / "consent.md").read_text(encoding="utf-8")
    assert committed == render(), "regenerate: python -m bot consent-doc > docs/consent.md"
