"""docs/officers.md states facts about the bot; each is checked against the code here, so
the guide officers work from cannot drift from what the bot does."""

from __future__ import annotations

import re

from bot import flood
from bot.channels.telegram.contact import FROM_OFFICER
from bot.channels.telegram.limits import LIMITS
from bot.escalation.cards import BUTTONS, HEADER, REPEAT_LINE, SUMMARY_HEADER, SUMMARY_HIGH, URGENCY
from bot.settings import EXCERPT_RETENTION_MAX_DAYS, ROOT, Settings
from bot.storage import Escalation
from bot.triage import answers

GUIDE = " ".join((ROOT / "docs" / "officers.md").read_text(encoding="utf-8").split())


def test_the_guide_gives_the_escalation_timers_the_bot_applies_by_default():
    defaults = Settings()
    (reminder_emergency, reminder_high) = defaults.reminder_minutes
    (fallback_emergency, fallback_high) = defaults.fallback_minutes
    assert (
        f"after {reminder_emergency} minutes (emergency) or {reminder_high} minutes "
        "(high urgency)" in GUIDE
    )
    assert f"after {fallback_emergency} or {fallback_high} minutes" in GUIDE


def test_the_guide_names_the_buttons_and_cards_officers_and_children_see():
    for label in BUTTONS.values():  # Tomar caso, Resolver, Falsa alarma
        assert f"**{label}**" in GUIDE, label
    for kind in ("reminder", "fallback", "contact_ended", "update", "more"):
        assert HEADER[kind].split()[0] in GUIDE, kind  # its emoji
    assert REPEAT_LINE.split()[0] in GUIDE
    assert URGENCY["emergency"].split()[-1] in GUIDE
    for label in (answers.WRITE_ME, answers.STOP_CONTACT, answers.NOT_THAT):
        assert f"«{label}»" in GUIDE, label
    assert f"«{FROM_OFFICER.strip()}»" in GUIDE
    assert f"`{Escalation(id=123).case_number}`" in GUIDE


def test_the_guide_gives_the_flood_limits_the_bot_applies():
    assert f"about {int(LIMITS.per_group_per_minute)} messages a minute in this group" in GUIDE
    assert f"more than {flood.LIMIT} messages in a minute" in GUIDE and flood.WINDOW == 60
    assert SUMMARY_HEADER.split()[0] in GUIDE  # 📋
    assert f"«{HEADER['more'].split(' ', 1)[1]} VS-000123»" in GUIDE
    assert SUMMARY_HIGH.split(" (")[0] in GUIDE


def test_the_guide_states_the_excerpt_retention_children_are_told():
    assert f"erased at most {EXCERPT_RETENTION_MAX_DAYS} days after" in GUIDE
    assert Settings().excerpt_retention_days == EXCERPT_RETENTION_MAX_DAYS


def test_the_guide_gives_only_the_verified_helplines():
    numbers = set(re.findall(r"\b\d{3,}\b", GUIDE)) - {"000123", "172"}
    assert numbers == {"1147", "911"}, numbers


def test_the_guide_says_which_services_the_child_was_given_for_their_age():
    from bot.helplines import Helplines

    helplines = Helplines.load()
    assert "PANI 1147 (free) and 911 for emergencies to a child or adolescent" in GUIDE
    assert "911 only to an adult of 18–24" in GUIDE
    for audience in ("ninez", "adolescencia"):
        assert "1147" in helplines.block(audience=audience)
        assert "911" in helplines.block(audience=audience)
    adult = helplines.block(audience="adultos")
    assert "911" in adult and "1147" not in adult
