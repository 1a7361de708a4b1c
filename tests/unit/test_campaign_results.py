"""Published results: small-cell suppression (primary and complementary, in rows, columns
and across tables), percentages from n >= 30, es_CR formatting, CSV, JSON, PNG charts, the
counters read from a real database, and the `results` command."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date

import numpy as np
from babel.dates import format_date
from babel.numbers import format_decimal, format_percent
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from bot.campaigns import results, suppression
from bot.campaigns.model import SKIP, Campaign, Condition, Option, Question, Wording
from bot.campaigns.results import (
    HIDDEN,
    Results,
    as_csv,
    as_json,
    as_table,
    charts,
    read_counts,
    tabulate,
)
from bot.campaigns.tables import ANY, AnswerCounter

BANDS = ("9-12", "13-15", "16-17", "18-24")
X = HIDDEN


def question(qid: str, kind: str, options: list[str], show_if: Condition | None = None):
    opts = tuple(Option(o, Wording(o.capitalize())) for o in options)
    skip = Option(SKIP, Wording("Prefiero no responder"))
    return Question(qid, kind, Wording(f"¿Pregunta {qid}?"), (*opts, skip), show_if)  # type: ignore[arg-type]


def campaign(questions, bands=BANDS[:3]) -> Campaign:
    return Campaign(
        id="barrio",
        title="Mi barrio",
        description="",
        opens=date(2026, 12, 1),
        closes=date(2027, 1, 31),
        audience=frozenset(bands),
        consent_version="1",
        access_code=None,
        questions=tuple(questions),
    )


def counts_of(q: str, rows: dict[str, list[int]], bands=BANDS[:3], n=None) -> dict:
    """Counters for one question; n (the "*" row) is the column sums unless given."""
    counts = {
        (q, o, b): v for o, values in rows.items() for b, v in zip(bands, values, strict=True)
    }
    n = n or [sum(values[i] for values in rows.values()) for i in range(len(bands))]
    counts.update({(q, ANY, b): v for b, v in zip(bands, n, strict=True)})
    counts.update({(ANY, ANY, b): v for b, v in zip(bands, n, strict=True)})
    return counts


def shown(published: Results, qid: str) -> dict[str, list]:
    table = next(t for t in published.tables if t.question == qid)
    return {row.id: [c.shown for c in row.cells] for row in (*table.rows, table.respondents)}


def percents(published: Results, qid: str) -> dict[str, list]:
    table = next(t for t in published.tables if t.question == qid)
    return {row.id: [c.percent for c in row.cells] for row in table.rows}


# -- exact tables --------------------------------------------------------------------------


def test_counts_from_1_to_9_are_hidden_zero_is_shown_and_ten_is_published():
    q = question("q", "single", ["si", "no"])
    counts = counts_of("q", {"si": [10, 0, 40], "no": [20, 0, 40], SKIP: [0, 0, 0]})
    assert shown(tabulate(campaign([q]), counts), "q") == {
        "si": [10, 0, 40, 50],
        "no": [20, 0, 40, 60],
        SKIP: [0, 0, 0, 0],
        ANY: [30, 0, 80, 110],
    }


def test_a_lone_hidden_cell_hides_the_next_smallest_in_its_row_and_its_column():
    # 4 is hidden; its row would give it away (16 - 12) and so would its column (24 - 20),
    # so the smallest non-zero published cell of each goes too: 12 in the row, 20 in the
    # column; which leaves one hidden in the 13-15 column (12) and in the "si" row (20),
    # so 31 and 31 follow, and so on until every sum has none or two hidden.
    q = question("q", "single", ["si", "no"])
    counts = counts_of("q", {"si": [20, 31, 1204], "no": [4, 12, 300], SKIP: [0, 3, 15]})
    assert shown(tabulate(campaign([q]), counts), "q") == {
        "si": [X, X, 1204, 1255],
        "no": [X, X, X, 316],
        SKIP: [0, X, X, 18],
        ANY: [24, 46, 1519, 1589],
    }


def test_a_hidden_total_is_not_given_away_by_its_row():
    q = question("q", "single", ["si", "no"])
    counts = counts_of("q", {"si": [5, 0, 0], "no": [40, 50, 60], SKIP: [10, 10, 10]})
    assert shown(tabulate(campaign([q]), counts), "q") == {
        "si": [X, 0, 0, X],  # 5 and its Total 5: two hidden, nothing to subtract from
        "no": [X, X, 60, 150],
        SKIP: [X, X, 10, X],  # 10 went first (9-12 column), then its row, column, Total
        ANY: [55, 60, 70, 185],
    }


def test_multiple_choice_options_do_not_add_up_so_only_rows_need_a_complement():
    q = question("q", "multiple", ["a", "b", "c"])
    rows = {"a": [12, 25, 700], "b": [0, 14, 600], "c": [3, 40, 90], SKIP: [10, 2, 400]}
    counts = counts_of("q", rows, n=[24, 46, 1519])
    assert shown(tabulate(campaign([q]), counts), "q") == {
        "a": [12, 25, 700, 737],
        "b": [0, 14, 600, 614],
        "c": [X, X, 90, 133],  # one hidden per column is fine: a column is not a sum here
        SKIP: [X, X, 400, 412],
        ANY: [24, 46, 1519, 1589],
    }


def test_small_response_counts_per_band_are_hidden_with_a_complement():
    q = question("q", "single", ["si", "no"])
    counts = counts_of("q", {"si": [3, 20, 50], "no": [2, 20, 50], SKIP: [0, 0, 0]})
    published = tabulate(campaign([q]), counts)
    assert shown(published, "q") == {
        "si": [X, X, 50, 73],
        "no": [X, X, 50, 72],
        SKIP: [0, 0, 0, 0],
        ANY: [X, X, 100, 145],  # n = 5 hidden, and 40 with it
    }
    assert [c.shown for c in published.completions.cells] == [X, X, 100, 145]
    # n = 40 is hidden, so its column gets no percentages even though 40 >= 30
    assert percents(published, "q")["si"][1] is None


def test_percentages_only_where_n_is_at_least_30():
    q = question("q", "single", ["si", "no"])
    counts = counts_of("q", {"si": [19, 20, 10], "no": [10, 10, 10], SKIP: [0, 0, 0]})
    published = tabulate(campaign([q]), counts)
    assert shown(published, "q")[ANY] == [29, 30, 20, 79]
    assert percents(published, "q") == {
        "si": [None, 20 / 30, None, 49 / 79],
        "no": [None, 10 / 30, None, 30 / 79],
        SKIP: [None, 0.0, None, 0.0],
    }


def test_equal_respondent_and_completion_counts_are_hidden_together():
    # Counters are written at completion, so a question asked to everyone has as many
    # respondents as there are completions: the same figure, hidden everywhere or nowhere.
    # Here 5 hides 20 (its column) and 30 (its row); 20 hides 15 (its row), and 15 is then
    # the whole 13-15 column: that n goes, and with it the completions of 13-15, or
    # 15 - 0 - 0 would give it back.
    q = question("q", "yes_no", ["si", "no"])
    counts = counts_of("q", {"si": [20, 15, 50], "no": [5, 0, 30], SKIP: [0, 0, 0]})
    published = tabulate(campaign([q]), counts)
    assert shown(published, "q") == {
        "si": [X, X, X, 85],
        "no": [X, 0, X, 35],
        SKIP: [0, 0, 0, 0],
        ANY: [X, X, 80, 120],
    }
    assert [c.shown for c in published.completions.cells] == [X, X, 80, 120]


def test_a_follow_up_question_protects_the_answer_that_led_to_it():
    # que_hizo is asked only to those who answered "si", so its n is that count: when "si"
    # is hidden to protect the 5 below it, que_hizo's n must not give it back.
    parent = question("desconocidos", "yes_no", ["si", "no"])
    child = question("que_hizo", "single", ["bloquee", "otra"], Condition("desconocidos", {"si"}))
    counts = counts_of("desconocidos", {"si": [12, 40, 50], "no": [5, 30, 30], SKIP: [0] * 3})
    follow = counts_of("que_hizo", {"bloquee": [12, 20, 25], "otra": [0, 20, 25], SKIP: [0] * 3})
    counts |= {key: value for key, value in follow.items() if key[0] != ANY}
    published = tabulate(campaign([parent, child]), counts)
    si, n = shown(published, "desconocidos")["si"], shown(published, "que_hizo")[ANY]
    assert si[0] == X and n[0] == X
    assert [a == X for a in si] == [b == X for b in n]


def test_a_cell_recoverable_only_from_several_sums_together_is_hidden_too():
    # Every row and column has two or more hidden cells, yet 5 (a, 16-17) is the only link
    # between two closed groups: the column sums give a(9-12) + a(13-15), and the row of a
    # then gives 5 by subtraction. The solver finds it and hides one more cell.
    bands = BANDS
    q = question("q", "single", ["a", "b", "c", "d"])
    rows = {
        "a": [3, 4, 5, 20],
        "b": [2, 6, 30, 40],
        "c": [15, 25, 7, 8],
        "d": [35, 45, 1, 9],
        SKIP: [10, 10, 10, 10],
    }
    counts = counts_of("q", rows, bands=bands)
    primary = {
        ("q", o, b): v
        for o, vals in rows.items()
        for b, v in zip(bands, vals, strict=True)
        if 0 < v < 10
    }
    values = results._figures(campaign([q], bands), counts, list(bands))
    equations = results._equations(campaign([q], bands), counts, list(bands), values)
    assert all(sum(k in primary for k in e.terms) != 1 for e in equations)
    assert ("q", "a", "16-17") in suppression.recoverable(equations, set(primary))

    published = tabulate(campaign([q], bands), counts)
    table = shown(published, "q")
    assert sum(row.count(X) for row in table.values()) > len(primary)
    assert recoverable_cells(published, {q.id: q}) == []


# -- the property: nothing under 10 is published, directly or by subtraction ---------------


def equations_of(published: Results, questions: dict[str, Question]):
    """The sums a reader can redo from the published tables, built from scratch here."""
    columns = published.columns
    total = len(columns) - 1
    equations = []  # (members, total) over cell ids (table, row, column index)

    def line(table, row, cols):
        return [(table, row, c) for c in cols]

    equations.append((line(ANY, ANY, range(total)), (ANY, ANY, total)))
    for table in published.tables:
        rows = [r.id for r in table.rows]
        for row in [*rows, ANY]:
            equations.append(
                (line(table.question, row, range(total)), (table.question, row, total))
            )
        if questions[table.question].type != "multiple":
            for c in range(len(columns)):
                equations.append(([(table.question, r, c) for r in rows], (table.question, ANY, c)))
    return equations


def recoverable_cells(published: Results, questions, extra=()) -> list:
    """Hidden cells that the published sums determine exactly (rank test)."""
    cells = {(ANY, ANY, i): c for i, c in enumerate(published.completions.cells)}
    for table in published.tables:
        for row in (*table.rows, table.respondents):
            cells |= {(table.question, row.id, i): c for i, c in enumerate(row.cells)}
    hidden = [k for k, c in cells.items() if c.hidden]
    index = {k: i for i, k in enumerate(hidden)}
    matrix = []
    for members, tot in [*equations_of(published, questions), *extra]:
        row = np.zeros(len(hidden))
        for key, sign in [(m, 1) for m in members] + [(tot, -1)]:
            if key in index:
                row[index[key]] += sign
        matrix.append(row)
    if not hidden or not matrix:
        return []
    a = np.array(matrix)
    rank = np.linalg.matrix_rank(a)
    return [
        k
        for k, i in index.items()
        if np.linalg.matrix_rank(np.vstack([a, np.eye(len(hidden))[i]])) == rank
    ]


def assert_safe(published: Results, questions: dict[str, Question], extra=()) -> None:
    every_row = [published.completions] + [
        row for t in published.tables for row in (*t.rows, t.respondents)
    ]
    for row in every_row:
        for cell in row.cells:
            assert cell.hidden or not 0 < cell.count < 10
            if cell.percent is not None:
                assert not cell.hidden
    cells = {(ANY, ANY, i): c for i, c in enumerate(published.completions.cells)}
    for table in published.tables:
        for row in (*table.rows, table.respondents):
            cells |= {(table.question, row.id, i): c for i, c in enumerate(row.cells)}
    for members, total in [*equations_of(published, questions), *extra]:
        assert sum(cells[k].hidden for k in [*members, total]) != 1
    assert recoverable_cells(published, questions, extra) == []


counts_0_to_60 = st.one_of(st.integers(0, 9), st.integers(0, 60))


@st.composite
def single_tables(draw):
    """One question, any type, 1-4 options plus SKIP, 1-4 bands, counts 0..60."""
    kind = draw(st.sampled_from(["single", "multiple", "scale", "yes_no"]))
    options = [f"o{i}" for i in range(draw(st.integers(1, 4)))] + [SKIP]
    bands = draw(st.lists(st.sampled_from(BANDS), min_size=1, max_size=4, unique=True))
    rows = {o: [draw(counts_0_to_60) for _ in bands] for o in options}
    if kind == "multiple":  # n is at least the largest option, at most their sum
        n = [
            draw(st.integers(max(r[i] for r in rows.values()), sum(r[i] for r in rows.values())))
            for i in range(len(bands))
        ]
    else:
        n = [sum(r[i] for r in rows.values()) for i in range(len(bands))]
    q = question("q", kind, options[:-1])
    counts = {("q", o, b): v for o, vals in rows.items() for b, v in zip(bands, vals, strict=True)}
    counts |= {("q", ANY, b): v for b, v in zip(bands, n, strict=True)}
    counts |= {(ANY, ANY, b): draw(counts_0_to_60) for b in bands}
    return campaign([q], bands), counts


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(single_tables())
def test_no_published_cell_reveals_a_count_under_10_directly_or_by_subtraction(case):
    camp, counts = case
    assert_safe(tabulate(camp, counts), {q.id: q for q in camp.questions})


@st.composite
def whole_campaigns(draw):
    """Counters as the survey writes them, at completion: every question asked to all has
    as many respondents as there are completions; a follow-up has as many as the answer
    that led to it."""
    bands = draw(st.lists(st.sampled_from(BANDS), min_size=1, max_size=4, unique=True))
    completions = {b: draw(counts_0_to_60) for b in bands}
    kinds = draw(
        st.lists(st.sampled_from(["single", "multiple", "yes_no"]), min_size=1, max_size=3)
    )
    questions, counts = [], {(ANY, ANY, b): v for b, v in completions.items()}

    def split(total: int, parts: int) -> list[int]:
        cuts = sorted(draw(st.lists(st.integers(0, total), min_size=parts - 1, max_size=parts - 1)))
        return [b - a for a, b in zip([0, *cuts], [*cuts, total], strict=True)]

    def answer(q: Question, n: dict[str, int]) -> None:
        options = [o.id for o in q.options]
        for b in bands:
            if q.type == "multiple":
                skip = draw(st.integers(0, n[b]))
                picks = [draw(st.integers(0, n[b] - skip)) for _ in options[:-1]]
                picks[0] = max(picks[0], n[b] - skip - sum(picks[1:]))
                values = [*picks, skip]
            else:
                values = split(n[b], len(options))
            counts.update({(q.id, o, b): v for o, v in zip(options, values, strict=True)})
            counts[(q.id, ANY, b)] = n[b]

    for i, kind in enumerate(kinds):
        q = question(f"q{i}", kind, [f"o{j}" for j in range(draw(st.integers(1, 3)))])
        questions.append(q)
        answer(q, completions)
    if kinds[0] != "multiple":  # a follow-up to the first question's first option
        follow = question("f", "single", ["x", "y"], Condition("q0", frozenset({"o0"})))
        questions.append(follow)
        answer(follow, {b: counts[("q0", "o0", b)] for b in bands})
    return campaign(questions, bands), counts


def known_links(published: Results, camp: Campaign, counts) -> list:
    """The ties between tables a reader can know: respondents = completions (the same
    people), and a follow-up's respondents = the answer that led to it."""
    links = []
    for c in range(len(published.columns)):
        for q in camp.questions:
            if q.show_if is None:
                links.append(([(q.id, ANY, c)], (ANY, ANY, c)))
            else:
                links.append(([(q.show_if.question, "o0", c)], (q.id, ANY, c)))
    return links


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(whole_campaigns())
def test_no_count_under_10_can_be_recomputed_across_the_tables_of_a_campaign(case):
    camp, counts = case
    published = tabulate(camp, counts)
    assert_safe(published, {q.id: q for q in camp.questions}, known_links(published, camp, counts))


# -- renderers -----------------------------------------------------------------------------


def sample() -> Results:
    q = question("seguro", "single", ["si", "no"])
    counts = counts_of("seguro", {"si": [20, 31, 1204], "no": [4, 12, 300], SKIP: [0, 3, 15]})
    return tabulate(campaign([q]), counts)


def test_table_formats_numbers_percentages_and_dates_for_es_cr():
    text = as_table(sample())
    assert format_date(date(2026, 12, 1), "long", locale="es_CR") in text
    assert format_date(date(2027, 1, 31), "long", locale="es_CR") in text
    lines = {
        re.split(r" {2,}", line)[0]: re.split(r" {2,}", line)[1:] for line in text.splitlines()
    }
    pct = format_percent(1204 / 1519, locale="es_CR")
    total_pct = format_percent(1255 / 1589, locale="es_CR")
    assert lines["Si"] == [
        X,
        X,
        f"{format_decimal(1204, locale='es_CR')} ({pct})",
        f"{format_decimal(1255, locale='es_CR')} ({total_pct})",
    ]
    assert lines["Respuestas"] == [
        "24",
        "46",
        format_decimal(1519, locale="es_CR"),
        format_decimal(1589, locale="es_CR"),
    ]
    assert format_decimal(1519, locale="es_CR") != "1519"  # a thousands separator is used
    assert results.NOTE in text


def test_csv_has_one_line_per_cell_and_hidden_counts_as_less_than_10():
    rows = list(csv.DictReader(io.StringIO(as_csv(sample()))))
    assert len(rows) == 4 * (1 + 4)  # completions + 3 options + n, by 4 columns
    cell = {(r["question"], r["option"], r["band"]): r for r in rows}
    assert cell[("seguro", "no", "9-12")]["count"] == X
    assert cell[("seguro", "si", "16-17")] | {"question_text": ""} == {
        "campaign": "barrio",
        "release": "",  # exact tables are never a release; see test_campaign_releases
        "question": "seguro",
        "question_text": "",
        "option": "si",
        "label": "Si",
        "band": "16-17",
        "count": "1204",
        "percent": str(round(100 * 1204 / 1519, 1)),
    }
    assert all(r["count"] == X or not 0 < int(r["count"]) < 10 for r in rows)


def test_json_shows_hidden_counts_as_the_string_less_than_10_never_a_number():
    document = json.loads(as_json(sample()))
    options = {o["id"]: o for o in document["questions"][0]["options"]}
    assert options["no"]["counts"] == {"9-12": X, "13-15": X, "16-17": X, "Total": 316}
    assert options["si"]["percent"] == {"16-17": round(100 * 1204 / 1519, 1), "Total": 79.0}
    assert document["completions"] == {"9-12": 24, "13-15": 46, "16-17": 1519, "Total": 1589}
    every_count = [v for o in options.values() for v in o["counts"].values()]
    assert all(v == X or (isinstance(v, int) and not 0 < v < 10) for v in every_count)


def test_charts_write_one_png_per_question(tmp_path):
    q1 = question("seguro", "single", ["si", "no"])
    q2 = question("riesgos", "multiple", ["a", "b"])
    counts = counts_of("seguro", {"si": [20, 31, 1204], "no": [4, 12, 300], SKIP: [0, 3, 15]})
    counts |= counts_of("riesgos", {"a": [5, 5, 5], "b": [30, 40, 50], SKIP: [0, 0, 0]})
    paths = charts(tabulate(campaign([q1, q2]), counts), tmp_path / "charts")
    assert [p.name for p in paths] == ["seguro.png", "riesgos.png"]
    for path in paths:
        with Image.open(path) as image:
            assert image.format == "PNG"
            assert image.size[0] > 300


# -- reading the counters, and the command ------------------------------------------------


def test_read_counts_returns_one_campaigns_counters_with_the_star_rows(database):
    with database.session() as session:
        for key, count in {
            ("barrio", "q", "si", "9-12"): 12,
            ("barrio", "q", ANY, "9-12"): 15,
            ("barrio", ANY, ANY, "9-12"): 15,
            ("otra", "q", "si", "9-12"): 99,
        }.items():
            session.add(
                AnswerCounter(
                    **dict(zip(["campaign", "question", "option", "band"], key, strict=True)),
                    count=count,
                )
            )
    assert read_counts(database, "barrio") == {
        ("q", "si", "9-12"): 12,
        ("q", ANY, "9-12"): 15,
        (ANY, ANY, "9-12"): 15,
    }
    assert read_counts(database, "nadie") == {}


def test_results_command_prints_the_latest_release_as_json_and_writes_charts(
    tmp_path, monkeypatch, capsys, staff_in_spanish
):
    from bot.campaigns.schema import load_campaigns
    from bot.cli import main
    from bot.storage import Database

    camp = next(iter(load_campaigns().values()))
    url = f"sqlite:///{tmp_path / 'voz.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    database = Database(url)
    database.migrate()
    first = camp.questions[0]

    def count(question: str, option: str, n: int) -> None:
        with database.session() as session:
            session.merge(
                AnswerCounter(
                    campaign=camp.id, question=question, option=option, band="13-15", count=n,
                    key=(7 * n) % 256,
                )
            )  # fmt: skip

    for option, n in [(first.options[0].id, 12), (first.options[1].id, 3), (ANY, 15)]:
        count(first.id, option, n)
    count(ANY, ANY, 15)  # fewer than release_every (20) completions: nothing is published
    assert main(["results", camp.id, "--format", "json"]) == 0
    output = capsys.readouterr()
    assert output.out == ""
    assert "Todavía no hay resultados publicados de seguridad-en-linea" in output.err

    for option, n in [(first.options[0].id, 40), (first.options[1].id, 3), (ANY, 43)]:
        count(first.id, option, n)
    count(ANY, ANY, 43)
    database.dispose()

    assert main(["results", camp.id, "--format", "json", "--charts", str(tmp_path / "png")]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["release"]["number"] == 1
    assert document["method"] == results.METHOD
    counts = {o["id"]: o["counts"] for o in document["questions"][0]["options"]}
    assert counts[first.options[1].id]["13-15"] == X
    assert abs(counts[first.options[0].id]["13-15"] - 40) <= 3
    assert len(list((tmp_path / "png").glob("*.png"))) == len(camp.questions)

    assert main(["results", "no-existe"]) == 1
    error = capsys.readouterr().err
    assert "consulta desconocida 'no-existe'. Consultas conocidas: seguridad-en-linea" in error
