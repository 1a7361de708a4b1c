"""Pseudonyms and their key: raw Telegram ids never go past the adapter boundary."""

from __future__ import annotations

import os
import stat

import pytest

from bot.privacy import Pseudonymizer, load_key
from bot.settings import SettingsError


def test_key_file_is_created_once_with_owner_only_permissions(tmp_path):
    key_file = tmp_path / "var" / "secret.key"
    first = load_key(None, key_file)
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert load_key(None, key_file) == first
    assert len(first) >= 32


def test_key_file_readable_by_others_is_refused_with_the_fix(tmp_path):
    key_file = tmp_path / "secret.key"
    key_file.write_text("k" * 64)
    os.chmod(key_file, 0o644)
    with pytest.raises(SettingsError, match="chmod 600"):
        load_key(None, key_file)


def test_short_environment_key_is_refused(tmp_path, staff_in_spanish):
    with pytest.raises(SettingsError, match="VOZ_SECRET_KEY tiene 9 caracteres; use al menos 32"):
        load_key("too-short", tmp_path / "unused.key")


def test_the_key_errors_follow_the_staff_language(tmp_path, staff_in_english):
    with pytest.raises(SettingsError, match="VOZ_SECRET_KEY has 9 characters; use at least 32"):
        load_key("too-short", tmp_path / "unused.key")


def test_environment_key_wins_over_the_key_file(tmp_path):
    key_file = tmp_path / "secret.key"
    assert load_key("e" * 40, key_file) == b"e" * 40
    assert not key_file.exists()


def test_pseudonym_is_stable_per_key_and_channel_and_hides_the_id():
    pseudonymize = Pseudonymizer(b"a" * 32)
    first = pseudonymize("telegram", 123456789)
    assert first == pseudonymize("telegram", 123456789)
    assert first != pseudonymize("terminal", 123456789)
    assert first != Pseudonymizer(b"b" * 32)("telegram", 123456789)
    assert "123456789" not in first and len(first) == 32
