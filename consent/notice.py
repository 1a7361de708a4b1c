"""The privacy notice, per age band: what `/privacidad` shows and `docs/privacy.md` lists.

It says what Ley 8968 art. 5 asks a notice to say (who is responsible and how to reach
them, the purposes, who receives the data, the child's rights and how to use them, and
PRODHAB), plus what is kept and for how long. Every sentence is a gettext msgid in
consent/texts.py, beside the assent texts; the organisation's name and contact come from
settings (ORGANISATION_NAME, ORGANISATION_CONTACT), never from here. What it says about
storage is pinned to the code by tests/unit/test_promises.py and tests/unit/test_privacy_notice.py.
"""

from __future__ import annotations

from consent.texts import NOT_CONFIGURED, NOTICE, PRODHAB, RESPONSIBLE, TITLE

__all__ = ["NOT_CONFIGURED", "NOTICE", "PRODHAB", "RESPONSIBLE", "TITLE", "notice"]


def notice(variant: str, organisation: str | None, contact: str | None) -> list[str]:
    """The notice for one assent variant, paragraph by paragraph."""
    if organisation and contact:
        responsible = RESPONSIBLE.format(organisation=organisation, contact=contact)
    else:
        responsible = NOT_CONFIGURED
    return [TITLE, responsible, *NOTICE[variant], PRODHAB]
