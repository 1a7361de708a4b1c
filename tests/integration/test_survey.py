"""The survey flow and its aggregate-only storage: every question type, skip logic, exact
counters (also under concurrent completions), and nothing kept per person."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest
from sqlalchemy import MetaData, select

from bot.campaigns.model import (
    SCALE,
    SCALE_EMOJI,
    SKIP,
    Campaign,
    Condition,
    Option,
    Question,
    Wording,
)
from bot.campaigns.survey import ALREADY, NOT_SAVED, THANKS, Surveys
from bot.campaigns.tables import AnswerCounter, Participation
from tests.fakes.participants import participant


def options(*ids: str) -> tuple[Option, ...]:
    return (
        *(Option(i, Wording(i.upper())) for i in ids),
        Option(SKIP, Wording("Prefiero no responder")),
    )


CAMPAIGN = Campaign(
    id="prueba",
    title="Consulta de prueba",
    description="",
    opens=date(2026, 1, 1),
    closes=date(2027, 12, 31),
    audience=frozenset({"9-12", "13-15"}),
    consent_version="1",
    access_code=None,
    questions=(
        Question(
            "uso", "single", Wording("¿Usa redes?", {"9-12": "¿Usás redes?"}), options("si", "no")
        ),
        Question(
            "redes",
            "multiple",
            Wording("¿Cuáles?"),
            options("tiktok", "insta", "ff"),
            show_if=Condition("uso", frozenset({"si"})),
        ),
        Question(
            "seguro",
            "scale",
            Wording("¿Qué tan seguro se siente?"),
            (
                *(Option(n, Wording(f"{SCALE_EMOJI[n]} {n}")) for n in SCALE),
                Option(SKIP, Wording("Prefiero no responder")),
            ),
        ),
        Question("oferta", "yes_no", Wording("¿Ha visto ofertas raras?"), options("si", "no")),
    ),
)
ALWAYS = lambda campaign: True  # noqa: E731 - a receipt exists
NEVER = lambda campaign: False  # noqa: E731


def counters(database) -> dict[tuple[str, str, str], int]:
    with database.session() as session:
        return {
            (c.question, c.option, c.band): c.count for c in session.scalars(select(AnswerCounter))
        }


def answer(surveys, user, presses, may_record=ALWAYS):
    step = None
    for data in presses:
        step = surveys.press(user, data, may_record, participant(user))
        assert step is not None, data
    return step


def test_questions_use_the_wording_of_the_childs_band(database):
    surveys = Surveys(database)
    young = surveys.start("a" * 32, CAMPAIGN, "9-12", participant("a" * 32))
    teen = surveys.start("b" * 32, CAMPAIGN, "13-15", participant("b" * 32))
    assert young.replies[1].text == "¿Usás redes?" and teen.replies[1].text == "¿Usa redes?"
    labels = [row[0].label for row in young.replies[1].buttons]
    assert labels == ["SI", "NO", "Prefiero no responder"]


def test_full_flow_with_every_question_type_counts_once_per_answer(database):
    surveys = Surveys(database)
    surveys.start("a" * 32, CAMPAIGN, "13-15", participant("a" * 32))
    ticked = surveys.press("a" * 32, "s:redes:tiktok", ALWAYS, participant("a" * 32))
    assert ticked is None  # not on screen yet: the first question is "uso"
    answer(
        surveys,
        "a" * 32,
        ["s:uso:si", "s:redes:tiktok", "s:redes:ff", "s:redes:done", "s:seguro:4"],
    )
    done = answer(surveys, "a" * 32, ["s:oferta:no"])
    assert done.finished and done.replies[0].text == THANKS
    assert counters(database) == {
        ("*", "*", "13-15"): 1,
        ("uso", "*", "13-15"): 1,
        ("uso", "si", "13-15"): 1,
        ("redes", "*", "13-15"): 1,
        ("redes", "tiktok", "13-15"): 1,
        ("redes", "ff", "13-15"): 1,
        ("seguro", "*", "13-15"): 1,
        ("seguro", "4", "13-15"): 1,
        ("oferta", "*", "13-15"): 1,
        ("oferta", "no", "13-15"): 1,
    }


def test_multiple_choice_ticks_untick_and_edit_the_same_message(database):
    surveys = Surveys(database)
    surveys.start("a" * 32, CAMPAIGN, "13-15", participant("a" * 32))
    answer(surveys, "a" * 32, ["s:uso:si"])
    step = answer(surveys, "a" * 32, ["s:redes:insta"])
    assert step.replies[0].replace and step.replies[0].buttons[1][0].label == "✅ INSTA"
    step = answer(surveys, "a" * 32, ["s:redes:insta"])
    assert step.replies[0].buttons[1][0].label == "▫️ INSTA"
    assert "varias" in answer(surveys, "a" * 32, ["s:redes:done"]).replies[0].text


def test_skip_logic_hides_a_question_whose_condition_is_not_met(database):
    surveys = Surveys(database)
    surveys.start("a" * 32, CAMPAIGN, "9-12", participant("a" * 32))
    step = answer(surveys, "a" * 32, ["s:uso:no"])
    assert step.replies[0].text == "¿Qué tan seguro se siente?"
    answer(surveys, "a" * 32, ["s:seguro:skip", "s:oferta:si"])
    assert ("redes", "*", "9-12") not in counters(database)
    assert counters(database)[("seguro", SKIP, "9-12")] == 1


@pytest.mark.parametrize(
    "data",
    [
        "s:uso:tal_vez",
        "s:oferta:si",
        "s:uso",
        "x:uso:si",
        "s:uso:si;drop",
        "s:USO:si",
        "s:redes:done",
    ],
)
def test_forged_or_stale_buttons_change_nothing(database, data):
    surveys = Surveys(database)
    surveys.start("a" * 32, CAMPAIGN, "9-12", participant("a" * 32))
    assert surveys.press("a" * 32, data, ALWAYS, participant("a" * 32)) is None
    assert counters(database) == {}


def test_abandoned_survey_adds_nothing(database):
    surveys = Surveys(database)
    surveys.start("a" * 32, CAMPAIGN, "9-12", participant("a" * 32))
    answer(surveys, "a" * 32, ["s:uso:si", "s:redes:ff", "s:redes:done"])
    assert surveys.abandon("a" * 32)
    assert surveys.press("a" * 32, "s:seguro:3", ALWAYS, participant("a" * 32)) is None
    assert counters(database) == {}


def test_without_a_valid_receipt_no_answer_and_no_marker_is_stored(database):
    surveys = Surveys(database)
    surveys.start("a" * 32, CAMPAIGN, "9-12", participant("a" * 32))
    step = answer(surveys, "a" * 32, ["s:uso:no", "s:seguro:3", "s:oferta:si"], may_record=NEVER)
    assert step.replies[0].text == NOT_SAVED
    assert counters(database) == {}
    with database.session() as session:
        assert session.scalars(select(Participation)).all() == []


def test_the_same_child_is_not_counted_twice(database):
    surveys = Surveys(database)
    for _ in range(2):
        step = surveys.start("a" * 32, CAMPAIGN, "9-12", participant("a" * 32))
        if not step.finished:
            answer(surveys, "a" * 32, ["s:uso:no", "s:seguro:3", "s:oferta:si"])
    assert step.replies[0].text == ALREADY
    assert counters(database)[("*", "*", "9-12")] == 1


def test_counters_equal_the_sum_of_many_children_and_nothing_is_kept_per_person(database):
    surveys = Surveys(database)
    expected: dict[tuple[str, str, str], int] = {}
    for n in range(30):
        user, band = f"{n:032d}", ("9-12", "13-15")[n % 2]
        use = ("si", "no", SKIP)[n % 3]
        scale = SCALE[n % 5]
        presses = [f"s:uso:{use}"]
        keys = [("*", "*"), ("uso", "*"), ("uso", use)]
        if use == "si":
            presses += ["s:redes:tiktok", "s:redes:done"]
            keys += [("redes", "*"), ("redes", "tiktok")]
        presses += [f"s:seguro:{scale}", "s:oferta:si"]
        keys += [("seguro", "*"), ("seguro", scale), ("oferta", "*"), ("oferta", "si")]
        surveys.start(user, CAMPAIGN, band, participant(user))
        answer(surveys, user, presses)
        for question, option in keys:
            expected[(question, option, band)] = expected.get((question, option, band), 0) + 1
    assert counters(database) == expected
    # No table links a person to an answer: the only per-person table is the marker.
    metadata = MetaData()
    metadata.reflect(database.engine)
    for table in metadata.sorted_tables:
        columns = {column.name for column in table.columns}
        if "option" in columns or "question" in columns:
            assert "user" not in columns, table.name
    assert {c.name for c in metadata.tables["participations"].columns} == {
        "campaign",
        "user",
        "completed_on",
    }


def test_erase_removes_the_participation_markers_but_not_the_totals(database):
    surveys = Surveys(database)
    surveys.start("a" * 32, CAMPAIGN, "9-12", participant("a" * 32))
    answer(surveys, "a" * 32, ["s:uso:no", "s:seguro:3", "s:oferta:si"])
    assert surveys.erase("a" * 32) == 1
    assert not surveys.participated("a" * 32, CAMPAIGN.id)
    assert counters(database)[("*", "*", "9-12")] == 1


def test_totals_stay_exact_under_concurrent_completions(database):
    surveys = Surveys(database)
    children = [f"{n:032d}" for n in range(60)]
    for user in children:
        surveys.start(user, CAMPAIGN, "13-15", participant(user))
        answer(surveys, user, ["s:uso:no", "s:seguro:5"])

    def finish(user: str) -> None:
        answer(surveys, user, ["s:oferta:si"])

    with ThreadPoolExecutor(max_workers=12) as pool:
        list(pool.map(finish, children))
    totals = counters(database)
    assert totals[("*", "*", "13-15")] == 60
    assert totals[("oferta", "si", "13-15")] == 60
    assert totals[("seguro", "5", "13-15")] == 60
