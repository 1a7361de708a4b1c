"""/borrar leaves no row that links a person, in any table with a person key.

The tables are read from the migrated schema, not from a list someone keeps: a new table
whose columns hold a pseudonym (`user`) or a chat id makes these tests fail until a flow's
`erase` covers it (`Flow.erases`), or it is added to KEPT with the reason. The engine runs
with a fake assistant, so no Rasa model is needed."""

from __future__ import annotations

from datetime import date

from sqlalchemy import inspect, text

from bot.awareness.schema import quiz_data
from bot.broadcasts import Outreach
from bot.campaigns.tables import Participation
from bot.engine import ERASES, Inbound, Kind, Parse, Reply
from bot.runtime import engine_for
from consent import ConsentFlow, Scope
from consent.texts import QUESTIONS

X = "pseudonym-of-x"
CHAT = 777001  # X's private chat
# Tables with a person key that /borrar keeps on purpose, and why (docs/dpia.md).
KEPT = {
    # `user` holds a one-way token of (campaign, pseudonym), never the pseudonym; erasing it
    # would let anyone guess a workshop code without limit by typing /borrar every fifth try.
    "consent_code_attempts": "a one-way token, not the pseudonym",
}


class FakeAssistant:
    """The Rasa assistant's surface: every text is a greeting, every answer names its intent."""

    intents = frozenset({"saludar", "ver_menu", "ver_ayuda", "salir"})

    def __init__(self) -> None:
        self.forgotten: list[str] = []

    async def parse(self, text: str) -> Parse:
        return Parse("saludar", 0.99, (("saludar", 0.99),))

    async def respond(self, user: str, intent: str, band: str | None = None) -> list[Reply]:
        return [Reply(f"<{intent}>")]

    async def forget(self, user: str) -> None:
        self.forgotten.append(user)


def person_keys(database) -> dict[str, list[str]]:
    """Every table of the migrated schema with a person key, and those columns."""
    inspector = inspect(database.engine)
    found = {}
    for table in inspector.get_table_names():
        columns = [
            column["name"]
            for column in inspector.get_columns(table)
            if column["name"] == "user" or column["name"].endswith(("chat_id", "address"))
        ]
        if columns:
            found[table] = columns
    return found


def rows_linking(database, table: str, columns: list[str]) -> int:
    """How many rows of `table` hold X's pseudonym, chat id or address in a person-key
    column."""

    def match(column: str) -> str:
        if column.endswith("chat_id"):
            return f'"{column}" = :chat'
        return f'"{column}" = :address' if column.endswith("address") else f'"{column}" = :user'

    where = " OR ".join(match(c) for c in columns)
    values = {"user": X, "chat": CHAT, "address": f"telegram:{CHAT}"}
    with database.engine.connect() as connection:
        return connection.execute(
            text(f'SELECT COUNT(*) FROM "{table}" WHERE {where}'), values
        ).scalar_one()


async def give_x_a_row_everywhere(database, engine) -> None:
    """Through the real code wherever it can: consent, a workshop code, a case with contact,
    a subscription and a broadcast, a request for a campaign's results; a participation
    marker is inserted (a survey needs a campaign file)."""
    consent = ConsentFlow(
        database, scopes={"general": Scope(), "taller": Scope("taller", access_code="clave")}.get
    )
    consent.start(X)
    for data in ("c:band:9-12", "c:read"):
        consent.press(X, data)
    band = consent.bands.get("9-12")
    consent.press(X, f"c:q:{QUESTIONS[band.texts].correct}")
    assert consent.press(X, "c:yes").consented  # a receipt
    consent.start(X, "taller")  # a session, in the code step
    consent.code(X, "equivocada")  # a wrong-code counter
    await engine.handle(Inbound(X, Kind.TEXT, "AYUDA", address=f"telegram:{CHAT}"))  # a case
    with database.session() as session:
        case_id = session.scalar(text("SELECT MAX(id) FROM escalations"))
    await engine.handle(Inbound(X, Kind.BUTTON, f"t:contact:{case_id}", address=f"telegram:{CHAT}"))
    await engine.handle(
        Inbound(X, Kind.COMMAND, "noticias", address=f"telegram:{CHAT}")
    )  # a subscription
    Outreach(database).create("semana-1", "Hola")  # a pending delivery to X
    with database.session() as session:
        session.add(Participation(campaign="consulta", user=X, completed_on=date.today()))
    await engine.handle(
        Inbound(X, Kind.BUTTON, "f:consulta:9-12", address=f"telegram:{CHAT}")
    )  # a request to hear the results (X took part above)
    await engine.handle(Inbound(X, Kind.BUTTON, quiz_data("sus-derechos")))  # a quiz's place


def test_every_table_with_a_person_key_has_an_eraser_or_a_reason(database):
    engine = engine_for(FakeAssistant(), database)
    covered = engine.flows.erases() | ERASES
    uncovered = set(person_keys(database)) - covered - set(KEPT)
    assert not uncovered, (
        f"no flow erases {sorted(uncovered)} on /borrar: add the table to the `erases` of the "
        "flow that writes it (and delete its rows in that flow's erase), or to KEPT with why"
    )
    assert not covered & set(KEPT), "a table is both erased and kept"
    assert covered <= set(person_keys(database)), "an eraser names a table with no person key"


async def test_borrar_leaves_no_row_linking_the_person(database):
    assistant = FakeAssistant()
    engine = engine_for(assistant, database)
    await give_x_a_row_everywhere(database, engine)
    tables = person_keys(database)
    without_a_row = [
        t
        for t, columns in tables.items()
        if t not in KEPT and not rows_linking(database, t, columns)
    ]
    assert not without_a_row, (
        f"this test gives X no row in {without_a_row}: add how a person gets one to "
        "give_x_a_row_everywhere, so /borrar is tested on it"
    )

    replies = await engine.handle(Inbound(X, Kind.COMMAND, "borrar"))

    assert "registros borrados" in replies[0].text
    assert {t: rows_linking(database, t, c) for t, c in tables.items()} == dict.fromkeys(tables, 0)
    assert assistant.forgotten == [X]


async def test_rows_kept_on_purpose_hold_no_pseudonym(database):
    engine = engine_for(FakeAssistant(), database)
    await give_x_a_row_everywhere(database, engine)
    await engine.handle(Inbound(X, Kind.COMMAND, "borrar"))
    with database.engine.connect() as connection:
        assert (
            connection.execute(text("SELECT COUNT(*) FROM consent_code_attempts")).scalar_one() == 1
        )
        # The case stays for its officer, unlinked: no pseudonym, no address.
        case = connection.execute(text('SELECT "user", contact_address FROM escalations')).one()
    assert tuple(case) == ("unlinked", None)
