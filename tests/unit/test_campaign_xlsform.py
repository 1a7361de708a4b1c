"""`python -m bot campaigns import form.xlsx`: an ODK/Kobo XLSForm becomes a campaign file
that the validator accepts, with its questions, options, per-band wordings and simple skip
logic; a type that would identify a child, or that the bot cannot ask, is refused with the
sheet, the row and a fix. The forms are built here with openpyxl."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from bot import cli
from bot.campaigns.model import SKIP
from bot.campaigns.schema import load_campaign
from bot.campaigns.xlsform import XLSFormError, import_xlsform
from bot.cli import campaigns as campaigns_command

SURVEY_HEADER = ("type", "name", "label::es", "label::es (9-12)", "relevant", "parameters")
SURVEY = [
    ("start", "start", None, None, None, None),
    (
        "select_one sino",
        "desconocidos",
        "¿Le ha escrito alguien que no conocía?",
        "¿Le ha escrito una persona que usted no conocía?",
        None,
        None,
    ),
    ("begin_group", "grupo", None, None, None, None),
    ("select_one acciones", "que_hizo", "¿Qué hizo?", None, "${desconocidos} = 'yes'", None),
    ("end_group", None, None, None, None, None),
    ("select_multiple redes", "redes", "¿Cuáles usa?", "¿Cuáles aplicaciones usa?", None, None),
    (
        "select_one acciones",
        "de_nuevo",
        "¿Y la segunda vez?",
        None,
        "selected(${redes}, 'tiktok') or selected(${redes}, 'otra')",
        None,
    ),
    (
        "range",
        "seguridad",
        "¿Qué tan seguro se siente? 1 es nada, 5 es mucho.",
        None,
        None,
        "start=1 end=5",
    ),
]
CHOICES_HEADER = ("list_name", "name", "label::es", "label::es (9-12)")
CHOICES = [
    ("sino", "yes", "Sí", None),
    ("sino", "no", "No", None),
    ("acciones", "bloquee", "La bloqueé", "La bloqueé o la reporté"),
    ("acciones", "conte", "Le conté a alguien", None),
    ("redes", "tiktok", "TikTok", None),
    ("redes", "whatsapp", "WhatsApp", None),
    ("redes", "otra", "Otra", None),
]
SETTINGS = [("form_id", "title", "version"), ("taller_redes", "Taller de redes", "2027-01")]


def xlsform(path: Path, survey=None, choices=None, settings=None, drop=()) -> Path:
    """Write an XLSForm: the sample above, with `survey` rows (header + rows) replaced and
    the sheets named in `drop` left out."""
    book = Workbook()
    book.remove(book.active)
    sheets = {
        "survey": survey or [SURVEY_HEADER, *SURVEY],
        "choices": choices or [CHOICES_HEADER, *CHOICES],
        "settings": settings or SETTINGS,
    }
    for name, rows in sheets.items():
        if name in drop:
            continue
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(list(row))
    book.save(path)
    return path


@pytest.fixture(autouse=True)
def spanish(staff_in_spanish):
    """The messages are pinned in Spanish, the staff default; one test reads them in English."""


@pytest.fixture
def database_url(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'voz.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    for name in ("TELEGRAM_BOT_TOKEN", "TELEGRAM_BOT_USERNAME", "WEBHOOK_URL"):
        monkeypatch.delenv(name, raising=False)
    return url


def refused(tmp_path, rows) -> XLSFormError:
    form = xlsform(tmp_path / "form.xlsx", survey=[SURVEY_HEADER, *rows])
    with pytest.raises(XLSFormError) as caught:
        import_xlsform(form, tmp_path / "out.yml", tmp_path)
    assert not (tmp_path / "out.yml").exists()
    return caught.value


def question_row(kind: str, name: str = "pregunta") -> tuple:
    return (kind, name, "¿Algo?", None, None, None)


# -- the round trip ------------------------------------------------------------------------


def test_a_sample_xlsform_round_trips_into_a_valid_campaign(tmp_path, database_url, capsys):
    form = xlsform(tmp_path / "form.xlsx")
    folder = tmp_path / "campaigns"
    folder.mkdir()
    written = import_xlsform(form, None, folder)
    assert written == folder / "taller-redes.yml"
    # The existing validator, as the facilitator runs it.
    assert cli.main(["campaigns", "validate", str(written)]) == 0
    assert "ok: taller-redes (5 preguntas)" in capsys.readouterr().out

    text = written.read_text(encoding="utf-8")
    assert text.startswith("# Importada de form.xlsx")
    assert "&id" not in text  # a shared wording is written out, not as a YAML alias
    campaign = load_campaign(written)
    assert (campaign.id, campaign.title, campaign.consent_version) == (
        "taller-redes",
        "Taller de redes",
        "2027-01",
    )
    # A 9-12 wording column puts that band in the audience, and so a workshop code.
    assert "9-12" in campaign.audience and campaign.access_code
    questions = {question.id: question for question in campaign.questions}
    assert [question.id for question in campaign.questions] == [
        "desconocidos",
        "que_hizo",
        "redes",
        "de_nuevo",
        "seguridad",
    ]
    assert [q.type for q in campaign.questions] == [
        "yes_no",
        "single",
        "multiple",
        "single",
        "scale",
    ]

    desconocidos = questions["desconocidos"]
    assert desconocidos.text.for_band("13-15") == "¿Le ha escrito alguien que no conocía?"
    assert desconocidos.text.for_band("9-12") == "¿Le ha escrito una persona que usted no conocía?"

    que_hizo = questions["que_hizo"]
    assert [option.id for option in que_hizo.options] == ["bloquee", "conte", SKIP]
    assert que_hizo.options[0].text.for_band("16-17") == "La bloqueé"
    assert que_hizo.options[0].text.for_band("9-12") == "La bloqueé o la reporté"
    # `${desconocidos} = 'yes'` inside a group: the yes of a yes/no list is the bot's `si`.
    assert (que_hizo.show_if.question, que_hizo.show_if.answers) == (
        "desconocidos",
        frozenset({"si"}),
    )
    de_nuevo = questions["de_nuevo"]
    assert (de_nuevo.show_if.question, de_nuevo.show_if.answers) == (
        "redes",
        frozenset({"tiktok", "otra"}),
    )
    assert [option.id for option in questions["redes"].options] == [
        "tiktok",
        "whatsapp",
        "otra",
        SKIP,
    ]
    assert questions["seguridad"].show_if is None


def test_the_cli_writes_campaigns_id_yml_and_refuses_to_overwrite(
    tmp_path, database_url, capsys, monkeypatch
):
    folder = tmp_path / "campaigns"
    folder.mkdir()
    monkeypatch.setattr(campaigns_command, "CAMPAIGNS_DIR", folder)
    form = xlsform(tmp_path / "form.xlsx")

    assert cli.main(["campaigns", "import", str(form)]) == 0
    assert (folder / "taller-redes.yml").exists()
    assert "taller-redes.yml" in capsys.readouterr().out

    assert cli.main(["campaigns", "import", str(form)]) == 1
    assert "ya existe" in capsys.readouterr().err

    out = tmp_path / "otra.yml"
    assert cli.main(["campaigns", "import", str(form), "--out", str(out)]) == 0
    assert load_campaign(out).id == "taller-redes"


# -- refusals: a type that would identify a child -------------------------------------------


@pytest.mark.parametrize(
    "kind",
    [
        "text",
        "geopoint",
        "geotrace",
        "geoshape",
        "image",
        "audio",
        "video",
        "file",
        "barcode",
        "tel",
        "phonenumber",
    ],
)
def test_a_type_that_identifies_a_child_is_refused_with_row_and_fix(tmp_path, kind):
    error = refused(tmp_path, [question_row("select_multiple redes", "redes"), question_row(kind)])
    assert (error.sheet, error.row) == ("survey", 3)
    assert f"hoja 'survey', fila 3: el tipo '{kind}' puede identificar" in str(error)
    assert "Solución: borre la fila, o pregunte con select_one" in str(error)


@pytest.mark.parametrize("kind", ["date", "datetime"])
def test_a_date_such_as_a_date_of_birth_is_refused(tmp_path, kind):
    error = refused(tmp_path, [question_row(kind, "nacimiento")])
    assert error.row == 2
    assert "la de nacimiento" in error.problem and "select_one" in error.fix


@pytest.mark.parametrize("kind", ["integer", "decimal"])
def test_a_number_such_as_an_exact_age_is_refused(tmp_path, kind):
    error = refused(tmp_path, [question_row(kind, "edad")])
    assert error.row == 2
    assert "edad exacta" in error.problem
    assert "la franja de edad ya la pregunta el bot" in error.fix


# -- refusals: what the bot cannot ask ------------------------------------------------------


@pytest.mark.parametrize("kind", ["calculate", "begin_repeat", "begin repeat", "hidden", "rank"])
def test_a_type_the_bot_cannot_ask_is_refused_with_row_and_fix(tmp_path, kind):
    error = refused(tmp_path, [question_row("select_multiple redes", "redes"), question_row(kind)])
    assert (error.sheet, error.row) == ("survey", 3)
    assert "el bot no puede hacer una pregunta de tipo" in error.problem
    assert error.fix


def test_or_other_is_refused_because_it_opens_a_free_text_box(tmp_path):
    error = refused(tmp_path, [question_row("select_one acciones or_other", "que_hizo")])
    assert error.row == 2 and "'or_other'" in error.problem
    assert "agregue una opción 'otra'" in error.fix


def test_a_choice_filter_is_refused(tmp_path):
    header = (*SURVEY_HEADER, "choice_filter")
    survey = [header, ("select_one acciones", "a", "¿A?", None, None, None, "name='conte'")]
    form = xlsform(tmp_path / "form.xlsx", survey=survey)
    with pytest.raises(XLSFormError) as caught:
        import_xlsform(form, tmp_path / "out.yml", tmp_path)
    assert caught.value.row == 2 and "choice_filter" in caught.value.fix


def test_a_note_is_refused_with_where_its_text_can_go(tmp_path):
    error = refused(tmp_path, [question_row("note", "aviso")])
    assert error.row == 2
    assert "'description'" in error.fix and "borre la fila" in error.fix


def test_a_group_with_a_condition_over_questions_with_their_own_is_refused(tmp_path):
    rows = [
        question_row("select_one sino", "desconocidos"),
        ("begin_group", "g", None, None, "${desconocidos} = 'yes'", None),
        ("select_one acciones", "que_hizo", "¿Qué hizo?", None, "${desconocidos} = 'no'", None),
    ]
    error = refused(tmp_path, rows)
    assert error.row == 4 and "relevant" in error.fix


def test_a_range_other_than_1_to_5_is_refused(tmp_path):
    error = refused(tmp_path, [("range", "cuanto", "¿Cuánto?", None, None, "start=0 end=10")])
    assert error.row == 2 and "start=1 end=5" in error.fix


def test_a_condition_that_does_not_map_simply_is_refused(tmp_path):
    rows = [
        question_row("select_multiple redes", "redes"),
        ("select_one sino", "otra", "¿Otra?", None, "count-selected(${redes}) > 1", None),
    ]
    error = refused(tmp_path, rows)
    assert error.row == 3
    assert "selected(${pregunta}, 'opción')" in error.fix


def test_a_condition_on_an_unknown_option_names_the_options(tmp_path):
    rows = [
        question_row("select_multiple redes", "redes"),
        ("select_one sino", "otra", "¿Otra?", None, "selected(${redes}, 'tiktk')", None),
    ]
    error = refused(tmp_path, rows)
    assert error.row == 3 and "tiktok" in error.fix


# -- missing sheets and columns -------------------------------------------------------------


@pytest.mark.parametrize("sheet", ["survey", "choices", "settings"])
def test_a_missing_sheet_is_named_with_its_columns(tmp_path, sheet):
    form = xlsform(tmp_path / "form.xlsx", drop=(sheet,))
    with pytest.raises(XLSFormError) as caught:
        import_xlsform(form, tmp_path / "out.yml", tmp_path)
    assert f"falta la hoja '{sheet}'" in str(caught.value)
    assert f"agregue una hoja llamada '{sheet}'" in caught.value.fix


def test_a_missing_column_is_named_with_its_sheet_and_row(tmp_path):
    survey = [("tipo", "name", "label"), ("select_one sino", "a", "¿A?")]
    form = xlsform(tmp_path / "form.xlsx", survey=survey)
    with pytest.raises(XLSFormError) as caught:
        import_xlsform(form, tmp_path / "out.yml", tmp_path)
    assert (caught.value.sheet, caught.value.row) == ("survey", 1)
    assert "falta la columna 'type'" in caught.value.problem


def test_a_missing_label_column_is_refused(tmp_path):
    survey = [("type", "name"), ("select_one sino", "a")]
    form = xlsform(tmp_path / "form.xlsx", survey=survey)
    with pytest.raises(XLSFormError) as caught:
        import_xlsform(form, tmp_path / "out.yml", tmp_path)
    assert "'label'" in caught.value.problem


def test_a_file_that_is_not_a_workbook_gets_a_clear_error(tmp_path):
    form = tmp_path / "form.xlsx"
    form.write_text("no es un libro", encoding="utf-8")
    with pytest.raises(XLSFormError) as caught:
        import_xlsform(form, tmp_path / "out.yml", tmp_path)
    assert ".xlsx" in caught.value.fix


def test_the_refusal_reads_in_english_for_english_staff(tmp_path, staff_in_english):
    error = refused(tmp_path, [question_row("text", "nombre")])
    assert "sheet 'survey', row 2: type 'text' could identify a child" in str(error)
    assert "Fix: delete the row" in str(error)


def test_a_plain_label_column_is_the_default_and_other_languages_are_left_out(tmp_path):
    survey = [
        ("type", "name", "label", "label::English (en)", "label::Español (es) (13-15)"),
        (
            "select_multiple redes",
            "redes",
            "¿Cuáles usa?",
            "Which do you use?",
            "¿Cuáles apps usa?",
        ),
    ]
    choices = [("list_name", "name", "label"), *[(row[0], row[1], row[2]) for row in CHOICES]]
    settings = [("form_id", "title"), ("Redes", "Redes")]
    form = xlsform(tmp_path / "form.xlsx", survey=survey, choices=choices, settings=settings)
    campaign = load_campaign(import_xlsform(form, None, tmp_path))
    assert campaign.id == "redes" and "9-12" not in campaign.audience
    assert campaign.access_code is None
    (redes,) = campaign.questions
    assert redes.text.for_band("16-17") == "¿Cuáles usa?"
    assert redes.text.for_band("13-15") == "¿Cuáles apps usa?"


def test_the_cli_prints_a_refusal_and_exits_1_writing_nothing(
    tmp_path, database_url, capsys, monkeypatch, staff_in_english
):
    folder = tmp_path / "campaigns"
    folder.mkdir()
    monkeypatch.setattr(campaigns_command, "CAMPAIGNS_DIR", folder)
    rows = [question_row("select_multiple redes", "redes"), question_row("geopoint", "donde")]
    form = xlsform(tmp_path / "form.xlsx", survey=[SURVEY_HEADER, *rows])

    assert cli.main(["campaigns", "import", str(form)]) == 1
    err = capsys.readouterr().err
    assert "form.xlsx, sheet 'survey', row 3: type 'geopoint' could identify a child" in err
    assert "Fix: delete the row" in err
    assert list(folder.iterdir()) == []
