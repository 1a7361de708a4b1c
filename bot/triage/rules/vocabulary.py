"""Words the patterns, the frames and subject detection share: who can do harm, who can be
harmed, the body, object clitics, and `_alt`, the one way an alternation is written here.
"""

from __future__ import annotations


def _alt(*parts: str) -> str:
    return "(?:" + "|".join(parts) + ")"


# People who can be the one doing harm.
# fmt: off
_AGENT = _alt(
    r"padrastro", r"madrastra", r"papa", r"papi", r"mama", r"mami", r"padre", r"madre", r"tata",
    r"tio", r"tia", r"prim[oa]", r"abuel[oa]", r"herman[oa]", r"hermanastr[oa]", r"cunad[oa]",
    r"novi[oa]", r"ex", r"vecin[oa]", r"profe", r"profesora?", r"maestr[oa]", r"entrenadora?",
    r"coach", r"pastor", r"cura", r"sacerdote", r"catequista", r"padrino", r"madrina", r"jef[ea]",
    r"patrona?", r"chofer", r"busero", r"taxista", r"guarda", r"policia", r"oficial", r"senora?",
    r"man", r"mae", r"tipo", r"viej[oa]", r"hombre", r"muchach[oa]", r"chavalo", r"carajo",
    r"desconocid[oa]", r"adulto", r"amig[oa]", r"companer[oa]", r"compa", r"doctor", r"medico",
    r"psicologo", r"director", r"conserje", r"cuidadora?", r"encargad[oa]", r"esposo", r"pareja",
    r"roco", r"dona", r"don",
)
# fmt: on
# People who can be the one harmed when the writer speaks for somebody else.
# fmt: off
_PEER = _alt(
    r"amig[oa]s?", r"amiguit[oa]s?", r"herman[oa]s?", r"hermanit[oa]s?", r"hermanastr[oa]s?",
    r"prim[oa]s?", r"primit[oa]s?", r"compas?", r"compi", r"companer[oa]s?", r"vecin[oa]s?",
    r"vecinit[oa]s?", r"sobrin[oa]s?", r"hij[oa]s?", r"bebes?", r"novi[oa]s?", r"carajill[oa]s?",
    r"chavalit[oa]s?", r"guilas?", r"guilit[oa]s?", r"mama", r"papa", r"mami", r"papi", r"madre",
    r"tia", r"tio", r"abuel[oa]s?",
)
# fmt: on
# fmt: off
_BODY = _alt(
    r"partes(?: intimas| privadas)?", r"parte intima", r"pechos", r"senos", r"chichis",
    r"pompis", r"nalgas", r"cola", r"trasero", r"culo", r"vagina", r"pene", r"pipi", r"cosita",
    r"entrepierna", r"piernas?", r"muslos?", r"cuerpo", r"por debajo(?: de la ropa)?",
    r"debajo de la ropa", r"donde no", r"ahi abajo", r"por dentro", r"intimas?", r"ahi",
)
# fmt: on
# Object clitics: "me/nos" make the writer the one harmed, "le/la/lo" somebody else.
_OBJ = r"(?:me|nos|le|les|la|lo|las|los)"
_END = r"(?=\s*(?:[?!.,]|$))"
