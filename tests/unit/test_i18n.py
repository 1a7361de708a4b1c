"""The gettext catalogs hold every word shown to a user, and docs/consent.md stays true.

Two domains: `messages` (children, Spanish only) and `staff` (protection officers and
facilitators, Spanish or English by STAFF_LANGUAGE). Staff words and formats follow the
staff language; a child's never do. The modules behind the facilitators' commands and
file checks print and raise nothing that bypasses the staff catalog."""

from __future__ import annotations

import ast
import builtins
import copy
import re
import shutil
from datetime import date, datetime, timedelta

import pytest

from bot import i18n
from bot.broadcasts import BroadcastInfo
from bot.campaigns import results
from bot.channels.telegram.contact import FROM_OFFICER
from bot.channels.telegram.officers import with_status
from bot.cli.broadcast import summary
from bot.escalation.cards import render_card
from bot.escalation.officers import ActionResult, status_line
from bot.helplines import Helplines
from bot.settings import ROOT, STAFF_LANGUAGES
from bot.storage import Escalation
from bot.triage import Verdict
from bot.triage.answers import replies
from consent.document import render

START = datetime(2026, 3, 1, 12, 0, 0)
_EXTRACTED: dict[tuple[str, str, str], object] = {}
_extract = i18n.extract


@pytest.fixture(autouse=True)
def extract_once(monkeypatch):
    """Each domain's sources are extracted once for this module: Babel takes seconds to read
    them, and no test here edits them (a test that points i18n at other sources changes the
    key). Every call gets its own copy, since update() adds to the template it is given."""

    def extract(domain: str = i18n.DOMAIN):
        key = (domain, str(i18n.ROOT), repr(i18n.CATALOGS.get(domain)))
        if key not in _EXTRACTED:
            _EXTRACTED[key] = _extract(domain)
        return copy.deepcopy(_EXTRACTED[key])

    monkeypatch.setattr(i18n, "extract", extract)


def test_every_user_facing_string_is_in_the_catalog_and_translated():
    assert i18n.problems() == []


def test_both_domains_are_checked_in_every_language():
    assert i18n.CATALOGS["messages"][0] == ("es",)  # children: Spanish, never English
    assert i18n.CATALOGS["staff"][0] == ("es", "en")
    assert set(STAFF_LANGUAGES) == set(i18n.STAFF_LOCALES)
    staff = {str(message.id) for message in i18n.extract("staff") if message.id}
    # Officers' and facilitators' texts are staff messages, not children's.
    assert {"Tomar caso", "Hora: {time} UTC", "No autorizado", "Del {opens} al {closes}"} <= staff
    assert "✓ Enviado a la persona del caso {case}." in staff
    # `_sn(singular, plural, n)` is extracted as one plural entry, keyed by its singular.
    plural = i18n.extract("staff").get("ok: {campaign} ({count} pregunta)")
    assert plural.id == ("ok: {campaign} ({count} pregunta)", "ok: {campaign} ({count} preguntas)")
    assert "No hay consultas en campaigns/." in staff
    children = {str(message.id) for message in i18n.extract("messages") if message.id}
    assert "👤 Persona de protección:" in children and "Tomar caso" not in children


def _copy_locales(tmp_path, monkeypatch):
    shutil.copytree(i18n.LOCALES, tmp_path / "locales", ignore=shutil.ignore_patterns("*.mo"))
    monkeypatch.setattr(i18n, "LOCALES", tmp_path / "locales")
    return tmp_path / "locales"


def test_a_missing_or_untranslated_string_or_a_changed_placeholder_is_reported(
    tmp_path, monkeypatch
):
    locales = _copy_locales(tmp_path, monkeypatch)
    catalog = locales / "es" / "LC_MESSAGES" / "messages.po"
    text = catalog.read_text(encoding="utf-8")
    # Drop one entry, empty another's translation, and break a placeholder.
    text = text.replace('msgid "¿Entendí bien?"\nmsgstr "¿Entendí bien?"\n', "")
    text = text.replace('msgid "Sí"\nmsgstr "Sí"', 'msgid "Sí"\nmsgstr ""')
    erased = 'msgstr ""\n"Listo. Borré lo que este bot guardaba sobre usted (registros borrados: '
    text = text.replace(erased + "{count}", erased + "{cuenta}")
    catalog.write_text(text, encoding="utf-8")
    found = "\n".join(i18n.problems())
    assert "missing '¿Entendí bien?'" in found
    assert "untranslated 'Sí'" in found
    assert "placeholders differ" in found


def _edited(text: str, changes: list[tuple[str, str]]) -> str:
    """The catalog text with each change made; each old text must be there to change."""
    for old, new in changes:
        assert old in text, old
        text = text.replace(old, new)
    return text


def test_a_staff_string_missing_untranslated_or_misplaced_in_english_is_reported(
    tmp_path, monkeypatch
):
    locales = _copy_locales(tmp_path, monkeypatch)
    english = locales / "en" / "LC_MESSAGES" / "staff.po"
    text = english.read_text(encoding="utf-8")
    changes = [
        ('msgid "Tomar caso"\nmsgstr "Take case"\n', ""),  # missing
        ('msgstr "Resolve"', 'msgstr "Resolver"'),  # the Spanish copied: untranslated
        ('msgstr "False alarm"', 'msgstr ""'),  # empty: untranslated
        ('msgstr "Case {case} taken. Thank you."', 'msgstr "Case {caso} taken. Thank you."'),
        ('msgstr "Urgency: {urgency}"', 'msgstr "Urgency: 🚨"'),  # placeholder dropped
    ]
    text = _edited(text, changes)
    english.write_text(text, encoding="utf-8")
    spanish = locales / "es" / "LC_MESSAGES" / "staff.po"
    spanish.write_text(
        spanish.read_text(encoding="utf-8").replace(
            'msgid "Nuevo caso"\nmsgstr "Nuevo caso"\n', ""
        ),
        encoding="utf-8",
    )
    found = i18n.problems()
    where_en, where_es = str(english), str(spanish)
    assert f"{where_en}: missing 'Tomar caso'; run `make i18n`" in found
    assert f"{where_en}: untranslated 'Resolver'" in found
    assert f"{where_en}: untranslated 'Falsa alarma'" in found
    assert f"{where_en}: placeholders differ in 'Caso {{case}} tomado. Gracias.'" in found
    assert f"{where_en}: placeholders differ in 'Urgencia: {{urgency}}'" in found
    assert f"{where_es}: missing 'Nuevo caso'; run `make i18n`" in found
    assert len(found) == 6
    # "Total" is the same word in English: allowed only because the entry says so.
    assert not any("'Total'" in problem for problem in found)
    english.write_text(text.replace("# same in English\n", ""), encoding="utf-8")
    assert f"{where_en}: untranslated 'Total'" in i18n.problems()


def test_a_plural_entry_missing_a_form_copied_or_with_a_changed_placeholder_is_reported(
    tmp_path, monkeypatch
):
    locales = _copy_locales(tmp_path, monkeypatch)
    english = locales / "en" / "LC_MESSAGES" / "staff.po"
    text = english.read_text(encoding="utf-8")
    changes = [
        ('msgstr[1] "ok: {campaign} ({count} questions)"\n', ""),  # the plural form left out
        ('msgstr[0] "{what} has {count} option"', 'msgstr[0] "{what} has {cuenta} option"'),
        ('msgstr[1] "{count} failed"', 'msgstr[1] "failed"'),  # {count} dropped
        ('msgstr[0] "{count} sent"', 'msgstr[0] "{count} enviado"'),  # the Spanish copied
    ]
    text = _edited(text, changes)
    english.write_text(text, encoding="utf-8")
    spanish = locales / "es" / "LC_MESSAGES" / "staff.po"
    spanish_text = spanish.read_text(encoding="utf-8")
    old = 'msgstr[1] "{count} dados de baja"'
    assert old in spanish_text
    spanish.write_text(spanish_text.replace(old, 'msgstr[1] ""'), encoding="utf-8")
    found = i18n.problems()
    where_en, where_es = str(english), str(spanish)
    assert f"{where_en}: untranslated 'ok: {{campaign}} ({{count}} pregunta)' (msgstr[1])" in found
    assert (
        f"{where_en}: placeholders differ in '{{what}} tiene {{count}} opción' (msgstr[0])" in found
    )
    assert f"{where_en}: placeholders differ in '{{count}} fallido' (msgstr[1])" in found
    assert f"{where_en}: untranslated '{{count}} enviado' (msgstr[0])" in found
    assert f"{where_es}: untranslated '{{count}} dado de baja' (msgstr[1])" in found
    assert len(found) == 5


def test_a_singular_and_its_plural_may_differ_only_in_the_count(tmp_path, monkeypatch):
    (tmp_path / "bot").mkdir()
    (tmp_path / "bot" / "m.py").write_text(
        'print(_sn("{what} tiene una opción", "{what} tiene {count} opciones", n))\n'
        'print(_sn("{what} tiene {limit} opción", "{what} tiene {count} opciones", n))\n',
        encoding="utf-8",
    )
    monkeypatch.setattr(i18n, "ROOT", tmp_path)
    monkeypatch.setattr(i18n, "LOCALES", tmp_path / "locales")
    monkeypatch.setattr(i18n, "CATALOGS", {"staff": (("es",), {"_sn": (1, 2)}, ("bot",))})
    assert i18n.update() == [
        "staff/es: new '{what} tiene una opción'",
        "staff/es: new '{what} tiene {limit} opción'",
    ]
    # The first is fine ("una" for one); the second would leave {limit} unfilled in the
    # plural, or a translation without it.
    assert i18n.problems() == [
        "bot/m.py:2: placeholders differ between singular and plural in "
        "'{what} tiene {limit} opción'"
    ]


def test_update_gives_new_staff_strings_the_spanish_in_es_and_leaves_english_to_translate(
    tmp_path, monkeypatch
):
    locales = _copy_locales(tmp_path, monkeypatch)
    for language in ("es", "en"):
        (locales / language / "LC_MESSAGES" / "staff.po").unlink()
    changes = i18n.update()
    assert "staff/es: new 'Tomar caso'" in changes
    assert "staff/en: new 'Tomar caso' (to translate)" in changes
    english = i18n._read("en", "staff")
    assert english.get("Tomar caso").string == ""
    assert i18n._read("es", "staff").get("Tomar caso").string == "Tomar caso"
    assert any("untranslated 'Tomar caso'" in problem for problem in i18n.problems())
    # A plural entry: Spanish gets msgid and msgid_plural as its two forms, English two
    # empty ones; both catalogs say two forms, msgstr[0] for 1 and msgstr[1] for the rest.
    key = "ok: {campaign} ({count} pregunta)"
    spanish = i18n._read("es", "staff")
    assert spanish.get(key).string == (key, "ok: {campaign} ({count} preguntas)")
    assert english.get(key).string == ("", "")
    for language in ("es", "en"):
        po = (locales / language / "LC_MESSAGES" / "staff.po").read_text(encoding="utf-8")
        assert '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"' in po
    assert f"{locales / 'en' / 'LC_MESSAGES' / 'staff.po'}: untranslated {key!r} (msgstr[1])" in (
        i18n.problems()
    )


@pytest.fixture
def english_staff(tmp_path, monkeypatch):
    """STAFF_LANGUAGE=en with freshly compiled catalogs (as `make` builds them)."""
    _copy_locales(tmp_path, monkeypatch)
    i18n.compile_catalogs()
    monkeypatch.setenv("STAFF_LANGUAGE", "en")
    i18n.configure(staff_language="en")  # as the entry point does with Settings
    yield
    i18n._staff_translations.cache_clear()


def _case(**fields) -> Escalation:
    values = dict(
        id=12,
        created_at=START,
        urgency="emergency",
        category="abuse",
        subject="self",
        age_band="13-15",
        campaign="jaco-2026",
        excerpt="mi tío me pega",
        status="open",
        child_confirmed=None,
    )
    values.update(fields)
    return Escalation(**values)


def test_a_card_in_english_while_the_child_is_answered_in_spanish(english_staff):
    text, buttons = render_card(_case(), "alert", repeat=True, now=START + timedelta(hours=2))
    assert text.split("\n") == [
        "🔁 Resent: you may have received this already",
        "New case VS-000012",
        "",
        "Urgency: 🚨 EMERGENCY",
        "Situation: Abuse or mistreatment",
        "Who: happening to the person writing",
        "Age: 13–15 years",
        "Campaign: jaco-2026",
        "What they wrote: “mi tío me pega”",
        "Time: Mar 1, 2026, 12:00\u202fPM UTC (2 h 0 min ago)",  # en, by Babel
    ]
    assert [label for row in buttons for label, _ in row] == ["Take case", "Resolve", "False alarm"]
    reminder, _ = render_card(_case(), "reminder", repeat=False, now=START)
    assert "Nobody has taken this case yet. Can someone attend to it?" in reminder

    # The same disclosure, answered to the child: Spanish, whatever STAFF_LANGUAGE says.
    verdict = Verdict(escalate=True, urgency="emergency", category="abuse", subject="self")
    answer = [reply.text for reply in replies(verdict, case_id=12, can_contact=True)]
    assert answer[1] == "¿Entendí bien?"
    filled = Helplines.load().fill(answer[0])  # as the engine does (bot.helplines)
    assert "llame ya al 911" in filled and "PANI: 1147" in filled
    assert answer[2] == "¿Quiere que una persona de protección le escriba aquí, por este chat?"
    assert i18n._("¿Entendí bien?") == "¿Entendí bien?"
    assert i18n.translator().gettext("Sí") == "Sí"
    assert FROM_OFFICER == "👤 Persona de protección:\n"


def test_officer_answers_status_lines_and_the_results_table_in_english(english_staff):
    taken = ActionResult(1, "take", True, "taken", None)
    assert taken.answer == "Case VS-000001 taken. Thank you."
    refused = ActionResult(1, "take", False, "taken", "already_taken")
    assert refused.answer == "Another protection officer has already taken this case."
    line = status_line("taken", START.replace(minute=7))
    assert line == "✅ Taken by a protection officer at 12:07\u202fPM UTC"
    # A card whose status line was written in Spanish gets it replaced, not doubled.
    spanish = "Nuevo caso VS-000001\n\n✅ Tomado por una persona de protección a las 12:07 UTC"
    assert with_status(spanish, "🟢 Resolved") == "Nuevo caso VS-000001\n\n🟢 Resolved"

    published = results.Results(
        campaign="demo",
        title="Demo",
        opens=date(2026, 3, 1),
        closes=date(2026, 4, 30),
        columns=("13-15", results.TOTAL),
        completions=results.Row("*", results.COMPLETIONS, (results.Cell(1234), results.Cell(1234))),
        tables=(),
    )
    table = results.as_table(published)
    assert "From March 1, 2026 to April 30, 2026" in table
    assert "Completed the consultation  1,234  1,234" in table
    assert "fewer than 10 people" in table
    # CSV and JSON are data: their labels stay the Spanish source whatever the language.
    assert "Completaron la consulta" in results.as_csv(published)


def _broadcast(sent: int, dropped: int, failed: int) -> BroadcastInfo:
    return BroadcastInfo(
        id=1,
        name="prueba",
        text="Hola",
        created_at=START,
        finished_at=START,
        sent=sent,
        failed=failed,
        dropped=dropped,
        pending=0,
    )


CAMPAIGN_OK = ("ok: {campaign} ({count} pregunta)", "ok: {campaign} ({count} preguntas)")
WOULD_SEND = (
    "el envío '{name}' mandaría este mensaje a {count} persona suscrita:",
    "el envío '{name}' mandaría este mensaje a {count} personas suscritas:",
)


def _counted(forms: tuple[str, str], count: int) -> str:
    return i18n._sn(*forms, count).format(campaign="demo", name="prueba", count=count)


def test_a_count_of_one_reads_in_the_singular_in_spanish(staff_in_spanish):
    assert _counted(CAMPAIGN_OK, 1) == "ok: demo (1 pregunta)"
    assert _counted(CAMPAIGN_OK, 8) == "ok: demo (8 preguntas)"
    assert _counted(CAMPAIGN_OK, 0) == "ok: demo (0 preguntas)"
    assert (
        _counted(WOULD_SEND, 1) == "el envío 'prueba' mandaría este mensaje a 1 persona suscrita:"
    )
    assert _counted(WOULD_SEND, 3) == (
        "el envío 'prueba' mandaría este mensaje a 3 personas suscritas:"
    )
    # Each count of a broadcast's summary agrees with its own noun.
    assert summary(_broadcast(sent=1, dropped=0, failed=2)) == (
        "1 enviado, 0 dados de baja (bloquearon el bot: se les quitó la suscripción), 2 fallidos"
    )
    assert summary(_broadcast(sent=5, dropped=1, failed=1)) == (
        "5 enviados, 1 dado de baja (bloqueó el bot: se le quitó la suscripción), 1 fallido"
    )


def test_a_count_of_one_reads_in_the_singular_in_english(staff_in_english):
    assert _counted(CAMPAIGN_OK, 1) == "ok: demo (1 question)"
    assert _counted(CAMPAIGN_OK, 8) == "ok: demo (8 questions)"
    assert _counted(CAMPAIGN_OK, 0) == "ok: demo (0 questions)"
    assert _counted(WOULD_SEND, 1) == "broadcast 'prueba' would send this message to 1 subscriber:"
    assert _counted(WOULD_SEND, 3) == (
        "broadcast 'prueba' would send this message to 3 subscribers:"
    )
    assert summary(_broadcast(sent=1, dropped=0, failed=2)) == (
        "1 sent, 0 dropped (blocked the bot: unsubscribed), 2 failed"
    )


def test_staff_dates_and_numbers_are_formatted_for_es_cr_by_default(monkeypatch):
    monkeypatch.delenv("STAFF_LANGUAGE", raising=False)
    assert i18n.staff_locale() == "es_CR"
    assert i18n.staff_number(1234567) == "1\xa0234\xa0567"
    assert i18n.staff_date(date(2026, 3, 1)) == "1 mar 2026"
    assert i18n.staff_datetime(START) == "1 mar 2026, 12:00\u202fp.\u202fm."
    text, _ = render_card(_case(), "alert", repeat=False, now=START)
    assert "Hora: 1 mar 2026, 12:00\u202fp.\u202fm. UTC" in text
    assert "Urgencia: 🚨 EMERGENCIA" in text


def test_consent_document_is_generated_from_the_current_catalogs():
    committed = (ROOT / "docs" / "consent.md").read_text(encoding="utf-8")
    assert committed == render(), "regenerate: python -m bot consent-doc > docs/consent.md"


# -- no bare words for facilitators ---------------------------------------------------------

# What facilitators and operators read from the command line and from data-file checks.
FACILITATOR_MODULES = (
    "bot/cli/*.py",
    "bot/settings.py",
    "bot/privacy.py",
    "bot/storage/database.py",
    "bot/datafiles.py",
    "bot/campaigns/launch.py",
    "bot/campaigns/posters.py",
    "bot/campaigns/schema.py",
    "bot/campaigns/results.py",
    "bot/awareness/schema.py",
    "bot/awareness/lessons.py",
    "bot/broadcasts/*.py",
    "bot/awareness/invitation.py",
    "bot/campaigns/invitation.py",
    "bot/referrals.py",
    "consent/bands.py",
)
# Calls whose arguments are shown to the person running a command.
SHOWN = {"print", "_error", "_stopped"}
MARKED = {"_s", "_sn", "N_"}
WORDS = re.compile(r"[^\W\d_]{2,}")


def _bare_words(node: ast.AST) -> list[ast.AST]:
    """String literals holding words in an expression that is shown, outside `_s()`, `_sn()`
    and `N_()`.
    What `.format()` fills in is left alone: the words are in the template, and the values
    are ids, paths, numbers or fragments translated where they are made. So are keys
    (`fields["options"]`) and collections (the choices given to `suggest`): data, not text."""
    if isinstance(node, ast.Subscript):
        return _bare_words(node.value)
    if isinstance(node, (ast.Tuple, ast.List, ast.Set, ast.Dict)):
        return []
    if isinstance(node, ast.Constant):
        text = node.value if isinstance(node.value, str) else ""
        return [node] if WORDS.search(re.sub(r"\{[^{}]*\}", "", text)) else []
    if isinstance(node, ast.JoinedStr):  # an f-string: its own text, not the values in it
        text = "".join(
            part.value
            for part in node.values
            if isinstance(part, ast.Constant) and isinstance(part.value, str)
        )
        return [node] if WORDS.search(text) else []
    if isinstance(node, ast.Call):
        if isinstance(node.func, ast.Name) and node.func.id in MARKED:
            return []
        if isinstance(node.func, ast.Attribute) and node.func.attr == "format":
            return _bare_words(node.func.value)
        found = []
        for child in [*node.args, *(keyword.value for keyword in node.keywords)]:
            found += _bare_words(child)
        return found
    found = []
    for child in ast.iter_child_nodes(node):
        found += _bare_words(child)
    return found


def _called(node: ast.Call) -> str:
    if isinstance(node.func, ast.Name):
        return node.func.id
    return node.func.attr if isinstance(node.func, ast.Attribute) else ""


def untranslated(source: str, filename: str) -> list[str]:
    """file:line of every text printed, or raised in an exception of the project's own
    (CampaignError, BroadcastError, ...), that does not go through the staff catalog.
    Python's own exceptions (ValueError, TypeError) are for programming mistakes and are
    left alone."""
    found = []
    for node in ast.walk(ast.parse(source, filename)):
        call = None
        if isinstance(node, ast.Call) and _called(node) in SHOWN:
            call = node
        elif isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
            name = _called(node.exc)
            builtin = getattr(builtins, name, None)
            if not (isinstance(builtin, type) and issubclass(builtin, BaseException)):
                call = node.exc
        if call is None:
            continue
        for argument in [*call.args, *(k.value for k in call.keywords if k.arg != "file")]:
            for literal in _bare_words(argument):
                found.append(f"{filename}:{literal.lineno}: {ast.unparse(literal)[:70]}")
    return sorted(set(found), key=lambda where: int(where.split(":")[1]))


def test_the_scan_finds_a_bare_text_printed_or_raised():
    source = (
        'print(f"ok: {name} ({count} questions)")\n'
        'print(_s("ok: {name}").format(name=name))\n'
        'print(_sn("{count} pregunta", "{count} preguntas", count).format(count=count))\n'
        'print(ngettext("{count} question", "{count} questions", count).format(count=count))\n'
        'raise CampaignError(path, 1, "the file is empty", _s("empiece aquí"))\n'
        'raise self.fail(node, _s("{what} no tiene").format(what=what), suggest(a, b, "use x"))\n'
        'raise ValueError("rate must be above 0")\n'
        'print(f"{campaign.id}: {status}")\n'
        'print("note: " + _s("nota"), file=sys.stderr)\n'
        'raise self.fail(fields["options"][0], _s("x"), suggest(k, ("default", *ids), _s("y")))\n'
    )
    assert [where.split(": ")[0] for where in untranslated(source, "m.py")] == [
        "m.py:1",
        "m.py:4",  # Python's own ngettext is not the staff catalog: both its texts
        "m.py:4",
        "m.py:5",
        "m.py:6",
        "m.py:9",
    ]


def test_what_a_facilitator_reads_from_a_command_or_a_file_check_is_in_the_staff_catalog():
    found = []
    paths = [path for pattern in FACILITATOR_MODULES for path in sorted(ROOT.glob(pattern))]
    assert len(paths) >= len(FACILITATOR_MODULES)  # every name still names a file
    for path in paths:
        module = str(path.relative_to(ROOT))
        found += untranslated(path.read_text(encoding="utf-8"), module)
    assert not found, (
        "printed or raised without the staff catalog; wrap each text in _s() (or N_() for a "
        "constant, _s() where shown), then `make i18n` and give it its English in "
        "locales/en/LC_MESSAGES/staff.po:\n" + "\n".join(found)
    )
