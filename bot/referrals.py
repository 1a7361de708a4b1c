"""The referral directory: the help services the bot may give a child, as data
(content/referrals.yml), read strictly like the other facilitators' files.

Each service has its number, hours, who it serves, the topics it helps with, its region,
and, to be shown at all, a source and the date someone verified it. An entry without a
source or a verification date is kept in the file (so the work of checking it is not lost)
but never shown to a child: a wrong number given to a child in danger is a harm.

`Directory.pick` chooses the verified services that fit a situation (a topic, the child's
age group, a region when the child said it); national services always fit, regional ones
only when the child named their region. bot.helplines words them for the child.
Check the file with `python -m bot.referrals [FILE]`.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import yaml

from bot.datafiles import DataFileError, Fields, NodeReader, load_yaml
from bot.i18n import _s

REFERRALS_FILE = Path(__file__).resolve().parent.parent / "content" / "referrals.yml"
# Where a child's text gives help services: the engine puts the directory's services that
# fit in its place (bot.helplines). Not a str.format field: Rasa would try to fill those.
SERVICES = "$servicios"
SERVICE_KEYS = ("id", "name", "number", "hours", "serves", "topics", "region", "source", "verified")
# Who a service is for: children (up to 12), adolescents (13-17), adults 18-24, migrants.
AUDIENCES = ("ninez", "adolescencia", "adultos", "migrantes")
TOPICS = ("emergencia", "trata", "explotacion_sexual", "grooming", "abuso", "autolesion", "general")
NATIONAL = "nacional"
# The programme's locations (DESIGN.md), for services that serve one place only.
REGIONS = (NATIONAL, "san-jose", "jaco", "parrita", "quepos", "limon", "neily", "la-cruz")
SERVICE_ID = re.compile(r"[a-z0-9][a-z0-9-]{1,39}")
NUMBER = re.compile(r"[0-9]{3,4}(?:-[0-9]{4})?")
DAY = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")


class ReferralsError(DataFileError):
    """The referral directory is malformed; the message names the file, the line and the
    fix, in the staff language (a facilitator edits this file)."""


@dataclass(frozen=True)
class Service:
    id: str
    name: str
    number: str
    hours: str
    serves: frozenset[str]
    topics: frozenset[str]
    region: str
    source: str | None
    verified: date | None
    line: int

    @property
    def shown(self) -> bool:
        """Only a service someone verified, with the source they checked, reaches a child."""
        return self.source is not None and self.verified is not None

    def line_for_child(self) -> str:
        """The service as a child reads it (bot.helplines): an emergency line stands out."""
        mark = "🚨" if "emergencia" in self.topics else "📞"
        hours = self.hours[:1].upper() + self.hours[1:]
        end = "" if hours.endswith((".", "!", "?")) else "."
        return f"{mark} {self.name}: {self.number}. {hours}{end}"


@dataclass(frozen=True)
class Directory:
    services: tuple[Service, ...]

    def shown(self) -> tuple[Service, ...]:
        return tuple(service for service in self.services if service.shown)

    def pick(
        self, topic: str, audience: str | None = None, region: str | None = None
    ) -> tuple[Service, ...]:
        """The verified services for `topic` (or for any topic, "general"), for `audience`
        when known: national ones, and those in `region` when the child said where they
        are. A regional service is not given to a child who did not say where they are: it
        would read as theirs."""
        return tuple(
            service
            for service in self.shown()
            if (topic in service.topics or "general" in service.topics)
            and (audience is None or audience in service.serves)
            and service.region in (NATIONAL, region)
        )


class _Reader(NodeReader):
    error = ReferralsError

    def directory(self, root: yaml.Node | None, today: date) -> Directory:
        if root is None:
            raise self.empty(_s("ponga los servicios debajo de 'services:'"))
        file = _s("el directorio de servicios")
        top = self.mapping(root, file, ("version", "services"))
        items = self.sequence(
            self.required(top, root, "services", file), "'services'", _s("servicio")
        )
        services: list[Service] = []
        for number, node in enumerate(items, start=1):
            service = self.service(node, _s("la entrada {number}").format(number=number), today)
            first = next((s for s in services if s.id == service.id), None)
            if first is not None:
                raise self.fail(
                    node,
                    _s("el id '{id}' ya lo usa el servicio de la línea {line}").format(
                        id=service.id, line=first.line
                    ),
                    _s("dele a cada servicio su propio id"),
                )
            services.append(service)
        return Directory(tuple(services))

    def service(self, node: yaml.Node, what: str, today: date) -> Service:
        fields = self.mapping(node, what, SERVICE_KEYS)

        def text(key: str) -> str:
            return self.text(self.required(fields, node, key, what), _field(key, what))

        service_id = self.checked(
            fields,
            node,
            what,
            "id",
            SERVICE_ID.fullmatch,
            _s("use de 2 a 40 letras minúsculas sin tildes, números y '-', p. ej. pani-1147"),
        )
        number = self.checked(
            fields,
            node,
            what,
            "number",
            NUMBER.fullmatch,
            _s('escriba solo el número, entre comillas, p. ej. "1147" o "2222-3333"'),
        )
        region = self.checked(
            fields,
            node,
            what,
            "region",
            REGIONS.__contains__,
            _s("use uno de estos: {choices}").format(choices=", ".join(REGIONS)),
        )
        source = self.optional(fields, "source", what)
        verified = self.day(fields, "verified", what, today)
        if (source is None) != (verified is None):
            has, missing = ("verified", "source") if source is None else ("source", "verified")
            raise self.fail(
                fields[has][0],
                _s("{what} tiene '{has}' pero no '{missing}'").format(
                    what=what, has=has, missing=missing
                ),
                _s(
                    "un servicio se muestra solo con la fuente que se revisó ('source') y la "
                    "fecha en que se verificó ('verified', AAAA-MM-DD): agregue '{missing}' o "
                    "quite las dos"
                ).format(missing=missing),
            )
        return Service(
            id=service_id,
            name=text("name"),
            number=number,
            hours=text("hours"),
            serves=self.choices(fields, node, what, "serves", AUDIENCES),
            topics=self.choices(fields, node, what, "topics", TOPICS),
            region=region,
            source=source,
            verified=verified,
            line=node.start_mark.line + 1,
        )

    def checked(
        self,
        fields: Fields,
        parent: yaml.Node,
        what: str,
        key: str,
        valid: Callable[[str], object],
        fix: str,
    ) -> str:
        node = self.required(fields, parent, key, what)
        value = self.text(node, _field(key, what))
        if not valid(value):
            raise self.fail(
                node,
                _s("{field} no es válido: {value}").format(
                    field=_field(key, what), value=repr(value)
                ),
                fix,
            )
        return value

    def optional(self, fields: Fields, key: str, what: str) -> str | None:
        if key not in fields or self.is_null(fields[key][1]):
            return None
        return self.text(fields[key][1], _field(key, what))

    def day(self, fields: Fields, key: str, what: str, today: date) -> date | None:
        text = self.optional(fields, key, what)
        if text is None:
            return None
        node = fields[key][1]
        match = DAY.fullmatch(text)
        try:
            day = date(*(int(part) for part in match.groups())) if match else None
        except ValueError:
            day = None
        if day is None:
            raise self.fail(
                node,
                _s("{field} no es una fecha: {value}").format(
                    field=_field(key, what), value=repr(text)
                ),
                _s("escriba la fecha como AAAA-MM-DD, p. ej. 2026-12-01"),
            )
        if day > today:
            raise self.fail(
                node,
                _s("{field} es una fecha futura ({day})").format(field=_field(key, what), day=text),
                _s("escriba el día en que alguien revisó la fuente, no uno que no ha llegado"),
            )
        return day

    def choices(
        self, fields: Fields, parent: yaml.Node, what: str, key: str, allowed: tuple[str, ...]
    ) -> frozenset[str]:
        items = self.sequence(self.required(fields, parent, key, what), f"'{key}'", key)
        chosen = set()
        for item in items:
            value = self.text(item, _field(key, what))
            if value not in allowed:
                raise self.fail(
                    item,
                    _s("'{value}' no es un valor de '{key}'").format(value=value, key=key),
                    _s("use uno de estos: {choices}").format(choices=", ".join(allowed)),
                )
            chosen.add(value)
        return frozenset(chosen)


def _field(key: str, what: str) -> str:
    """ "'number' de la entrada 2": a key of one service, named in an error."""
    return _s("'{key}' de {what}").format(key=key, what=what)


def load_referrals(path: Path = REFERRALS_FILE, today: date | None = None) -> Directory:
    """The directory of `path`. A malformed file raises ReferralsError naming file, line
    and fix."""
    return _Reader(path).directory(load_yaml(path, ReferralsError), today or date.today())


def main(argv: list[str] | None = None) -> int:
    """Check the referral directory (or the file named). Exit 1 on an error."""
    paths = sys.argv[1:] if argv is None else argv
    path = Path(paths[0]) if paths else REFERRALS_FILE
    try:
        directory = load_referrals(path)
    except ReferralsError as error:
        print(_s("error: {error}").format(error=error), file=sys.stderr)
        return 1
    shown = len(directory.shown())
    print(
        _s("ok: {count} servicios, {shown} verificados (los únicos que se muestran)").format(
            count=len(directory.services), shown=shown
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
