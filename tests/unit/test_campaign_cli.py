"""`python -m bot campaigns validate|list|open|close|link`, and the registry the survey flow
asks which campaigns are live."""

from __future__ import annotations

from datetime import date, datetime

import pytest
import qrcode
from PIL import Image, ImageChops
from qrcode.constants import ERROR_CORRECT_M

from bot import cli
from bot.campaigns import launch
from bot.campaigns.launch import CampaignRegistry, UnknownCampaign
from bot.campaigns.posters import deep_link
from bot.campaigns.schema import CAMPAIGNS_DIR
from bot.cli import campaigns as campaigns_command
from bot.storage import Database
from tests.unit.test_campaign_schema import VALID

EXAMPLE = CAMPAIGNS_DIR / "seguridad-en-linea.yml"


@pytest.fixture(autouse=True)
def english(staff_in_english):
    """The messages are pinned in English (STAFF_LANGUAGE=en), the wording they were written
    in; the default, Spanish, has its own test below."""


@pytest.fixture
def database_url(tmp_path, monkeypatch):
    """A migrated SQLite database, named by DATABASE_URL as the CLI reads it."""
    url = f"sqlite:///{tmp_path / 'voz.db'}"
    Database(url).migrate()
    monkeypatch.setenv("DATABASE_URL", url)
    for name in ("TELEGRAM_BOT_TOKEN", "TELEGRAM_BOT_USERNAME", "WEBHOOK_URL"):
        monkeypatch.delenv(name, raising=False)
    return url


@pytest.fixture
def folder(tmp_path, monkeypatch):
    """A campaigns folder of two valid campaigns, used as the CLI's default folder."""
    campaigns = tmp_path / "campaigns"
    campaigns.mkdir()
    (campaigns / "prueba.yml").write_text(VALID, encoding="utf-8")
    (campaigns / "seguridad-en-linea.yml").write_text(
        EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8"
    )
    monkeypatch.setattr(launch, "CAMPAIGNS_DIR", campaigns)  # the registry's default
    monkeypatch.setattr(campaigns_command, "CAMPAIGNS_DIR", campaigns)  # the commands'
    return campaigns


def at(day: date, hour: int = 18):
    """A clock (naive UTC) fixed on that day; 18:00 UTC is noon in Costa Rica."""
    return lambda: datetime(day.year, day.month, day.day, hour)


# -- validate ------------------------------------------------------------------------------


def test_validate_all_prints_ok_per_campaign_and_exits_0(database_url, folder, capsys):
    assert cli.main(["campaigns", "validate"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out == ["ok: prueba (4 questions)", "ok: seguridad-en-linea (8 questions)"]


def test_validate_the_shipped_campaign_by_path(database_url, capsys):
    assert cli.main(["campaigns", "validate", str(EXAMPLE)]) == 0
    assert capsys.readouterr().out == "ok: seguridad-en-linea (8 questions)\n"


def test_validate_reports_each_broken_file_with_line_and_fix_and_exits_1(
    database_url, folder, capsys
):
    broken = folder / "rota.yml"
    broken.write_text(VALID.replace("type: scale", "type: escala"), encoding="utf-8")
    assert cli.main(["campaigns", "validate"]) == 1
    captured = capsys.readouterr()
    assert "ok: prueba (4 questions)" in captured.out
    assert "ok: seguridad-en-linea" in captured.out
    line = VALID.splitlines().index("    type: scale") + 1
    assert f"{broken}:{line}: unknown question type 'escala'" in captured.err
    assert "Fix: did you mean 'scale'?" in captured.err
    assert "1 of 3 campaign files has errors" in captured.err


def test_by_default_the_facilitator_reads_spanish(database_url, folder, capsys, staff_in_spanish):
    broken = folder / "rota.yml"
    broken.write_text(VALID.replace("type: scale", "type: escala"), encoding="utf-8")
    assert cli.main(["campaigns", "validate"]) == 1
    captured = capsys.readouterr()
    assert "ok: prueba (4 preguntas)" in captured.out
    line = VALID.splitlines().index("    type: scale") + 1
    assert (
        f"error: {broken}:{line}: tipo de pregunta desconocido 'escala' en la pregunta 'seguro'. "
        "Solución: ¿quiso decir 'scale'?"
    ) in captured.err
    assert "1 de 3 archivos de consultas tiene errores" in captured.err

    broken.unlink()
    assert cli.main(["campaigns", "list"]) == 0
    header, first = capsys.readouterr().out.splitlines()[:2]
    assert header.split() == ["id", "estado", "activa", "fechas", "título"]
    assert first.split()[:3] == ["prueba", "borrador", "no"]
    assert "2026-12-01 a 2027-06-30" in first
    assert cli.main(["campaigns", "open", "no-existe"]) == 1
    assert "consulta desconocida 'no-existe'. Consultas conocidas: prueba" in (
        capsys.readouterr().err
    )


def test_validate_reports_a_duplicate_id_naming_both_files(database_url, folder, capsys):
    copy = folder / "z-copia.yml"
    copy.write_text(VALID, encoding="utf-8")
    assert cli.main(["campaigns", "validate"]) == 1
    err = capsys.readouterr().err
    assert f"{copy}:1: campaign id 'prueba' is also used by {folder / 'prueba.yml'}:1" in err


# -- list, open, close ---------------------------------------------------------------------


def test_list_shows_every_campaign_as_draft_until_opened(database_url, folder, capsys):
    assert cli.main(["campaigns", "list"]) == 0
    out = capsys.readouterr().out
    header, first, second = out.splitlines()[:3]
    assert header.split() == ["id", "status", "live", "dates", "title"]
    assert first.split()[:3] == ["prueba", "draft", "no"]
    assert "2026-12-01 to 2027-06-30" in first and "Consulta de prueba" in first
    assert second.split()[:3] == ["seguridad-en-linea", "draft", "no"]
    assert "Seguridad en línea y ofertas de trabajo" in second


def test_open_then_close_writes_the_status_that_list_shows(database_url, folder, capsys):
    assert cli.main(["campaigns", "open", "prueba"]) == 0
    assert "prueba: open" in capsys.readouterr().out
    registry = CampaignRegistry(Database(database_url), folder)
    assert registry.status("prueba") == "open"
    assert registry.status("seguridad-en-linea") == "draft"

    cli.main(["campaigns", "list"])
    assert capsys.readouterr().out.splitlines()[1].split()[:2] == ["prueba", "open"]

    assert cli.main(["campaigns", "close", "prueba"]) == 0
    assert "prueba: closed" in capsys.readouterr().out
    assert registry.status("prueba") == "closed"
    cli.main(["campaigns", "list"])
    assert capsys.readouterr().out.splitlines()[1].split()[:3] == ["prueba", "closed", "no"]


@pytest.mark.parametrize(
    ("opens", "closes", "said"),
    [
        ("2090-01-01", "2090-12-31", "opens on 2090-01-01"),
        ("2020-01-01", "2020-12-31", "closed on 2020-12-31"),
    ],
)
def test_opening_outside_the_dates_says_it_is_not_live_today(
    database_url, folder, capsys, opens, closes, said
):
    (folder / "prueba.yml").write_text(
        VALID.replace("2026-12-01", opens).replace("2027-06-30", closes), encoding="utf-8"
    )
    assert cli.main(["campaigns", "open", "prueba"]) == 0
    out = capsys.readouterr().out
    assert "prueba: open" in out
    assert "note: not live today" in out and said in out


@pytest.mark.parametrize("action", ["open", "close", "link"])
def test_unknown_id_is_an_error_listing_the_known_ids(database_url, folder, capsys, action):
    argv = ["campaigns", action, "no-existe"]
    if action == "link":
        argv += ["--bot-username", "VozSeguraBot", "--out", str(folder.parent / "qr")]
    assert cli.main(argv) == 1
    err = capsys.readouterr().err
    assert "unknown campaign 'no-existe'" in err
    assert "Known campaigns: prueba, seguridad-en-linea" in err
    assert not (folder.parent / "qr").exists()


def test_list_with_a_broken_campaign_file_is_an_error_naming_it(database_url, folder, capsys):
    (folder / "rota.yml").write_text("id: rota\n", encoding="utf-8")
    assert cli.main(["campaigns", "list"]) == 1
    assert f"{folder / 'rota.yml'}:1: the campaign has no 'title'" in capsys.readouterr().err


# -- link ------------------------------------------------------------------------------------


def qr_of(text: str) -> Image.Image:
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=12, border=4)
    code.add_data(text)
    code.make(fit=True)
    return code.make_image().get_image()


def test_link_prints_the_deep_link_and_writes_a_qr_png_of_it(
    database_url, folder, tmp_path, capsys
):
    out = tmp_path / "posters"
    argv = ["campaigns", "link", "seguridad-en-linea", "--bot-username", "@VozSeguraBot"]
    assert cli.main([*argv, "--out", str(out)]) == 0
    link, png = capsys.readouterr().out.splitlines()[:2]
    assert link == "https://t.me/VozSeguraBot?start=seguridad-en-linea"
    assert png == str(out / "seguridad-en-linea-qr.png")
    assert (out / "seguridad-en-linea-qr.png").stat().st_size > 0
    with Image.open(png) as image:
        assert image.format == "PNG" and image.size[0] > 100
        written = image.convert("1")
    # The PNG holds exactly the QR code of the link (no decoder installed: compare pixels).
    assert ImageChops.difference(written, qr_of(link).convert("1")).getbbox() is None
    assert ImageChops.difference(written, qr_of(link + "x").convert("1")).getbbox() is not None


def test_link_takes_the_bot_username_from_the_environment(
    database_url, folder, tmp_path, capsys, monkeypatch
):
    monkeypatch.setenv("TELEGRAM_BOT_USERNAME", "VozSeguraBot")
    assert cli.main(["campaigns", "link", "prueba", "--out", str(tmp_path)]) == 0
    assert capsys.readouterr().out.startswith("https://t.me/VozSeguraBot?start=prueba\n")
    assert (tmp_path / "prueba-qr.png").is_file()


def test_link_without_a_bot_username_says_how_to_give_one(database_url, folder, tmp_path, capsys):
    assert cli.main(["campaigns", "link", "prueba", "--out", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "--bot-username" in err and "TELEGRAM_BOT_USERNAME" in err
    assert not (tmp_path / "prueba-qr.png").exists()


def test_link_refuses_a_username_that_is_not_a_bot(database_url, folder, tmp_path, capsys):
    argv = ["campaigns", "link", "prueba", "--bot-username", "t.me/voz", "--out", str(tmp_path)]
    assert cli.main(argv) == 1
    assert "--bot-username='t.me/voz' is not a bot username" in capsys.readouterr().err


def test_link_names_the_access_code_step_when_the_campaign_has_one(
    database_url, folder, tmp_path, capsys
):
    (folder / "prueba.yml").write_text(
        VALID.replace('consent_version: "1"', 'consent_version: "1"\naccess_code: TALLER-JACO'),
        encoding="utf-8",
    )
    argv = ["campaigns", "link", "prueba", "--bot-username", "VozSeguraBot"]
    assert cli.main([*argv, "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "TALLER-JACO" not in out  # the code is never printed on a poster's link
    assert "access code" in out


def test_deep_link_uses_the_campaign_id_as_start_payload():
    assert deep_link("VozSeguraBot", "seguridad-en-linea") == (
        "https://t.me/VozSeguraBot?start=seguridad-en-linea"
    )


# -- the registry the survey flow uses --------------------------------------------------------


def test_registry_live_only_when_open_and_today_within_the_dates(database_url, folder):
    database = Database(database_url)
    registry = CampaignRegistry(database, folder, clock=at(date(2027, 1, 15)))
    assert registry.get("prueba").title == "Consulta de prueba"
    assert registry.get("no-existe") is None
    assert registry.live("prueba") is None  # draft
    registry.open("prueba")
    assert registry.live("prueba").id == "prueba"
    assert registry.live("seguridad-en-linea") is None
    assert registry.live("no-existe") is None
    registry.close("prueba")
    assert registry.live("prueba") is None

    registry.open("prueba")
    for day, live in [
        (date(2026, 11, 30), False),
        (date(2026, 12, 1), True),
        (date(2027, 6, 30), True),
        (date(2027, 7, 1), False),
    ]:
        registry.clock = at(day)
        assert (registry.live("prueba") is not None) is live, day


def test_open_campaigns_are_the_live_ones_by_opening_date(database_url, folder):
    (folder / "temprana.yml").write_text(
        VALID.replace("id: prueba", "id: temprana").replace("2026-12-01", "2026-10-01"),
        encoding="utf-8",
    )
    registry = CampaignRegistry(Database(database_url), folder, clock=at(date(2027, 1, 15)))
    assert registry.open_campaigns() == []
    for campaign_id in ("prueba", "temprana", "seguridad-en-linea"):
        registry.open(campaign_id)
    registry.close("seguridad-en-linea")
    assert [c.id for c in registry.open_campaigns()] == ["temprana", "prueba"]
    assert registry.statuses() == {
        "prueba": "open",
        "seguridad-en-linea": "closed",
        "temprana": "open",
    }
    registry.clock = at(date(2026, 11, 1))
    assert [c.id for c in registry.open_campaigns()] == ["temprana"]


def test_registry_counts_days_in_costa_rica_time(database_url, folder):
    registry = CampaignRegistry(Database(database_url), folder)
    registry.open("prueba")
    registry.clock = lambda: datetime(2026, 12, 1, 5, 59)  # 23:59 on 30 November in Costa Rica
    assert registry.live("prueba") is None
    registry.clock = lambda: datetime(2026, 12, 1, 6, 0)  # midnight, 1 December
    assert registry.live("prueba") is not None


def test_registry_sees_a_status_changed_by_another_process(database_url, folder):
    registry = CampaignRegistry(Database(database_url), folder, clock=at(date(2027, 1, 15)))
    assert registry.live("prueba") is None
    CampaignRegistry(Database(database_url), folder).open("prueba")  # e.g. the CLI
    assert registry.live("prueba") is not None


def test_registry_scope_tells_consent_the_bands_code_and_version(database_url, folder):
    (folder / "prueba.yml").write_text(
        VALID.replace('consent_version: "1"', 'consent_version: "v2"\naccess_code: TALLER-JACO'),
        encoding="utf-8",
    )
    registry = CampaignRegistry(Database(database_url), folder, clock=at(date(2027, 1, 15)))
    assert registry.scope("prueba") is None  # not live
    registry.open("prueba")
    scope = registry.scope("prueba")
    assert scope.campaign == "prueba"
    assert scope.bands == {"13-15", "16-17"}
    assert scope.access_code == "TALLER-JACO"
    assert scope.version == "v2"


def test_registry_refuses_to_open_an_unknown_campaign(database_url, folder):
    registry = CampaignRegistry(Database(database_url), folder)
    with pytest.raises(UnknownCampaign, match="Known campaigns: prueba, seguridad-en-linea"):
        registry.open("no-existe")
