"""Campaigns imported from an ODK/Kobo XLSForm (`python -m bot campaigns import form.xlsx`).

This package owns the mapping from an XLSForm's sheets to a campaign file:
- `settings`: `form_id` becomes the id (lowercase, `_` as `-`), `title` the title,
  `version` the consent version when given;
- `survey`: `select_one`/`select_multiple` become `single`/`multiple` (a list of exactly
  yes and no becomes `yes_no`; a `range` from 1 to 5 becomes `scale`), `relevant` becomes
  `show_if` when it is `${q} = 'x'` or `selected(${q}, 'x')` (several joined by `or` on
  the same question), groups without a condition are flattened;
- `choices`: a list's rows become the options;
- `label` (or `label::es`) is the default wording, `label::es (9-12)` a band's wording.

A type that would identify a child (free text, places, pictures, sound, files, codes,
phone numbers, dates, numbers such as an age) or that the bot cannot ask (calculations,
notes, repeats) is refused with its sheet, row and a fix: the form is changed by its
author, never quietly dropped. The written YAML is read back by the campaign validator
(bot.campaigns.schema) before it is kept, so an import never leaves an invalid file.

- `importer`: reads the workbook's sheets into a campaign (`XLSFormError` on a refusal);
- `types`: which types are refused or skipped, and why;
- here: `import_xlsform` writes the campaign file (`as_yaml`) and validates it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from bot.campaigns.schema import CampaignError, load_campaign
from bot.campaigns.xlsform.importer import XLSFormError, _Importer
from bot.i18n import _s

__all__ = ["XLSFormError", "as_yaml", "import_xlsform"]


class _Dumper(yaml.SafeDumper):  # type: ignore[misc]  # yaml ships no types here
    """Writes a wording shared by two questions' options twice, not as a YAML alias that a
    facilitator would not recognise."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def as_yaml(campaign: dict[str, Any], source: Path) -> str:
    """The campaign file: a header saying where it came from and what to revise, then the
    campaign in the key order of campaigns/README.md."""
    header = [
        _s("Importada de {file} con python -m bot campaigns import.").format(file=source.name),
        _s(
            "Revise 'description', 'opens', 'closes', 'audience' y 'consent_version': el XLSForm "
            "no los trae (vea campaigns/README.md)."
        ),
    ]
    if "access_code" in campaign:
        header.append(
            _s(
                "'access_code' es un código al azar porque la consulta incluye 9-12: cámbielo "
                "por el del taller."
            )
        )
    comments = "".join(f"# {line}\n" for line in header)
    body: str = yaml.dump(campaign, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100)
    return comments + body


def import_xlsform(source: Path | str, out: Path | str | None, folder: Path) -> Path:
    """Write the campaign file of an XLSForm (to `out`, or `folder`/<id>.yml) and return
    its path. Raises XLSFormError (sheet, row, fix) for what cannot be imported, and
    CampaignError if the file exists already or the result does not validate; nothing is
    kept then."""
    source = Path(source)
    campaign = _Importer(source).read()
    target = Path(out) if out is not None else folder / f"{campaign['id']}.yml"
    if target.exists():
        raise CampaignError(
            target,
            None,
            _s("el archivo ya existe"),
            _s("bórrelo, o escoja otro con --out"),
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(as_yaml(campaign, source), encoding="utf-8")
    try:
        load_campaign(target)
    except CampaignError:
        target.unlink()
        raise
    return target
