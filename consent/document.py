"""docs/consent.md and docs/privacy.md: every assent text and the privacy notice as a child
sees them, per band, made from the catalogs (`python -m bot consent-doc`, `python -m bot
privacy-doc`). A test keeps each committed file equal to what this makes."""

from __future__ import annotations

from consent import notice, texts
from consent.bands import Bands, load_bands


def _buttons(*labels: str) -> str:
    return "  ".join(f"[{label}]" for label in labels)


def render(bands: Bands | None = None) -> str:
    bands = bands or load_bands()
    lines = [
        "# Assent texts, as a child sees them",
        "",
        "Generated from the gettext catalog (`locales/es/LC_MESSAGES/messages.po`) and",
        "`consent/bands.yml` by `python -m bot consent-doc`; do not edit by hand. To change a",
        "text, edit the catalog, run `make i18n`, then regenerate this file. A changed text has",
        "a new version, and children are asked again.",
        "",
        "## Start",
        "",
        f"> {texts.WELCOME}",
        ">",
        f"> {texts.PRIVACY}",
        ">",
        f"> {texts.ASK_BAND}",
        ">",
        "> " + _buttons(bands.younger_label, *(b.label for b in bands.bands), bands.older_label),
        "",
        f"- {bands.younger_label}: {texts.YOUNGER}",
        f"- {bands.older_label}: {texts.OLDER}",
    ]
    for band in bands.bands:
        question = texts.QUESTIONS[band.texts]
        lines += ["", f"## {band.label} (version `{texts.version(band.texts)}`)", ""]
        for paragraph in texts.ASSENT[band.texts]:
            lines += [f"> {paragraph}", ">"]
        lines += [
            "> " + _buttons(texts.READ_BUTTON, texts.CHANGE_BAND),
            "",
            f"> {question.text}",
            ">",
            "> " + _buttons(*question.options),
            "",
            f"If the answer is not «{question.options[question.correct]}»:",
            "",
            f"> {question.explanation}",
            "",
            f"> {texts.ASK_CONSENT}",
            ">",
            "> " + _buttons(texts.YES, texts.NO, texts.CHANGE_BAND),
            "",
            f"- Yes: {texts.THANKS_YES}",
            f"- No: {texts.THANKS_NO}",
        ]
    lines += [
        "",
        "## Workshop campaigns",
        "",
        f"> {texts.ASK_CODE}",
        "",
        f"- Wrong code: {texts.WRONG_CODE}",
        f"- Too many attempts (5 in 15 minutes): {texts.TOO_MANY_CODES}",
        "",
    ]
    return "\n".join(lines)


def render_privacy(bands: Bands | None = None) -> str:
    """docs/privacy.md: what `/privacidad` shows, per band. The organisation's name and
    contact appear as the settings that fill them."""
    bands = bands or load_bands()
    lines = [
        "# Privacy notice, as a child sees it (`/privacidad`)",
        "",
        "Generated from the gettext catalog (`locales/es/LC_MESSAGES/messages.po`) and",
        "`consent/bands.yml` by `python -m bot privacy-doc`; do not edit by hand. The",
        "organisation's name and contact come from the settings `ORGANISATION_NAME` and",
        "`ORGANISATION_CONTACT`; while either is unset, the notice says so:",
        "",
        f"> {notice.NOT_CONFIGURED}",
        "",
        "A child whose age band is not known (not chosen at `/start` in the last two idle",
        "hours, and no consultation) reads the 9 to 12 words, here as in lessons, quizzes, FAQ",
        "answers and help services: in doubt, the younger status applies. What is kept, for how",
        "long and who reads it is detailed for reviewers in [dpia.md](dpia.md).",
    ]
    shown: dict[str, list[str]] = {}
    for band in bands.bands:
        shown.setdefault(band.texts, []).append(band.label)
    for variant, labels in shown.items():
        lines += ["", f"## {', '.join(labels)}", ""]
        paragraphs = notice.notice(variant, "«ORGANISATION_NAME»", "«ORGANISATION_CONTACT»")
        for paragraph in paragraphs:
            lines += [f"> {paragraph}", ">"]
        lines.pop()
    lines.append("")
    return "\n".join(lines)
