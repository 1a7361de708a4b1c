"""Results back to the children who asked: the opt-in after a survey, the request row (and
what /baja and /borrar do to it), the campaign's `feedback` key, and the wording of the
message, which says only what a release published."""

from __future__ import annotations

import re
from datetime import date, datetime

import pytest
from sqlalchemy import select

from bot import cli
from bot.broadcasts.texts import NOT_SUBSCRIBED, UNSUBSCRIBED
from bot.campaigns import feedback
from bot.campaigns.feedback import ResultsRequests, summary
from bot.campaigns.launch import CampaignRegistry
from bot.campaigns.model import SKIP, Campaign, Option, Question, Wording
from bot.campaigns.releases import ReleaseInfo
from bot.campaigns.results import tabulate
from bot.campaigns.schema import CampaignError, load_campaign
from bot.campaigns.survey import THANKS
from bot.campaigns.tables import ANY, AnswerCounter, Participation, Release, ResultsRequest
from bot.engine import Inbound, Kind
from bot.runtime import engine_for
from bot.settings import ROOT
from bot.storage import Database
from tests.fakes.participants import participant

CHILD = "c" * 32
ADDRESS = "telegram:7310000999"
EXAMPLE = load_campaign(ROOT / "campaigns" / "seguridad-en-linea.yml")


@pytest.fixture
def registry(database):
    return CampaignRegistry(
        database, clock=lambda: datetime(2027, 2, 10, 18, 0), campaigns={EXAMPLE.id: EXAMPLE}
    )


@pytest.fixture
def engine(assistant, database, registry):
    return engine_for(assistant, database, registry)


async def press(engine, data, address=ADDRESS):
    return await engine.handle(
        Inbound(CHILD, Kind.BUTTON, data, address=address, participant=participant(CHILD))
    )


async def complete_the_survey(engine, registry):
    """Assent as a 13-15 and answer every question with its first button."""
    registry.open(EXAMPLE.id)
    await engine.handle(
        Inbound(
            CHILD,
            Kind.COMMAND,
            "start",
            EXAMPLE.id,
            address=ADDRESS,
            participant=participant(CHILD),
        )
    )
    for data in ("c:band:13-15", "c:read", "c:q:0"):
        await press(engine, data)
    replies = await press(engine, "c:yes")
    question = replies[-1]
    while True:
        replies = await press(engine, question.buttons[0][0].data)
        if replies[0].text == THANKS:
            return replies
        question = replies[-1]
        if question.replace:  # a multiple-choice tick: confirm with «Listo»
            replies = await press(engine, question.buttons[-1][0].data)
            if replies[0].text == THANKS:
                return replies
            question = replies[-1]


def requests(database) -> list[tuple]:
    with database.session() as session:
        return [tuple(r) for r in session.execute(select(*ResultsRequest.__table__.columns))]


def took_part(database, campaign=EXAMPLE.id, user=CHILD) -> None:
    with database.session() as session:
        session.add(Participation(campaign=campaign, user=user, completed_on=date.today()))


# -- the opt-in ----------------------------------------------------------------------------


async def test_the_thanks_is_followed_by_the_offer_to_hear_the_results(engine, registry):
    replies = await complete_the_survey(engine, registry)
    assert replies[1].text == feedback.OFFER
    (button,) = replies[1].buttons[0]
    assert (button.label, button.data) == (feedback.ASK, f"f:{EXAMPLE.id}:13-15")
    assert replies[-1].buttons  # then the menu, as before


async def test_pressing_it_keeps_the_address_band_and_release_and_no_answer(
    engine, registry, database
):
    replies = await complete_the_survey(engine, registry)
    answer = await press(engine, replies[1].buttons[0][0].data)
    assert [r.text for r in answer] == [feedback.SAVED]
    assert requests(database) == [
        # None: not claimed; 0: never refused by Telegram
        (EXAMPLE.id, CHILD, ADDRESS, "13-15", 0, date.today(), None, 0),
    ]
    again = await press(engine, replies[1].buttons[0][0].data)
    assert [r.text for r in again] == [feedback.ALREADY_ASKED]
    assert len(requests(database)) == 1


async def test_the_terminal_chat_is_told_kindly_that_it_cannot_be_written_to(engine, database):
    took_part(database)
    answer = await press(engine, f"f:{EXAMPLE.id}:13-15", address=None)
    assert [r.text for r in answer] == [feedback.NOT_HERE]
    assert requests(database) == []


async def test_only_a_child_who_took_part_can_ask(engine, database):
    answer = await press(engine, f"f:{EXAMPLE.id}:13-15")
    assert [r.text for r in answer] == [feedback.NOT_TAKEN_PART]
    assert requests(database) == []


async def test_the_request_waits_for_the_release_after_it(engine, database):
    with database.session() as session:
        session.add(Release(campaign=EXAMPLE.id, number=2, taken_at=datetime.now(), completions=40))
    took_part(database)
    await press(engine, f"f:{EXAMPLE.id}:13-15")
    store = ResultsRequests(database)
    assert store.due(EXAMPLE.id, 2, closed=False) == []
    assert [r.user for r in store.due(EXAMPLE.id, 3, closed=False)] == [CHILD]
    assert [r.user for r in store.due(EXAMPLE.id, 2, closed=True)] == [CHILD]  # no later one


@pytest.mark.parametrize("command", ["baja", "borrar"])
async def test_baja_and_borrar_delete_the_request(engine, database, command):
    took_part(database)
    await press(engine, f"f:{EXAMPLE.id}:13-15")
    assert len(requests(database)) == 1
    replies = await engine.handle(
        Inbound(CHILD, Kind.COMMAND, command, address=ADDRESS, participant=participant(CHILD))
    )
    assert requests(database) == []
    if command == "baja":  # not subscribed to news, but a message was waiting: it is stopped
        assert replies[0].text == UNSUBSCRIBED != NOT_SUBSCRIBED


# -- the campaign file ---------------------------------------------------------------------


def test_the_example_campaign_says_what_will_be_done_with_the_answers():
    assert EXAMPLE.feedback is not None and "talleres" in EXAMPLE.feedback.for_band("13-15")


def test_feedback_for_a_band_outside_the_audience_is_refused_with_its_line(tmp_path):
    text = (ROOT / "campaigns" / "seguridad-en-linea.yml").read_text(encoding="utf-8")
    text = text.replace("feedback:\n", "feedback:\n  9-12: Para los talleres.\n", 1)
    path = tmp_path / "mala.yml"
    path.write_text(text, encoding="utf-8")
    line = text.splitlines().index("  9-12: Para los talleres.") + 1
    with pytest.raises(CampaignError, match=rf"mala\.yml:{line}: .*'feedback'"):
        load_campaign(path)


# -- the message ---------------------------------------------------------------------------


def campaign(feedback_text: Wording | None = None) -> Campaign:
    def option(oid: str, label: str) -> Option:
        return Option(oid, Wording(label))

    skip = option(SKIP, "Prefiero no responder")
    return Campaign(
        id="barrio",
        title="Mi barrio",
        description=Wording(""),
        opens=date(2026, 12, 1),
        closes=date(2027, 1, 31),
        audience=frozenset({"13-15", "16-17"}),
        consent_version="1",
        access_code=None,
        questions=(
            Question(
                "parque",
                "single",
                Wording("¿Le gusta el parque?", {"13-15": "¿Le gusta ir al parque?"}),
                (
                    option("mucho", "Mucho"),
                    option("poco", "Poco"),
                    option("rara", "Rarísimo"),
                    skip,
                ),
            ),
        ),
        feedback=feedback_text,
    )


def release(band_counts: dict[str, dict[str, int]], keys: int = 77):
    """A published release: (question "parque") counts per band and option, every key the
    same; completions are each band's sum."""
    counts = {}
    for band, options in band_counts.items():
        counts.update({("parque", o, band): n for o, n in options.items()})
        n = sum(options.values())
        counts[("parque", ANY, band)] = n
        counts[(ANY, ANY, band)] = n
    info = ReleaseInfo("barrio", 1, datetime(2027, 1, 5), False, 20, date(2027, 1, 31))
    return tabulate(campaign(), counts, dict.fromkeys(counts, keys), info)


def test_the_summary_says_the_published_figures_for_the_band_and_never_a_hidden_one():
    published = release(
        {
            "13-15": {"mucho": 41, "poco": 23, "rara": 4, SKIP: 5},
            "16-17": {"mucho": 30, "poco": 12, "rara": 3, SKIP: 6},
        }
    )
    column = published.columns.index("13-15")
    table = published.tables[0]
    rows = {row.id: row.cells[column] for row in table.rows}
    assert rows["rara"].hidden and rows[SKIP].hidden  # 4 and 5: suppressed
    assert not rows["mucho"].hidden and not rows["poco"].hidden
    message = summary(campaign(Wording("Lo llevaremos al concejo.")), published, "13-15")

    assert "Rarísimo" not in message  # a hidden cell is not named at all
    assert not {"3", "4", "5", "6"} & set(re.findall(r"\d+", message))
    for oid, label in (("mucho", "Mucho"), ("poco", "Poco")):
        assert f"• {label}: {rows[oid].count} personas" in message  # as published
    people = published.completions.cells[column].count
    assert feedback.PEOPLE_BAND.format(count=people) in message
    assert "¿Le gusta ir al parque?" in message  # the band's wording
    assert feedback.HIDDEN_NOTE in message and feedback.CHANGED_NOTE in message
    assert message.index("Lo llevaremos al concejo.") > message.index("Mucho")
    assert "%" not in message
    # Every number in the message is a published one (or the campaign's own words).
    published_numbers = {
        str(cell.count) for row in table.rows for cell in row.cells if cell.count is not None
    } | {str(cell.count) for cell in published.completions.cells if cell.count is not None}
    assert set(re.findall(r"\d+", message)) <= published_numbers


def test_a_band_without_figures_yet_hears_all_ages_and_is_told_so():
    published = release({"16-17": {"mucho": 30, "poco": 12}})
    assert "13-15" not in published.columns
    message = summary(campaign(), published, "13-15")
    assert feedback.BAND_PENDING in message
    total = published.completions.cells[-1].count
    assert feedback.PEOPLE_ALL.format(count=total) in message
    assert feedback.FEEDBACK_INTRO not in message  # no feedback key: no such paragraph


def test_a_closed_campaign_with_nothing_published_still_says_what_will_be_done():
    message = summary(campaign(Wording("Lo llevaremos al concejo.")), None, "13-15")
    assert message.startswith(feedback.NO_FIGURES.format(title="Mi barrio"))
    assert "Lo llevaremos al concejo." in message
    assert not re.findall(r"\d+", message)


def test_the_summary_fits_one_message_however_many_questions():
    many = campaign()
    question = many.questions[0]
    questions = tuple(
        Question(f"q{i}", "single", Wording("¿" + "Pregunta larga " * 12 + "?"), question.options)
        for i in range(80)
    )
    many = Campaign(**{**many.__dict__, "questions": questions})
    counts = {}
    for i in range(80):
        counts.update({(f"q{i}", "mucho", "13-15"): 40, (f"q{i}", ANY, "13-15"): 40})
    counts[(ANY, ANY, "13-15")] = 40
    info = ReleaseInfo("barrio", 1, datetime(2027, 1, 5), False, 20, date(2027, 1, 31))
    published = tabulate(many, counts, dict.fromkeys(counts, 5), info)
    message = summary(many, published, "13-15")
    assert len(message) <= 4096 and message.endswith(feedback.GOODBYE)


# -- the command ---------------------------------------------------------------------------


@pytest.fixture
def database_url(tmp_path, monkeypatch, staff_in_english):
    url = f"sqlite:///{tmp_path / 'voz.db'}"
    Database(url).migrate()
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    return url


def test_the_command_shows_what_it_would_send_and_sends_nothing(database_url, capsys):
    database = Database(database_url)
    took_part(database)
    ResultsRequests(database).ask(CHILD, ADDRESS, EXAMPLE.id, "13-15")
    assert cli.main(["feedback", EXAMPLE.id, "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "nothing was sent" in out and feedback.HEADER[:10] not in out  # no release yet

    with database.session() as session:
        for question, option in ((ANY, ANY), ("aprender", ANY), ("aprender", "si")):
            session.add(
                AnswerCounter(
                    campaign=EXAMPLE.id,
                    question=question,
                    option=option,
                    band="13-15",
                    count=25,
                    key=3,
                )
            )
    assert cli.main(["feedback", EXAMPLE.id, "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "1 message to send" in out and "--- 13-15 ---" in out
    assert feedback.HEADER.format(title=EXAMPLE.title) in out and "nothing was sent" in out
    assert len(requests(database)) == 1  # a dry run deletes nothing
    assert cli.main(["feedback", EXAMPLE.id]) == 2  # sending needs the bot's token
    assert "TELEGRAM_BOT_TOKEN" in capsys.readouterr().err
