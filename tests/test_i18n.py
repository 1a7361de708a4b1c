"""The gettext catalogs hold every word shown to a user, and docs/consent.md stays true.

Two domains: `messages` (children, Spanish only) and `staff` (protection officers and
facilitators, Spanish or English by STAFF_LANGUAGE). Staff words and formats follow the
staff language; a child's never do. The modules behind the facilitators' commands and
file checks print and raise nothing that bypasses the staff catalog."""

from __future__ import annotations

import ast
import builtins
import re
import shutil
from datetime import date, datetime, timedelta

import pytest

from bot import i18n
from bot.campaigns import results
from bot.escalation.cards import render_card
from bot.escalation.officers import ActionResult, status_line
from bot.settings import ROOT, STAFF_LANGUAGES
from bot.storage import Escalation
from bot.telegram.contact import FROM_OFFICER
from bot.telegram.officers import with_status
from bot.triage import Verdict
from bot.triage.answers import replies
from consent.document import render

START = datetime(2026, 3, 1, 12, 0, 0)


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
    erased = 'msgstr ""\n"Listo: borré todo lo que estaba ligado a usted (registros borrados: '
    text = text.replace(erased + "{count}", erased + "{cuenta}")
    catalog.write_text(text, encoding="utf-8")
    found = "\n".join(i18n.problems())
    assert "missing '¿Entendí bien?'" in found
    assert "untranslated 'Sí'" in found
    assert "placeholders differ" in found


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
    for old, new in changes:
        assert old in text, old
        text = text.replace(old, new)
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


@pytest.fixture
def english_staff(tmp_path, monkeypatch):
    """STAFF_LANGUAGE=en with freshly compiled catalogs (as `make` builds them)."""
    _copy_locales(tmp_path, monkeypatch)
    i18n.compile_catalogs()
    monkeypatch.setenv("STAFF_LANGUAGE", "en")
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
    assert "llame ya al 911" in answer[0] and "PANI: 1147" in answer[0]
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
    "bot/cli.py",
    "bot/settings.py",
    "bot/privacy.py",
    "bot/storage/database.py",
    "bot/datafiles.py",
    "bot/campaigns/launch.py",
    "bot/campaigns/schema.py",
    "bot/campaigns/results.py",
    "bot/awareness/schema.py",
    "bot/awareness/lessons.py",
    "bot/awareness/outreach.py",
    "consent/bands.py",
)
# Calls whose arguments are shown to the person running a command.
SHOWN = {"print", "_error", "_stopped"}
MARKED = {"_s", "N_"}
WORDS = re.compile(r"[^\W\d_]{2,}")


def _bare_words(node: ast.AST) -> list[ast.AST]:
    """String literals holding words in an expression that is shown, outside `_s()`/`N_()`.
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
        'raise CampaignError(path, 1, "the file is empty", _s("empiece aquí"))\n'
        'raise self.fail(node, _s("{what} no tiene").format(what=what), suggest(a, b, "use x"))\n'
        'raise ValueError("rate must be above 0")\n'
        'print(f"{campaign.id}: {status}")\n'
        'print("note: " + _s("nota"), file=sys.stderr)\n'
        'raise self.fail(fields["options"][0], _s("x"), suggest(k, ("default", *ids), _s("y")))\n'
    )
    assert [where.split(": ")[0] for where in untranslated(source, "m.py")] == [
        "m.py:1",
        "m.py:3",
        "m.py:4",
        "m.py:7",
    ]


def test_what_a_facilitator_reads_from_a_command_or_a_file_check_is_in_the_staff_catalog():
    found = []
    for module in FACILITATOR_MODULES:
        path = ROOT / module
        found += untranslated(path.read_text(encoding="utf-8"), module)
    assert not found, (
        "printed or raised without the staff catalog; wrap each text in _s() (or N_() for a "
        "constant, _s() where shown), then `make i18n` and give it its English in "
        "locales/en/LC_MESSAGES/staff.po:\n" + "\n".join(found)
    )
