"""Text normalization, done before any matching: compatibility forms (full-width letters,
ligatures), invisible and format characters, case, accents, leetspeak, stretched letters and the
spellings children actually type, so that the patterns are written once, in plain lower-case
Spanish.  The trained model reads the same normalized text.
"""

from __future__ import annotations

import re
import unicodedata

# Whole-token spellings children actually type, mapped to the form the patterns are written in.
_TOKEN_MAP: dict[str, str] = {
    "q": "que",
    "k": "que",
    "ke": "que",
    "qe": "que",
    "xq": "porque",
    "xk": "porque",
    "pq": "porque",
    "pk": "porque",
    "porq": "porque",
    "pork": "porque",
    "porke": "porque",
    "porqe": "porque",
    "xque": "porque",
    "xke": "porque",
    "x": "por",
    "d": "de",
    "tmb": "tambien",
    "tb": "tambien",
    "tbn": "tambien",
    "tmbn": "tambien",
    "tambn": "tambien",
    "tamb": "tambien",
    "porfa": "por favor",
    "porfis": "por favor",
    "porfavor": "por favor",
    "xfa": "por favor",
    "xfavor": "por favor",
    "plis": "por favor",
    "pliss": "por favor",
    "pls": "por favor",
    "plz": "por favor",
    "toy": "estoy",
    "tamos": "estamos",
    "ta": "esta",
    "tng": "tengo",
    "tngo": "tengo",
    "aora": "ahora",
    "ahra": "ahora",
    "aorita": "ahorita",
    "orita": "ahorita",
    "horita": "ahorita",
    "ahoritica": "ahorita",
    "dnd": "donde",
    "dond": "donde",
    "xa": "para",
    "pa": "para",
    "pal": "para el",
    "sr": "senor",
    "sra": "senora",
    "srta": "senorita",
    "ud": "usted",
    "uds": "ustedes",
    "msj": "mensaje",
    "msjs": "mensajes",
    "nd": "nada",
    "nda": "nada",
    "ns": "no se",
    "nc": "no se",
    "nose": "no se",
    "c": "se",
    "ase": "hace",
    "asen": "hacen",
    "aser": "hacer",
    "ases": "haces",
    "iso": "hizo",
    "izo": "hizo",
    "ise": "hice",
    "ize": "hice",
    "ago": "hago",
    "aga": "haga",
    "ablar": "hablar",
    "abla": "habla",
    "asta": "hasta",
    "ijo": "hijo",
    "ija": "hija",
    "boi": "voy",
    "voi": "voy",
    "bamos": "vamos",
    "bes": "ves",
    "dise": "dice",
    "disen": "dicen",
    "nadien": "nadie",
    "naiden": "nadie",
    "naide": "nadie",
    "pastiyas": "pastillas",
    "pastias": "pastillas",
    "sigiendo": "siguiendo",
    "sigiendome": "siguiendome",
    "serca": "cerca",
    "lla": "ya",
    "ahy": "ahi",
    "sedula": "cedula",
    "bende": "vende",
    "benden": "venden",
    "bendio": "vendio",
    "bendieron": "vendieron",
    "bender": "vender",
    "bendia": "vendia",
    "bendian": "vendian",
    "mepega": "me pega",
    "mepegan": "me pegan",
    "metoca": "me toca",
}

# Prefix-level spelling slips (seseo, b/v, dropped h, k/q for "qu").  Each rewrites one token.
_TOKEN_FIXES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        (r"^a+(?:y+u*|i+u+)d+([aeo]\w*)$", r"ayud\1"),
        (r"^a+u+[xs]+i+l+i*o+$", "auxilio"),
        (r"^s+o+c+o+r+o+$", "socorro"),
        (r"^s+o+s+$", "sos"),
        (r"^ne[sc]+e?[sc]+i?t(o|a|an|as|amos|ar|ando)$", r"necesit\1"),
        (r"^ne[sc]it(o|a|an|as|amos|ar|ando)$", r"necesit\1"),
        (r"^k([ei]\w*)$", r"qu\1"),
        (r"^q([ei]\w*)$", r"qu\1"),
        (r"^erman(\w*)$", r"herman\1"),
        (r"^[vb]e[sc]in(\w*)$", r"vecin\1"),
        (r"^golpi(a|an|o|ar|aron|ando|aba|aban)$", r"golpe\1"),
        (r"^amenas(a|an|o|aron|ando|as|aba|aban|ar)$", r"amenaz\1"),
        (r"^abuz(o|a|an|aron|ar|ador|aba|aban|ado|ada)$", r"abus\1"),
        (r"^en[sc]i+e?r+(a|an|o|aron|ar|aba|aban)$", r"encierr\1"),
        (r"^en[sc]e+r+(ad[oa]s?|ar|aron|o|aba|aban)$", r"encerr\1"),
        (r"^biol(o|a|an|aron|ar|ada|ado|acion|aba|aban)$", r"viol\1"),
        (r"^yev(\w*)$", r"llev\1"),
        (r"^yam(ar|o|e|en|an|ada|ando)$", r"llam\1"),
        (r"^de[sz]nud(\w*)$", r"desnud\1"),
        (r"^sui[sc]id(\w*)$", r"suicid\1"),
    )
)

# Any of `_TOKEN_FIXES` (each anchored at the token's start): one test that most tokens fail,
# instead of twenty. A text of 512 characters of "¿?" is 512 tokens.
_ANY_FIX = re.compile("|".join(f"(?:{pattern.pattern})" for pattern, _ in _TOKEN_FIXES))


# Characters that render as nothing.  Every format character (category Cf: zero-width space
# and joiners, soft hyphen, BOM, bidi marks, tag characters) is dropped by category; these are
# the invisible ones filed under other categories: combining grapheme joiner, Hangul fillers,
# Khmer inherent vowels, Mongolian variation selectors, the blank Braille pattern, variation
# selectors.  Dropped, not replaced by a space: "AY<soft hyphen>UDA" is still the safe word.
_INVISIBLE = frozenset(
    [0x034F, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x180B, 0x180C, 0x180D, 0x180F, 0x2800, 0x3164]
    + [0xFFA0, *range(0xFE00, 0xFE10), *range(0xE0100, 0xE01F0)]
)


def _visible(text: str) -> str:
    if text.isascii():
        return text
    return "".join(
        ch for ch in text if ord(ch) not in _INVISIBLE and unicodedata.category(ch) != "Cf"
    )


_LEET = str.maketrans("431057@$", "aeiostas")
_TOKEN = re.compile(r"[a-z0-9@$]+")
_LETTER = re.compile(r"[a-z]")
_LEET_MARK = re.compile(r"[0-9@$]")
# A handle's "@" ("@maria") is not an "a"; it goes before leetspeak is folded.
_HANDLE = re.compile(r"(?<![a-z0-9@$])@")
# Tokens that mix letters and digits without being leetspeak: a number with its unit or ordinal
# ("15anos", "3pm", "2do", "5mil"), a name with a number ("fifa23", "covid19") and a deal ("2x1").
_NOT_LEET = re.compile(
    r"\d+(?:[a-z]{1,2}|era|ero|hrs|min|seg|mil|anos?|dias?|meses|semanas?|horas?|minutos"
    r"|rojos?|tejas?|pisos?|veces|lucas)|[a-z]+\d{2,}|\d+x\d+"
)


def _fold_leet(m: re.Match[str]) -> str:
    """Leetspeak folded back to letters ("m4t4rm3" -> matarme, "amig@s" -> amigas), only in a
    token that mixes letters with digits, @ or $, so that "911", "1147" and "$500" survive."""
    token = m.group(0)
    if not (_LETTER.search(token) and _LEET_MARK.search(token)) or _NOT_LEET.fullmatch(token):
        return token
    return token.translate(_LEET)


_SPACED = str.maketrans({mark: f" {mark} " for mark in "¿?!.,"})


def normalize(text: str) -> str:
    """Lower-case, accent-free, typo-repaired text with ``¿ ? ! . ,`` kept as separate tokens."""
    shown = _visible(unicodedata.normalize("NFKC", text))
    lowered = unicodedata.normalize("NFKD", shown.lower())
    if lowered.isascii():  # no accent to drop
        plain = lowered
    else:
        plain = "".join(ch for ch in lowered if not unicodedata.combining(ch))
    plain = _HANDLE.sub(" ", plain)
    if _LEET_MARK.search(plain):  # else no token has anything to fold
        plain = _TOKEN.sub(_fold_leet, plain)
    plain = plain.replace("¡", "!").replace("…", ".")
    plain = re.sub(r"[;:]", ".", plain)
    plain = re.sub(r"[^a-z0-9¿?!.,\s]", " ", plain)
    # "s.o.s" has to survive the punctuation split below.
    plain = re.sub(r"\bs[.\s]*o[.\s]*s\b\.?", "sos", plain)
    plain = re.sub(r"([a-z])\1{2,}", r"\1", plain)
    plain = re.sub(r"([¿?!.,])(?:\s*\1)+", r"\1", plain)
    # Each mark a token of its own: spaces around it, which `split` below then collapses.
    plain = plain.translate(_SPACED)
    words: list[str] = []
    for token in plain.split():
        token = _TOKEN_MAP.get(token, token)
        if _ANY_FIX.match(token):
            for pattern, replacement in _TOKEN_FIXES:
                if pattern.match(token):
                    token = pattern.sub(replacement, token)
                    break
        words.append(token)
    return " ".join(words)
