"""Configuration errors say what is wrong and how to fix it, in the staff language."""

from __future__ import annotations

import pytest

from bot.settings import Settings, SettingsError, load_dotenv

VARIABLES = [
    "TELEGRAM_BOT_TOKEN",
    "WEBHOOK_URL",
    "WEBHOOK_SECRET",
    "PROTECTION_CHAT_ID",
    "OFFICER_IDS",
    "FACILITATOR_IDS",
    "LOG_LEVEL",
    "DATABASE_URL",
    "WEBHOOK_PORT",
    "STAFF_LANGUAGE",
    "VOZ_SECRET_KEY",
    "REDIS_URL",
]


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch):
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)


def test_defaults_use_sqlite_and_no_token():
    settings = Settings.from_env(dotenv=None)
    assert settings.telegram_token is None
    assert settings.database_url.startswith("sqlite:///")


def test_webhook_without_secret_is_refused(monkeypatch):
    monkeypatch.setenv("WEBHOOK_URL", "https://example.org/voz")
    with pytest.raises(SettingsError, match="WEBHOOK_SECRET"):
        Settings.from_env(dotenv=None)


def test_non_numeric_protection_chat_is_refused(monkeypatch):
    monkeypatch.setenv("PROTECTION_CHAT_ID", "@protegidos")
    with pytest.raises(SettingsError, match="PROTECTION_CHAT_ID"):
        Settings.from_env(dotenv=None)


def test_id_lists_are_parsed_and_bad_entries_named(monkeypatch):
    monkeypatch.setenv("FACILITATOR_IDS", "11, 22,33")
    assert Settings.from_env(dotenv=None).facilitator_ids == {11, 22, 33}
    monkeypatch.setenv("FACILITATOR_IDS", "11,ana")
    with pytest.raises(SettingsError, match="'ana'"):
        Settings.from_env(dotenv=None)


def test_bad_port_and_log_level_are_refused(monkeypatch):
    monkeypatch.setenv("WEBHOOK_PORT", "99999")
    with pytest.raises(SettingsError, match="WEBHOOK_PORT"):
        Settings.from_env(dotenv=None)
    monkeypatch.setenv("WEBHOOK_PORT", "8443")
    monkeypatch.setenv("LOG_LEVEL", "LOUD")
    with pytest.raises(SettingsError, match="LOG_LEVEL"):
        Settings.from_env(dotenv=None)


def test_dotenv_fills_unset_variables_only(tmp_path, monkeypatch):
    env = tmp_path / ".env"
    env.write_text("# comment\nLOG_LEVEL=debug\nTELEGRAM_BOT_TOKEN='123:abc'\n")
    monkeypatch.setenv("LOG_LEVEL", "WARNING")
    load_dotenv(env)
    import os

    assert os.environ["LOG_LEVEL"] == "WARNING"
    assert os.environ["TELEGRAM_BOT_TOKEN"] == "123:abc"
    # load_dotenv set it behind monkeypatch's back: monkeypatch.delenv would restore it
    # after the test and leak a token into the tests that follow.
    del os.environ["TELEGRAM_BOT_TOKEN"]


def test_malformed_dotenv_line_names_file_and_line(tmp_path):
    env = tmp_path / ".env"
    env.write_text("LOG_LEVEL=INFO\nthis is not a setting\n")
    with pytest.raises(SettingsError, match=r"\.env:2"):
        load_dotenv(env)


def test_telegram_without_a_protection_chat_is_refused(monkeypatch):
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123:abc")
    monkeypatch.delenv("PROTECTION_CHAT_ID", raising=False)
    with pytest.raises(SettingsError, match="PROTECTION_CHAT_ID"):
        Settings.from_env(dotenv=None)


def test_telegram_without_officer_ids_is_refused_and_the_terminal_chat_is_not(monkeypatch):
    assert Settings.from_env(dotenv=None).officer_ids == frozenset()  # terminal chat: fine
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123:abc")
    monkeypatch.setenv("PROTECTION_CHAT_ID", "-1001234567890")
    with pytest.raises(SettingsError, match=r"OFFICER_IDS no.*OFFICER_IDS=123456789"):
        Settings.from_env(dotenv=None)
    monkeypatch.setenv("OFFICER_IDS", " , ")
    with pytest.raises(SettingsError, match="OFFICER_IDS"):
        Settings.from_env(dotenv=None)
    monkeypatch.setenv("OFFICER_IDS", "111,222")
    assert Settings.from_env(dotenv=None).officer_ids == frozenset({111, 222})


def test_escalation_timers_are_configurable_and_checked(monkeypatch):
    monkeypatch.setenv("ESCALATION_REMINDER_MINUTES_EMERGENCY", "3")
    monkeypatch.setenv("ESCALATION_FALLBACK_MINUTES_HIGH", "120")
    settings = Settings.from_env(dotenv=None)
    assert settings.reminder_minutes == (3, 30) and settings.fallback_minutes == (15, 120)
    monkeypatch.setenv("ESCALATION_REMINDER_MINUTES_HIGH", "media hora")
    with pytest.raises(SettingsError, match="ESCALATION_REMINDER_MINUTES_HIGH"):
        Settings.from_env(dotenv=None)


def test_an_unknown_staff_language_stops_the_bot_at_start(monkeypatch):
    monkeypatch.setenv("STAFF_LANGUAGE", "fr")
    # An unknown language reads as the default, Spanish.
    with pytest.raises(SettingsError, match="STAFF_LANGUAGE='fr'; use es o en"):
        Settings.from_env(dotenv=None)
    monkeypatch.setenv("STAFF_LANGUAGE", "EN")
    assert Settings.from_env(dotenv=None).staff_language == "en"


def test_the_sending_rate_is_telegrams_by_default_and_must_be_a_positive_number(monkeypatch):
    monkeypatch.delenv("TELEGRAM_MAX_RATE", raising=False)
    assert Settings.from_env(dotenv=None).telegram_max_rate == 30
    monkeypatch.setenv("TELEGRAM_MAX_RATE", "0")
    with pytest.raises(SettingsError, match="TELEGRAM_MAX_RATE='0'.*30"):
        Settings.from_env(dotenv=None)
    monkeypatch.setenv("TELEGRAM_MAX_RATE", "100")
    assert Settings.from_env(dotenv=None).telegram_max_rate == 100


def test_the_error_is_in_spanish_by_default_and_in_english_with_staff_language_en(
    monkeypatch, staff_in_spanish
):
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123:abc")
    with pytest.raises(SettingsError) as caught:
        Settings.from_env(dotenv=None)
    assert str(caught.value).startswith(
        "TELEGRAM_BOT_TOKEN está definido pero PROTECTION_CHAT_ID no: un bot que no puede "
        "avisar a una persona de protección no debe hablar con personas menores de edad."
    )
    monkeypatch.setenv("STAFF_LANGUAGE", "en")
    with pytest.raises(SettingsError) as caught:
        Settings.from_env(dotenv=None)
    assert str(caught.value).startswith(
        "TELEGRAM_BOT_TOKEN is set but PROTECTION_CHAT_ID is not: a bot that cannot reach a "
        "protection officer must not talk to children."
    )


@pytest.mark.parametrize("language, words", [("es", "misma clave"), ("en", "same key")])
def test_postgresql_without_voz_secret_key_is_refused_saying_why(monkeypatch, language, words):
    """Replicas on one PostgreSQL database would each create a key file of their own, and one
    child would get a different pseudonym on each."""
    monkeypatch.setenv("STAFF_LANGUAGE", language)
    monkeypatch.setenv("DATABASE_URL", "postgresql://voz@db:5432/voz")
    with pytest.raises(SettingsError, match="VOZ_SECRET_KEY") as refused:
        Settings.from_env(dotenv=None)
    assert words in str(refused.value)
    monkeypatch.setenv("VOZ_SECRET_KEY", "k" * 64)
    assert Settings.from_env(dotenv=None).secret_key == "k" * 64


def test_redis_url_is_optional(monkeypatch):
    assert Settings.from_env(dotenv=None).redis_url is None
    monkeypatch.setenv("REDIS_URL", "redis://cache:6379/0")
    assert Settings.from_env(dotenv=None).redis_url == "redis://cache:6379/0"
