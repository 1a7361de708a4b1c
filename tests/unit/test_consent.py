"""The assent flow as a state machine: every band, every answer, wrong comprehension
answers, no, withdrawal at every step, text version changes, workshop codes."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from consent import ConsentFlow, Scope, load_bands, texts
from consent.models import CodeAttempts, ConsentReceipt, ConsentSession

CHILD = "c" * 32
OTHER = "o" * 32
BANDS = load_bands()
WORKSHOP = Scope(campaign="taller-jaco", bands=frozenset({"9-12"}), access_code="Tortuga-7")
TEEN_ONLY = Scope(campaign="solo-jovenes", bands=frozenset({"13-15", "16-17"}))


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 29, 15, 30)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def flow(database, clock):
    scopes = {"general": Scope(), WORKSHOP.campaign: WORKSHOP, TEEN_ONLY.campaign: TEEN_ONLY}
    return ConsentFlow(database, clock=clock, scopes=scopes.get)


def labels(outcome) -> list[str]:
    return [b.label for reply in outcome.replies for row in reply.buttons for b in row]


def data(outcome) -> list[str]:
    return [b.data for reply in outcome.replies for row in reply.buttons for b in row]


def receipts(database) -> int:
    with database.session() as session:
        return session.scalar(select(func.count()).select_from(ConsentReceipt))


def walk_to_decision(flow, band_id: str, user: str = CHILD):
    flow.start(user)
    flow.press(user, f"c:band:{band_id}")
    flow.press(user, "c:read")
    return flow.press(user, "c:q:0")


def test_start_greets_and_asks_for_an_age_band_never_a_birth_date(flow):
    outcome = flow.start(CHILD)
    assert [r.text for r in outcome.replies][:2] == [texts.WELCOME, texts.PRIVACY]
    assert labels(outcome) == ["Menos de 9", *(b.label for b in BANDS.bands), "Más de 24"]
    assert "nacimiento" in outcome.replies[1].text


@pytest.mark.parametrize("band", BANDS.bands, ids=lambda band: band.id)
def test_each_band_reads_its_own_assent_text_and_can_consent(flow, database, band):
    flow.start(CHILD)
    assent = flow.press(CHILD, f"c:band:{band.id}")
    assert [r.text for r in assent.replies] == list(texts.ASSENT[band.texts])
    assert data(assent) == ["c:read", "c:fixband"]
    question = flow.press(CHILD, "c:read")
    assert question.replies[0].text == texts.QUESTIONS[band.texts].text
    decision = flow.press(CHILD, "c:q:0")
    assert decision.replies[0].text == texts.ASK_CONSENT
    done = flow.press(CHILD, "c:yes")
    assert done.consented and done.finished
    receipt = flow.receipt(CHILD, "general")
    assert (receipt.band, receipt.text_version) == (band.id, texts.version(band.texts))
    assert receipt.given_on.isoformat() == "2026-11-29"  # a date, no time of day
    assert flow.step(CHILD) is None


@pytest.mark.parametrize("band", BANDS.bands, ids=lambda band: band.id)
@pytest.mark.parametrize("wrong", [1, 2])
def test_wrong_comprehension_answer_is_explained_kindly_and_asked_again(flow, band, wrong):
    flow.start(CHILD)
    flow.press(CHILD, f"c:band:{band.id}")
    flow.press(CHILD, "c:read")
    again = flow.press(CHILD, f"c:q:{wrong}")
    question = texts.QUESTIONS[band.texts]
    assert [r.text for r in again.replies] == [question.explanation, question.text]
    assert flow.step(CHILD) == "question"
    assert flow.press(CHILD, "c:q:0").replies[0].text == texts.ASK_CONSENT


@pytest.mark.parametrize("band", BANDS.bands, ids=lambda band: band.id)
def test_no_is_respected_at_once_and_leaves_nothing(flow, database, band):
    walk_to_decision(flow, band.id)
    outcome = flow.press(CHILD, "c:no")
    assert outcome.finished and not outcome.consented
    assert outcome.replies[0].text == texts.THANKS_NO
    assert receipts(database) == 0
    assert flow.step(CHILD) is None


def test_younger_than_the_bands_is_told_kindly_and_given_the_helpline(flow, database):
    flow.start(CHILD)
    outcome = flow.press(CHILD, "c:younger")
    assert outcome.finished and "1147" in outcome.replies[0].text
    assert receipts(database) == 0 and flow.step(CHILD) is None


def test_older_than_the_bands_gets_awareness_only(flow, database):
    flow.start(CHILD)
    outcome = flow.press(CHILD, "c:older")
    assert outcome.finished and outcome.replies[0].text == texts.OLDER
    assert receipts(database) == 0


@pytest.mark.parametrize(
    "step_buttons",
    [[], ["c:band:13-15"], ["c:band:13-15", "c:read"], ["c:band:13-15", "c:read", "c:q:0"]],
)
def test_stopping_at_any_step_keeps_nothing(flow, database, step_buttons):
    flow.start(CHILD)
    for button in step_buttons:
        assert flow.press(CHILD, button) is not None
    assert flow.stop(CHILD)
    assert flow.step(CHILD) is None and receipts(database) == 0
    assert flow.press(CHILD, "c:yes") is None  # the old decision button is now stale


@pytest.mark.parametrize("at", ["assent", "question", "decision"])
def test_child_can_correct_the_band(flow, at):
    flow.start(CHILD)
    flow.press(CHILD, "c:band:9-12")
    if at in ("question", "decision"):
        flow.press(CHILD, "c:read")
    if at == "decision":
        flow.press(CHILD, "c:q:0")
    again = flow.press(CHILD, "c:fixband")
    assert again.replies[0].text == texts.ASK_BAND
    flow.press(CHILD, "c:band:16-17")
    flow.press(CHILD, "c:read")
    flow.press(CHILD, "c:q:0")
    flow.press(CHILD, "c:yes")
    assert flow.receipt(CHILD, "general").band == "16-17"


@pytest.mark.parametrize(
    "data",
    [
        "c:yes",
        "c:q:0",
        "c:read",
        "c:band:99-99",
        "c:band:",
        "c:q:7",
        "c:bogus",
        "x:yes",
        "c:band:13-15;drop",
        "c:q:-1",
    ],
)
def test_forged_or_out_of_step_buttons_change_nothing(flow, database, data):
    flow.start(CHILD)
    assert flow.press(CHILD, data) is None
    assert flow.step(CHILD) == "band" and receipts(database) == 0


def test_another_childs_buttons_do_nothing(flow, database):
    walk_to_decision(flow, "13-15")
    assert flow.press(OTHER, "c:yes") is None
    assert receipts(database) == 0


def test_consenting_again_is_not_asked_while_the_text_is_unchanged(flow):
    walk_to_decision(flow, "13-15")
    flow.press(CHILD, "c:yes")
    again = flow.start(CHILD)
    assert again.consented and again.replies[0].text == texts.ALREADY


def test_a_changed_assent_text_asks_again(flow, database, monkeypatch):
    walk_to_decision(flow, "13-15")
    flow.press(CHILD, "c:yes")
    changed = (*texts.ASSENT["adolescente"][:-1], "Para salir: /salir. Para borrar: /borrar.")
    monkeypatch.setitem(texts.ASSENT, "adolescente", changed)
    assert flow.receipt(CHILD, "general") is None
    assert not flow.start(CHILD).finished


def test_a_new_campaign_asks_again(flow):
    walk_to_decision(flow, "13-15")
    flow.press(CHILD, "c:yes")
    assert flow.receipt(CHILD, TEEN_ONLY.campaign) is None
    assert flow.start(CHILD, TEEN_ONLY.campaign).replies[-1].text == texts.ASK_BAND


def test_campaign_for_other_ages_ends_kindly(flow, database):
    flow.start(CHILD, TEEN_ONLY.campaign)
    outcome = flow.press(CHILD, "c:band:9-12")
    assert outcome.finished and outcome.replies[0].text == texts.NOT_FOR_BAND
    assert receipts(database) == 0


def test_unknown_campaign_link_is_explained_and_general_flow_offered(flow):
    outcome = flow.start(CHILD, "no-existe")
    assert texts.BAD_LINK in [r.text for r in outcome.replies]
    assert outcome.replies[-1].text == texts.ASK_BAND


def test_workshop_asks_for_the_code_before_anything_else(flow):
    outcome = flow.start(CHILD, WORKSHOP.campaign)
    assert outcome.replies[-1].text == texts.ASK_CODE
    assert flow.press(CHILD, "c:band:9-12") is None  # no skipping the code


@pytest.mark.parametrize("typed", ["Tortuga-7", " tortuga-7 ", "TORTUGA-7"])
def test_right_workshop_code_opens_the_band_question(flow, typed):
    flow.start(CHILD, WORKSHOP.campaign)
    outcome = flow.code(CHILD, typed)
    assert [r.text for r in outcome.replies] == [texts.CODE_OK, texts.ASK_BAND]
    assert flow.step(CHILD) == "band"


def test_wrong_workshop_code_is_refused_with_what_to_do(flow):
    flow.start(CHILD, WORKSHOP.campaign)
    assert flow.code(CHILD, "tortuga").replies[0].text == texts.WRONG_CODE
    assert flow.step(CHILD) == "code"


def test_brute_forcing_the_code_is_stopped_even_for_the_right_code(flow, clock):
    flow.start(CHILD, WORKSHOP.campaign)
    for attempt in range(5):
        flow.code(CHILD, f"intento-{attempt}")
    assert flow.code(CHILD, "Tortuga-7").replies[0].text == texts.TOO_MANY_CODES
    clock.now += timedelta(minutes=16)  # the window passes
    assert flow.code(CHILD, "Tortuga-7").replies[0].text == texts.CODE_OK


def test_erasing_never_lifts_a_block_on_guessing_a_workshop_code(flow, clock, database):
    flow.start(CHILD, WORKSHOP.campaign)
    for attempt in range(5):
        flow.code(CHILD, f"intento-{attempt}")
    flow.erase(CHILD)  # /borrar, then back to the workshop link
    flow.start(CHILD, WORKSHOP.campaign)
    assert flow.code(CHILD, "Tortuga-7").replies[0].text == texts.TOO_MANY_CODES
    with database.session() as session:  # what is kept names no pseudonym
        [kept] = session.scalars(select(CodeAttempts)).all()
        assert kept.token != CHILD and CHILD not in kept.token
    clock.now += timedelta(minutes=16)  # the window passes, and the row goes with it
    assert flow.code(CHILD, "Tortuga-7").replies[0].text == texts.CODE_OK
    with database.session() as session:
        assert session.scalars(select(CodeAttempts)).all() == []


def test_a_wrong_code_counter_is_per_campaign_and_not_shared_between_children(flow):
    flow.start(CHILD, WORKSHOP.campaign)
    for attempt in range(5):
        flow.code(CHILD, f"intento-{attempt}")
    flow.start(OTHER, WORKSHOP.campaign)
    assert flow.code(OTHER, "Tortuga-7").replies[0].text == texts.CODE_OK


def test_code_typed_outside_the_code_step_is_not_taken_as_a_code(flow):
    flow.start(CHILD)
    assert flow.code(CHILD, "Tortuga-7") is None


def test_text_without_a_flow_or_after_the_workshop_closed_is_not_a_code(database, clock):
    scopes = {"general": Scope(), WORKSHOP.campaign: WORKSHOP}
    flow = ConsentFlow(database, clock=clock, scopes=scopes.get)
    assert flow.code(CHILD, "Tortuga-7") is None  # no flow at all
    flow.start(CHILD, WORKSHOP.campaign)
    del scopes[WORKSHOP.campaign]  # the workshop closed while the child was at the code step
    assert flow.code(CHILD, "Tortuga-7") is None
    assert flow.step(CHILD) == "code"


def test_erase_removes_every_consent_row_of_the_child_only(flow, database):
    walk_to_decision(flow, "13-15")
    flow.press(CHILD, "c:yes")
    walk_to_decision(flow, "9-12", user=OTHER)
    flow.start(CHILD, WORKSHOP.campaign)
    flow.code(CHILD, "mal")
    assert flow.erase(CHILD) == 2  # receipt, session; the code counter is not the child's
    assert flow.receipt(CHILD, "general") is None and flow.step(CHILD) is None
    assert flow.step(OTHER) == "decision"


def test_sessions_are_stored_with_a_date_only(flow, database):
    flow.start(CHILD)
    with database.session() as session:
        assert session.get(ConsentSession, CHILD).updated_on.isoformat() == "2026-11-29"


@pytest.mark.usefixtures("staff_in_english")
def test_malformed_bands_file_names_file_line_and_fix(tmp_path):
    from consent import BandsError

    path = tmp_path / "bands.yml"
    path.write_text(
        "bands:\n  - id: '9-12'\n    label: 'x'\n    texts: nino\n"
        "  - id: '12-15'\n    label: 'y'\n    texts: nino\n"
        "younger: {label: a}\nolder: {label: b}\n"
    )
    with pytest.raises(BandsError, match=r"bands\.yml:5: band 12-15 overlaps.*Fix: "):
        load_bands(path)
    path.write_text(
        "bands:\n  - id: '9-12'\n    label: 'x'\n    texts: ninos\n"
        "younger: {label: a}\nolder: {label: b}\n"
    )
    with pytest.raises(BandsError, match=r"bands\.yml:4: unknown assent wording 'ninos'"):
        load_bands(path)
    path.write_text("bands: [\n")
    with pytest.raises(BandsError, match="not valid YAML"):
        load_bands(path)


@pytest.mark.usefixtures("staff_in_english")
def test_a_missing_band_field_names_the_band_or_section_and_its_line(tmp_path):
    from consent import BandsError

    path = tmp_path / "bands.yml"
    path.write_text(
        "bands:\n  - id: '9-12'\n    texts: nino\nyounger: {label: a}\nolder: {label: b}\n"
    )
    with pytest.raises(
        BandsError, match=r"bands\.yml:2: band 1 has no 'label'\. Fix: add a 'label:' line"
    ):
        load_bands(path)
    path.write_text("bands:\n  - id: '9-12'\n    label: x\n    texts: nino\nolder: {label: b}\n")
    with pytest.raises(BandsError, match=r"bands\.yml:1: the bands file has no 'younger'"):
        load_bands(path)


def test_by_default_a_bands_file_mistake_is_reported_in_spanish(tmp_path, staff_in_spanish):
    from consent import BandsError

    path = tmp_path / "bands.yml"
    path.write_text(
        "bands:\n  - id: '9-12'\n    texts: nino\nyounger: {label: a}\nolder: {label: b}\n"
    )
    with pytest.raises(BandsError) as caught:
        load_bands(path)
    assert str(caught.value) == (
        f"{path}:2: la franja 1 no tiene 'label'. Solución: agregue una línea 'label:' a la "
        "franja 1"
    )


def test_bands_are_data_not_code(tmp_path, database):
    path = tmp_path / "bands.yml"
    path.write_text(
        "bands:\n  - id: '10-14'\n    label: 'diez a catorce'\n    texts: nino\n"
        "younger: {label: menos}\nolder: {label: más}\n"
    )
    flow = ConsentFlow(database, bands=load_bands(path))
    assert labels(flow.start(CHILD)) == ["menos", "diez a catorce", "más"]


def test_the_campaigns_topic_in_the_bands_words_comes_before_the_assent_text(database, clock):
    about = {"13-15": "Preguntas sobre redes.", "16-17": "Una consulta sobre redes sociales."}
    described = Scope(campaign="redes", bands=frozenset(about), describe=about.__getitem__)
    flow = ConsentFlow(database, clock=clock, scopes={"general": Scope(), "redes": described}.get)
    flow.start(CHILD, "redes")
    shown = [reply.text for reply in flow.press(CHILD, "c:band:13-15").replies]
    assert shown[0] == texts.ABOUT.format(description="Preguntas sobre redes.")
    assert shown[1:] == list(texts.ASSENT["adolescente"])
    for data in ("c:read", "c:q:0", "c:yes"):
        flow.press(CHILD, data)
    assert flow.receipt(CHILD, "redes") is not None
    # A new description is a new text to assent to: the child is asked again.
    about["13-15"] = "Preguntas sobre redes y juegos."
    assert flow.receipt(CHILD, "redes") is None
