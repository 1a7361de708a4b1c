"""The reading every facilitator file shares (bot.datafiles): each kind of file reports an
unreadable file and a YAML syntax mistake with its own error, the file, the line and the
fix, in the staff language; "did you mean" prefers the same word written without accents."""

from __future__ import annotations

import pytest

from bot.awareness.schema import LessonError, load_lesson
from bot.campaigns.schema import CampaignError, load_campaign
from bot.datafiles import YAML_FIX, DataFileError, suggest
from bot.i18n import _s
from consent.bands import BandsError, load_bands

LOADERS = [
    pytest.param(load_lesson, LessonError, id="lesson"),
    pytest.param(load_campaign, CampaignError, id="campaign"),
    pytest.param(load_bands, BandsError, id="bands"),
]


@pytest.fixture(autouse=True)
def english(staff_in_english):
    """The messages are pinned in English (STAFF_LANGUAGE=en), the wording they were written
    in; the default, Spanish, has its own test below."""


@pytest.mark.parametrize(("load", "error_type"), LOADERS)
def test_a_file_that_is_not_utf8_is_reported_with_its_own_error_and_the_fix(
    tmp_path, load, error_type
):
    path = tmp_path / "archivo.yml"
    path.write_bytes("título: Lección\n".encode("latin-1"))
    with pytest.raises(error_type) as caught:
        load(path)
    error = caught.value
    assert isinstance(error, DataFileError) and error.line is None
    assert str(error).startswith(f"{path}: cannot read the file (")
    assert str(error).endswith("Fix: check the path, and save it as UTF-8")


@pytest.mark.parametrize(("load", "error_type"), LOADERS)
def test_a_yaml_syntax_mistake_names_its_line_in_every_kind_of_file(tmp_path, load, error_type):
    path = tmp_path / "archivo.yml"
    path.write_text("id: prueba\nlista:\n\t- uno\n", encoding="utf-8")
    with pytest.raises(error_type) as caught:
        load(path)
    assert str(caught.value).startswith(f"{path}:3: this is not valid YAML (")
    assert str(caught.value).endswith(f"Fix: {_s(YAML_FIX)}")
    assert _s(YAML_FIX).startswith("check the indentation (spaces, never tabs)")


def test_suggest_prefers_the_same_word_without_accents_and_leaves_the_fix_alone_otherwise():
    assert suggest("Sí", ["sin", "si"], "use one of: sin, si") == (
        "did you mean 'si'? Use one of: sin, si"
    )
    assert suggest("escala", ["single", "scale"], "use one of: single, scale") == (
        "did you mean 'scale'? Use one of: single, scale"
    )
    assert suggest("zzz", ["title", "id"], "use only the keys allowed here: title, id") == (
        "use only the keys allowed here: title, id"
    )


@pytest.mark.parametrize(("load", "error_type"), LOADERS)
def test_by_default_the_mistake_is_reported_in_spanish(
    tmp_path, load, error_type, staff_in_spanish
):
    path = tmp_path / "archivo.yml"
    path.write_text("id: prueba\nlista:\n\t- uno\n", encoding="utf-8")
    with pytest.raises(error_type) as caught:
        load(path)
    assert str(caught.value).startswith(f"{path}:3: esto no es YAML válido (")
    assert str(caught.value).endswith(
        ". Solución: revise la sangría (espacios, nunca tabuladores) y ponga entre comillas "
        "dobles un texto que contenga ': ' o ' #', o que empiece con una comilla, '[', '{', "
        "'*', '&' o '-'"
    )
    assert suggest("Sí", ["sin", "si"], "use uno de estos: sin, si") == (
        "¿quiso decir 'si'? Use uno de estos: sin, si"
    )
