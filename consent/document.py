"""docs/consent.md: every assent text as a child sees it, per band, made from the catalogs
(`python -m bot consent-doc`). A test keeps the committed file equal to what this makes."""

from __future__ import annotations

from consent import texts
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
