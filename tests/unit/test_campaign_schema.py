"""Campaign files are validated strictly, with errors that name the file, the line and the
fix, in the staff language; the shipped example campaign loads."""

from __future__ import annotations

import textwrap
from datetime import date

import pytest

from bot.campaigns.model import SCALE, SCALE_EMOJI, SKIP
from bot.campaigns.schema import (
    ANSWER_DATA,
    CALLBACK_DATA_LIMIT,
    CAMPAIGNS_DIR,
    SKIP_LABEL,
    CampaignError,
    load_campaign,
    load_campaigns,
)

VALID = textwrap.dedent(
    """\
    id: prueba
    title: Consulta de prueba
    description: Una consulta corta para las pruebas.
    opens: 2026-12-01
    closes: 2027-06-30
    audience: ["13-15", "16-17"]
    consent_version: "1"
    questions:
      - id: usa_redes
        type: yes_no
        text:
          default: ¿Usa redes sociales?
          13-15: ¿Usa aplicaciones o juegos?
      - id: cuales
        type: multiple
        text: ¿Cuáles usa?
        options:
          - id: whatsapp
            text: WhatsApp
          - id: tiktok
            text:
              default: TikTok
              13-15: TikTok o videos
        show_if: {question: usa_redes, answer: si}
      - id: seguro
        type: scale
        text: ¿Qué tan seguro o segura se siente en internet?
      - id: contaria
        type: single
        text: ¿A quién le contaría?
        options:
          - id: familia
            text: A mi familia
          - id: nadie
            text: A nadie
    """
)


@pytest.fixture(autouse=True)
def english(staff_in_english):
    """The messages are pinned in English (STAFF_LANGUAGE=en), the wording they were written
    in; the default, Spanish, has its own test below."""


def write(tmp_path, text: str, name: str = "prueba.yml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def broken(tmp_path, old: str, new: str):
    """The valid campaign with one line changed; returns the file and the changed line."""
    assert VALID.count(old) == 1, old
    line = VALID[: VALID.index(old)].count("\n") + 1
    return write(tmp_path, VALID.replace(old, new)), line


def error_of(path) -> CampaignError:
    with pytest.raises(CampaignError) as caught:
        load_campaign(path)
    return caught.value


def assert_names(error: CampaignError, path, line: int, *words: str) -> None:
    message = str(error)
    assert message.startswith(f"{path}:{line}: "), message
    assert ". Fix: " in message, message
    assert error.line == line
    for word in words:
        assert word in message, (word, message)


# -- a valid file ------------------------------------------------------------------------


def test_a_valid_file_becomes_a_campaign_with_implicit_options_and_skip(tmp_path):
    campaign = load_campaign(write(tmp_path, VALID))
    assert campaign.id == "prueba"
    assert campaign.opens == date(2026, 12, 1) and campaign.closes == date(2027, 6, 30)
    assert campaign.audience == {"13-15", "16-17"}
    assert campaign.access_code is None
    assert [q.id for q in campaign.questions] == ["usa_redes", "cuales", "seguro", "contaria"]

    yes_no = campaign.question("usa_redes")
    assert [(o.id, o.text.default) for o in yes_no.options] == [
        ("si", "Sí"),
        ("no", "No"),
        (SKIP, SKIP_LABEL),
    ]
    assert yes_no.text.for_band("13-15") == "¿Usa aplicaciones o juegos?"
    assert yes_no.text.for_band("16-17") == "¿Usa redes sociales?"

    scale = campaign.question("seguro")
    assert [o.id for o in scale.options] == [*SCALE, SKIP]
    assert scale.option("1").text.default == f"{SCALE_EMOJI['1']} 1"

    multiple = campaign.question("cuales")
    assert [o.id for o in multiple.options] == ["whatsapp", "tiktok", SKIP]
    assert multiple.option("tiktok").text.for_band("13-15") == "TikTok o videos"
    assert multiple.show_if.question == "usa_redes"
    assert multiple.show_if.answers == {"si"}


def test_values_are_read_as_written_not_as_yaml_booleans_or_numbers(tmp_path):
    path, _ = broken(tmp_path, 'consent_version: "1"', "consent_version: 2026\naccess_code: 0123")
    campaign = load_campaign(path)
    assert campaign.consent_version == "2026"
    assert campaign.access_code == "0123"


def test_show_if_accepts_a_list_of_answers(tmp_path):
    path, _ = broken(
        tmp_path,
        "    show_if: {question: usa_redes, answer: si}",
        "    show_if: {question: usa_redes, answer: [si, skip]}",
    )
    assert load_campaign(path).question("cuales").show_if.answers == {"si", SKIP}


def test_the_shipped_example_campaign_is_open_to_13_and_older_without_a_code():
    campaigns = load_campaigns()
    campaign = campaigns["seguridad-en-linea"]
    # 9-12 take part only in workshops, with a code (see the test below).
    assert campaign.audience == {"13-15", "16-17", "18-24"} and campaign.access_code is None
    assert (campaign.opens, campaign.closes) == (date(2026, 12, 1), date(2027, 6, 30))
    assert 6 <= len(campaign.questions) <= 8
    assert {q.type for q in campaign.questions} == {"single", "multiple", "scale", "yes_no"}
    assert any(q.show_if for q in campaign.questions)
    for question in campaign.questions:
        assert question.options[-1].id == SKIP
        for option in question.options:
            data = ANSWER_DATA.format(question=question.id, option=option.id)
            assert len(data.encode()) <= CALLBACK_DATA_LIMIT
    assert any("18-24" in q.text.by_band for q in campaign.questions)


# -- malformed files: file, line and fix ---------------------------------------------------


def test_yaml_syntax_error_names_its_line(tmp_path):
    path, line = broken(tmp_path, "title: Consulta de prueba", 'title: "sin cerrar')
    error = error_of(path)
    assert str(error).startswith(f"{path}:")
    assert error.line is not None and error.line >= line
    assert "not valid YAML" in str(error) and "Fix: " in str(error)


def test_unknown_top_level_key_suggests_the_right_one(tmp_path):
    path, line = broken(tmp_path, "title: Consulta de prueba", "titulo: Consulta de prueba")
    assert_names(error_of(path), path, line, "unknown key 'titulo'", "did you mean 'title'?")


def test_missing_title_points_at_the_top_of_the_campaign(tmp_path):
    path, _ = broken(tmp_path, "title: Consulta de prueba\n", "")
    assert_names(error_of(path), path, 1, "has no 'title'", "add a 'title:' line")


def test_empty_description_is_refused(tmp_path):
    path, line = broken(
        tmp_path, "description: Una consulta corta para las pruebas.", 'description: ""'
    )
    assert_names(error_of(path), path, line, "'description' is empty")


def test_campaign_id_that_cannot_be_a_link_payload_is_refused(tmp_path):
    path, line = broken(tmp_path, "id: prueba", "id: Prueba Uno")
    assert_names(error_of(path), path, line, "campaign id 'Prueba Uno' is not valid", "lowercase")


def test_reserved_campaign_id_general_is_refused(tmp_path):
    path, line = broken(tmp_path, "id: prueba", "id: general")
    assert_names(error_of(path), path, line, "reserved", "choose another id")


def test_malformed_date_is_refused_with_the_expected_format(tmp_path):
    path, line = broken(tmp_path, "opens: 2026-12-01", "opens: 1/12/2026")
    assert_names(error_of(path), path, line, "'opens' '1/12/2026' is not a date", "YYYY-MM-DD")


def test_closing_before_opening_points_at_closes(tmp_path):
    path, line = broken(tmp_path, "closes: 2027-06-30", "closes: 2026-11-30")
    assert_names(error_of(path), path, line, "closes (2026-11-30) before it opens")


def test_unknown_audience_band_lists_the_bands(tmp_path):
    path, line = broken(
        tmp_path, 'audience: ["13-15", "16-17"]', 'audience:\n  - "13-15"\n  - "13-16"'
    )
    assert_names(error_of(path), path, line + 2, "unknown age band '13-16'", "13-15", "16-17")


def test_empty_audience_is_refused(tmp_path):
    path, line = broken(tmp_path, 'audience: ["13-15", "16-17"]', "audience: []")
    assert_names(error_of(path), path, line, "'audience' must be a non-empty list")


def test_access_code_too_short_is_refused(tmp_path):
    path, line = broken(tmp_path, 'consent_version: "1"', 'consent_version: "1"\naccess_code: ab')
    assert_names(error_of(path), path, line + 1, "2 characters", "4 to 32")


def test_missing_consent_version_is_refused(tmp_path):
    path, line = broken(tmp_path, 'consent_version: "1"', "consent_version:")
    assert_names(error_of(path), path, line, "no 'consent_version'")


def test_no_questions_is_refused(tmp_path):
    text = VALID.split("questions:")[0] + "questions: []\n"
    path = write(tmp_path, text)
    line = text.splitlines().index("questions: []") + 1
    assert_names(error_of(path), path, line, "'questions' must be a non-empty list")


def test_duplicate_question_id_is_refused(tmp_path):
    path, line = broken(tmp_path, "  - id: seguro", "  - id: cuales")
    assert_names(error_of(path), path, line, "question id 'cuales' is used twice")


def test_malformed_question_id_is_refused(tmp_path):
    path, line = broken(tmp_path, "  - id: seguro", "  - id: Seguro-Ya")
    assert_names(error_of(path), path, line, "question id 'Seguro-Ya' is not valid", "'_'")


def test_unknown_question_type_suggests_the_right_one(tmp_path):
    path, line = broken(tmp_path, "    type: scale", "    type: escala")
    assert_names(error_of(path), path, line, "unknown question type 'escala'", "scale")


def test_misspelt_question_key_suggests_the_right_one(tmp_path):
    path, line = broken(
        tmp_path,
        "    show_if: {question: usa_redes, answer: si}",
        "    show_iff: {question: usa_redes, answer: si}",
    )
    assert_names(error_of(path), path, line, "unknown key 'show_iff'", "did you mean 'show_if'?")


def test_wording_for_an_unknown_band_is_refused(tmp_path):
    path, line = broken(tmp_path, "      13-15: ¿Usa aplicaciones o juegos?", "      9-11: ¿Usa?")
    assert_names(error_of(path), path, line, "'9-11'", "neither 'default' nor an age band")


def test_wording_for_a_band_outside_the_audience_is_refused(tmp_path):
    path, line = broken(tmp_path, "      13-15: ¿Usa aplicaciones o juegos?", "      18-24: ¿Usa?")
    assert_names(error_of(path), path, line, "'18-24', which is not in the audience", "audience")


def test_band_wordings_without_default_are_refused(tmp_path):
    path, line = broken(tmp_path, "      default: ¿Usa redes sociales?\n", "")
    # the error points at the wording's first line (the 13-15 override)
    assert_names(error_of(path), path, line, "no 'default'", "add a 'default: ...' line")


def test_choice_question_without_options_is_refused(tmp_path):
    text = VALID.replace(
        "    options:\n      - id: familia\n        text: A mi familia\n"
        "      - id: nadie\n        text: A nadie\n",
        "",
    )
    path = write(tmp_path, text)
    line = text.splitlines().index("  - id: contaria") + 1
    assert_names(error_of(path), path, line, "question 'contaria' has no 'options'")


def test_a_single_option_is_too_few(tmp_path):
    path, line = broken(tmp_path, "      - id: nadie\n        text: A nadie\n", "")
    # the error points at the list of options, which starts two lines above the removed one
    assert_names(error_of(path), path, line - 2, "has 1 option.", "2 to 10")


def test_options_on_a_scale_question_are_refused(tmp_path):
    path, line = broken(
        tmp_path,
        "    text: ¿Qué tan seguro o segura se siente en internet?",
        "    text: ¿Qué tan seguro o segura se siente en internet?\n"
        "    options:\n      - id: poco\n        text: Poco",
    )
    assert_names(error_of(path), path, line + 1, "type scale, which takes no options", "remove")


def test_option_id_skip_is_reserved(tmp_path):
    path, line = broken(tmp_path, "      - id: nadie", "      - id: skip")
    assert_names(error_of(path), path, line, "'skip' is reserved", "Prefiero no responder")


def test_option_id_done_is_reserved_for_the_listo_button(tmp_path):
    path, line = broken(tmp_path, "      - id: nadie", "      - id: done")
    assert_names(error_of(path), path, line, "'done' is reserved", "another id")


def test_duplicate_option_id_is_refused(tmp_path):
    path, line = broken(tmp_path, "      - id: nadie", "      - id: familia")
    assert_names(error_of(path), path, line, "option id 'familia' is used twice")


def test_option_id_too_long_is_refused(tmp_path):
    path, line = broken(tmp_path, "      - id: nadie", "      - id: nadie_nadie_nadie")
    assert_names(error_of(path), path, line, "is not valid", "1-12 characters")


def test_show_if_on_a_later_question_is_refused(tmp_path):
    path, line = broken(
        tmp_path,
        "    show_if: {question: usa_redes, answer: si}",
        "    show_if: {question: contaria, answer: familia}",
    )
    assert_names(error_of(path), path, line, "'contaria', which is not an earlier question")


def test_show_if_on_a_missing_option_suggests_one(tmp_path):
    path, line = broken(
        tmp_path,
        "    show_if: {question: usa_redes, answer: si}",
        "    show_if: {question: usa_redes, answer: sí}",
    )
    assert_names(error_of(path), path, line, "'usa_redes' has no option 'sí'", "did you mean 'si'?")


def test_show_if_without_answer_is_refused(tmp_path):
    path, line = broken(
        tmp_path,
        "    show_if: {question: usa_redes, answer: si}",
        "    show_if: {question: usa_redes}",
    )
    assert_names(error_of(path), path, line, "has no 'answer'")


def test_a_key_written_twice_is_refused(tmp_path):
    path, line = broken(tmp_path, "    type: scale", "    type: scale\n    text: ¿Otra vez?")
    # the second 'text' is the original one, after the inserted line
    assert_names(error_of(path), path, line + 2, "'text' appears twice", "first on line")


def test_empty_file_is_refused(tmp_path):
    path = write(tmp_path, "# solo un comentario\n")
    assert_names(error_of(path), path, 1, "the file is empty", "README")


def test_by_default_the_error_is_in_spanish_with_the_file_the_line_and_the_fix(
    tmp_path, staff_in_spanish
):
    path, line = broken(tmp_path, "    type: scale", "    type: escala")
    error = error_of(path)
    assert str(error) == (
        f"{path}:{line}: tipo de pregunta desconocido 'escala' en la pregunta 'seguro'. "
        "Solución: ¿quiso decir 'scale'? Use uno de estos: single, multiple, scale, yes_no"
    )
    assert error.line == line
    path, line = broken(tmp_path, "      - id: nadie\n        text: A nadie\n", "")
    assert str(error_of(path)) == (
        f"{path}:{line - 2}: la pregunta 'contaria' tiene 1 opción. "
        "Solución: póngale de 2 a 10 opciones ('Prefiero no responder' se agrega solo)"
    )


# -- a folder of campaigns -------------------------------------------------------------------


def test_load_campaigns_reads_every_yml_file_of_a_folder(tmp_path):
    write(tmp_path, VALID, "a.yml")
    write(tmp_path, VALID.replace("id: prueba", "id: otra-prueba"), "b.yml")
    write(tmp_path, "no es una campaña", "notas.txt")
    assert sorted(load_campaigns(tmp_path)) == ["otra-prueba", "prueba"]


def test_duplicate_campaign_id_names_both_files(tmp_path):
    first = write(tmp_path, VALID, "a.yml")
    second = write(tmp_path, "# la misma\n" + VALID, "b.yml")
    with pytest.raises(CampaignError) as caught:
        load_campaigns(tmp_path)
    message = str(caught.value)
    assert message.startswith(f"{second}:2: campaign id 'prueba' is also used by {first}:1")
    assert "Fix: give each campaign its own id" in message


def test_a_yaml_extension_is_refused_rather_than_ignored(tmp_path):
    stray = write(tmp_path, VALID, "prueba.yaml")
    with pytest.raises(CampaignError, match="rename it to prueba.yml") as caught:
        load_campaigns(tmp_path)
    assert str(caught.value).startswith(str(stray))


def test_the_default_folder_is_the_repository_campaigns_folder():
    assert CAMPAIGNS_DIR.name == "campaigns"
    assert (CAMPAIGNS_DIR / "seguridad-en-linea.yml").is_file()


def test_the_example_in_the_campaigns_readme_is_valid(tmp_path):
    readme = (CAMPAIGNS_DIR / "README.md").read_text(encoding="utf-8")
    example = readme.split("## A small example", 1)[1].split("```yaml\n", 1)[1].split("```")[0]
    campaign = load_campaign(write(tmp_path, example, "mi-consulta.yml"))
    assert campaign.id == "mi-consulta"
    assert campaign.question("cuales").show_if.answers == {"si"}


def test_a_campaign_open_to_9_to_12_without_a_code_is_refused_saying_why(tmp_path):
    path, line = broken(tmp_path, 'audience: ["13-15", "16-17"]', 'audience: ["9-12", "13-15"]')
    assert_names(
        error_of(path),
        path,
        line,
        "open to 9-12 without 'access_code'",
        "children of that age are consulted only in a workshop, with their guardians' consent",
        "add 'access_code' with the workshop's code, or remove 9-12 from 'audience'",
    )
    with_code = VALID.replace(
        'audience: ["13-15", "16-17"]', 'audience: ["9-12", "13-15"]\naccess_code: TALLER-JACO'
    )
    campaign = load_campaign(write(tmp_path, with_code))
    assert campaign.audience == {"9-12", "13-15"} and campaign.access_code == "TALLER-JACO"


def test_the_description_is_worded_per_band(tmp_path):
    text = VALID.replace(
        "description: Una consulta corta para las pruebas.",
        "description:\n  default: Una consulta sobre redes.\n  13-15: Preguntas sobre redes.",
    )
    description = load_campaign(write(tmp_path, text)).description
    assert description.for_band("13-15") == "Preguntas sobre redes."
    assert description.for_band("16-17") == "Una consulta sobre redes."
