"""evaluate() measures triage verdicts against labelled rows: a small hand-made set with
exact expected figures, plus the label checks and the file loader."""

from __future__ import annotations

import json

import pytest

from bot.triage import NONE, Verdict
from bot.triage.evaluation import (
    LabelError,
    check_row,
    evaluate,
    format_report,
    load_rows,
)


def row(text, escalate=False, urgency="none", category="none", subject="none"):
    return {
        "text": text,
        "escalate": escalate,
        "urgency": urgency,
        "category": category,
        "subject": subject,
    }


# Six disclosures (two emergencies) and four non-disclosures, with the verdicts they got.
ROWS = [
    row("a", True, "emergency", "self_harm", "self"),  # escalated, flagged emergency
    row("b", True, "emergency", "trafficking", "self"),  # escalated as high: not flagged
    row("c", True, "high", "abuse", "other"),  # escalated, category and subject right
    row("d", True, "high", "online_grooming", "self"),  # escalated as sexual_exploitation
    row("e", True, "high", "help_request", "self"),  # missed
    row("f", True, "high", "abuse", "self"),  # escalated as emergency, subject wrong
    row("g"),  # false alarm
    row("h"),
    row("i"),
    row("j"),
]
VERDICTS = [
    Verdict(True, "emergency", "self_harm", "self"),
    Verdict(True, "high", "trafficking", "self"),
    Verdict(True, "high", "abuse", "other"),
    Verdict(True, "high", "sexual_exploitation", "self"),
    NONE,
    Verdict(True, "emergency", "abuse", "other"),
    Verdict(True, "high", "abuse", "self"),
    NONE,
    NONE,
    # A verdict that does not escalate counts as "none", whatever its other fields say.
    Verdict(False, "high", "abuse", "self"),
]


def test_headline_figures_are_exact() -> None:
    report = evaluate(ROWS, VERDICTS)
    assert (report.total, report.positives, report.negatives) == (10, 6, 4)
    assert report.escalated_positives == 5
    assert report.recall == pytest.approx(5 / 6)
    assert report.false_alarms == 1
    assert report.false_alarm_rate == pytest.approx(0.25)
    assert (report.emergencies, report.emergencies_escalated, report.emergencies_flagged) == (
        2,
        2,
        1,
    )
    assert report.high_flagged_emergency == 1
    assert report.category_agreement == 4
    assert report.subject_agreement == 4


def test_confusion_matrix_rows_are_expected_columns_predicted() -> None:
    confusion = evaluate(ROWS, VERDICTS).confusion
    assert confusion["self_harm"]["self_harm"] == 1
    assert confusion["trafficking"]["trafficking"] == 1
    assert confusion["abuse"]["abuse"] == 2
    assert confusion["online_grooming"]["sexual_exploitation"] == 1
    assert confusion["help_request"]["none"] == 1
    assert confusion["none"]["abuse"] == 1
    assert confusion["none"]["none"] == 3
    assert sum(sum(cells.values()) for cells in confusion.values()) == 10


def test_misses_false_alarms_and_unflagged_emergencies_are_listed() -> None:
    report = evaluate(ROWS, VERDICTS)
    assert [o.text for o in report.misses] == ["e"]
    assert [o.text for o in report.false_alarm_rows] == ["g"]
    assert [o.text for o in report.missed_emergencies] == ["b"]


def test_verdicts_may_be_dicts_as_the_triage_cli_prints_them() -> None:
    as_dicts = [v.as_dict() for v in VERDICTS]
    assert evaluate(ROWS, as_dicts).as_dict() == evaluate(ROWS, VERDICTS).as_dict()


def test_empty_set_has_neutral_rates() -> None:
    report = evaluate([], [])
    assert report.recall == 1.0
    assert report.false_alarm_rate == 0.0


def test_perfect_verdicts_give_perfect_figures() -> None:
    verdicts = [
        Verdict(True, r["urgency"], r["category"], r["subject"]) if r["escalate"] else NONE
        for r in ROWS
    ]
    report = evaluate(ROWS, verdicts)
    assert report.recall == 1.0
    assert report.false_alarm_rate == 0.0
    assert report.emergencies_flagged == report.emergencies == 2
    assert report.misses == report.false_alarm_rows == report.missed_emergencies == []


def test_rows_and_verdicts_must_pair_up() -> None:
    with pytest.raises(ValueError):
        evaluate(ROWS, VERDICTS[:-1])


@pytest.mark.parametrize(
    "bad",
    [
        {"text": "x", "escalate": True, "urgency": "high", "category": "none", "subject": "self"},
        {"text": "x", "escalate": False, "urgency": "high", "category": "none", "subject": "none"},
        {"text": "x", "escalate": "yes", "urgency": "none", "category": "none", "subject": "none"},
        {"text": "x", "escalate": True, "urgency": "high", "category": "abuse", "subject": "me"},
        {"escalate": False, "urgency": "none", "category": "none", "subject": "none"},
    ],
)
def test_rows_breaking_the_label_format_are_refused(bad) -> None:
    with pytest.raises(LabelError):
        check_row(bad)


def test_load_rows_reads_json_lines_and_names_the_bad_line(tmp_path) -> None:
    good = tmp_path / "good.jsonl"
    good.write_text(
        "\n".join(json.dumps(r, ensure_ascii=False) for r in ROWS[:3]) + "\n\n", encoding="utf-8"
    )
    assert [r["text"] for r in load_rows(good)] == ["a", "b", "c"]
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps(ROWS[0]) + "\n{not json\n", encoding="utf-8")
    with pytest.raises(LabelError, match="bad.jsonl:2"):
        load_rows(bad)


def test_report_renders_figures_matrix_and_lists() -> None:
    text = format_report(evaluate(ROWS, VERDICTS), title="tiny")
    assert "tiny" in text
    assert "0.833 (5/6)" in text  # recall
    assert "0.250 (1/4)" in text  # false alarms
    assert "0.500 (1/2)" in text  # emergencies flagged
    assert "Missed disclosures (1):" in text and "[help_request/high -> -] e" in text
    assert "False alarms (1):" in text and "[none/none -> abuse/high] g" in text


def test_dev_set_follows_the_label_format() -> None:
    from bot.settings import ROOT

    rows = load_rows(ROOT / "eval" / "triage_dev.jsonl")
    assert len(rows) >= 300
    positives = sum(r["escalate"] for r in rows)
    assert 0.4 <= positives / len(rows) <= 0.6
