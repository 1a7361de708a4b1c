"""The published web report (issue 14, item 4): one self-contained, accessible page of a
release, rendered by a real browser (headless Chromium) and read back as a reader gets it:
the DOM it builds and a screenshot. Every question is there, no hidden count, no
percentage where n < 30, the release and the method note."""

from __future__ import annotations

import random
import re
import shutil
import subprocess
from datetime import date, datetime
from html.parser import HTMLParser

import pytest
from babel.numbers import format_decimal
from PIL import Image

from bot.campaigns.model import SKIP, Campaign, Option, Question, Wording
from bot.campaigns.perturbation import KEYS
from bot.campaigns.releases import ReleaseInfo
from bot.campaigns.report import as_html
from bot.campaigns.results import HIDDEN, METHOD, MIN_N_FOR_PERCENT, TOTAL, Results, tabulate
from bot.campaigns.tables import ANY

BANDS = ("9-12", "13-15", "16-17")


def options(*pairs: tuple[str, str]) -> tuple[Option, ...]:
    return (
        *(Option(i, Wording(text)) for i, text in pairs),
        Option(SKIP, Wording("Prefiero no responder")),
    )


CAMPAIGN = Campaign(
    id="barrio",
    title="Seguridad en mi barrio",
    description="",
    opens=date(2026, 12, 1),
    closes=date(2027, 6, 30),
    audience=frozenset(BANDS),
    consent_version="1",
    access_code=None,
    questions=(
        Question(
            "visto",
            "yes_no",
            Wording("¿Ha visto ofertas de trabajo que prometen mucha plata fácil?"),
            options(("si", "Sí"), ("no", "No")),
        ),
        Question(
            "hizo",
            "single",
            Wording("La última vez, ¿qué hizo?"),
            options(("bloquee", "La bloqueé"), ("conte", "Le conté a alguien"), ("nada", "Nada")),
        ),
    ),
)
# 9-12 is small (n = 14 < 30: no percentages), with counts under 10 to hide.
ROWS = {
    "visto": {"si": [4, 40, 900], "no": [10, 25, 600], SKIP: [0, 5, 30]},
    "hizo": {
        "bloquee": [3, 20, 500],
        "conte": [11, 30, 700],
        "nada": [0, 15, 300],
        SKIP: [0, 5, 30],
    },
}


def published() -> Results:
    counts: dict[tuple[str, str, str], int] = {}
    for question, rows in ROWS.items():
        for option, values in rows.items():
            counts |= {(question, option, b): v for b, v in zip(BANDS, values, strict=True)}
        n = [sum(values[i] for values in rows.values()) for i in range(3)]
        counts |= {(question, ANY, b): v for b, v in zip(BANDS, n, strict=True)}
        counts |= {(ANY, ANY, b): v for b, v in zip(BANDS, n, strict=True)}
    rng = random.Random(4)
    keys = {key: rng.randrange(KEYS) for key in counts}
    # The same children have the same key: completions and the n of a question asked to all.
    keys |= {(q, ANY, b): keys[(ANY, ANY, b)] for q in ROWS for b in BANDS}
    release = ReleaseInfo("barrio", 3, datetime(2027, 2, 1, 15, 0), False, 20, CAMPAIGN.closes)
    return tabulate(CAMPAIGN, counts, keys, release)


class Page(HTMLParser):
    """The tables of a page (caption, header row, body rows of cell texts), the text
    alternatives of its images, and all of its text."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[dict] = []
        self.images: list[str] = []
        self.text: list[str] = []
        self._cell: list[str] | None = None
        self._row: list[str] | None = None
        self._where: str | None = None
        self._svg_title = False
        self.lang = ""
        self.external: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "html":
            self.lang = attributes.get("lang") or ""
        for name in ("src", "href"):
            if attributes.get(name):
                self.external.append(attributes[name])
        if tag == "table":
            self.tables.append({"caption": "", "head": [], "rows": [], "scopes": []})
        elif tag == "caption":
            self._where = "caption"
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th"):
            self._cell = []
            if tag == "th":
                self.tables[-1]["scopes"].append(attributes.get("scope"))
        elif tag == "title" and self._in_svg:
            self._svg_title = True
            self.images.append("")
        elif tag == "svg":
            self._in_svg = True
            assert attributes.get("role") == "img"

    _in_svg = False

    def handle_endtag(self, tag):
        if tag == "caption":
            self._where = None
        elif tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        elif tag == "tr" and self._row is not None:
            table = self.tables[-1]
            (table["rows"] if table["head"] else table["head"]).append(self._row)
            self._row = None
        elif tag == "title":
            self._svg_title = False
        elif tag == "svg":
            self._in_svg = False

    def handle_data(self, data):
        self.text.append(data)
        if self._where == "caption":
            self.tables[-1]["caption"] += data
        if self._cell is not None:
            self._cell.append(data)
        if self._svg_title:
            self.images[-1] += data


@pytest.fixture(scope="module")
def chromium() -> str:
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        pytest.skip("Chromium is not installed (Debian: apt-get install -y chromium)")
    return browser


@pytest.fixture(scope="module")
def rendered(chromium, tmp_path_factory, staff_catalogs):
    """The page as Chromium builds it (its DOM) and draws it (a screenshot)."""
    from bot import i18n

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(i18n, "LOCALES", staff_catalogs)
        patch.delenv("STAFF_LANGUAGE", raising=False)
        html = as_html(published())
    folder = tmp_path_factory.mktemp("report")
    page = folder / "informe.html"
    page.write_text(html, encoding="utf-8")
    common = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars"]
    dom = subprocess.run(
        [*common, "--dump-dom", page.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    shot = folder / "informe.png"
    subprocess.run(
        [*common, f"--screenshot={shot}", "--window-size=1000,2200", page.as_uri()],
        capture_output=True,
        timeout=120,
        check=True,
    )
    parsed = Page()
    parsed.feed(dom)
    return html, parsed, shot


def test_every_question_is_a_captioned_table_with_column_and_row_headers(rendered):
    _, page, _ = rendered
    captions = [table["caption"] for table in page.tables]
    assert captions == ["Completaron la consulta", *(q.text.default for q in CAMPAIGN.questions)]
    for table in page.tables:
        assert table["head"] == [["Respuesta", *BANDS, TOTAL]]
        assert set(table["scopes"]) == {"col", "row"}
    assert page.lang == "es-CR"


def test_no_hidden_count_and_no_percentage_where_n_is_under_30(rendered):
    _, page, _ = rendered
    results = published()
    for table, expected in zip(page.tables[1:], results.tables, strict=True):
        for row, cells in zip(table["rows"], (*expected.rows, expected.respondents), strict=True):
            for column, (text, cell) in enumerate(zip(row[1:], cells.cells, strict=True)):
                if cell.hidden:
                    assert text == HIDDEN
                    continue
                number = text.split(" (")[0]
                assert number == format_decimal(cell.count, locale="es_CR")
                assert not 0 < cell.count < 10  # type: ignore[operator]
                n = expected.respondents.cells[column]
                if "%" in text:
                    assert n.count is not None and n.count >= MIN_N_FOR_PERCENT
    hidden_cells = sum(c.hidden for t in results.tables for r in t.rows for c in r.cells)
    assert hidden_cells >= 2  # the sample really hides something
    assert "%" not in " ".join(row[1] for t in page.tables for row in t["rows"])  # 9-12: n < 30


def test_charts_have_text_alternatives_with_every_figure(rendered):
    _, page, _ = rendered
    results = published()
    assert len(page.images) == len(CAMPAIGN.questions)
    for name, table in zip(page.images, results.tables, strict=True):
        assert name.startswith(f"Gráfico: {table.text}")
        for row in table.rows:
            assert f"{row.label}: " in name
        assert HIDDEN in name or all(not r.cells[-1].hidden for r in table.rows)


def test_the_page_names_the_release_and_carries_the_method_note(rendered):
    html, page, _ = rendered
    text = " ".join(" ".join(page.text).split())
    assert "Publicación n.º 3, del 1 de febrero de 2027." in text
    assert "La próxima publicación se hará cuando haya 20 respuestas nuevas" in text
    assert METHOD in text
    assert page.external == []  # self-contained: nothing fetched from anywhere
    assert not re.search(r"<script|url\(|@import", html)


def test_the_screenshot_shows_a_drawn_page(rendered):
    _, _, shot = rendered
    with Image.open(shot) as image:
        assert image.size == (1000, 2200)
        dark = sum(1 for value in image.convert("L").getdata() if value < 80)
        blue = image.convert("RGB").getcolors(1_000_000)
    assert dark > 5000  # text and table borders, not a blank page
    assert any(color == (47, 111, 196) for _, color in blue)  # the chart bars are drawn


def test_results_command_writes_the_html_report(tmp_path, monkeypatch, capsys, staff_in_spanish):
    from bot.campaigns.schema import load_campaigns
    from bot.campaigns.tables import AnswerCounter
    from bot.cli import main
    from bot.storage import Database

    camp = next(iter(load_campaigns().values()))
    url = f"sqlite:///{tmp_path / 'voz.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    database = Database(url)
    database.migrate()
    first = camp.questions[0]
    with database.session() as session:
        for question, option, count in [
            (first.id, first.options[0].id, 40),
            (first.id, ANY, 40),
            (ANY, ANY, 40),
        ]:
            session.add(
                AnswerCounter(
                    campaign=camp.id, question=question, option=option, band="13-15", count=count
                )
            )
    database.dispose()
    assert main(["results", camp.id, "--format", "html"]) == 0
    html = capsys.readouterr().out
    assert html.startswith("<!doctype html>") and "Publicación n.º 1" in html
    assert all(q.text.default in html for q in camp.questions)
