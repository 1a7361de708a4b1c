"""The safe word: a short message that is only a call for help (AYUDA, auxilio, socorro, SOS),
recognised on the normalized text and never explained away by a frame.
"""

from __future__ import annotations

import re

_SAFE_WORD = re.compile(
    r"^(?:por favor )?(?:(?:necesito|necesitamos|quiero|pido) )?"
    r"(?:ayuda|auxilio|socorro|sos|help|ayudeme|ayudame|ayudenme|ayudanos|ayudenos)"
    r"(?: (?:ayuda|auxilio|socorro|sos|help|ayudeme|ayudame|ayudenme))*"
    r"(?: (?:por favor|ya|urgente|rapido|ahora|ahorita|porfavor|pronto))*$"
)
_SAFE_WORD_MAX_WORDS = 6


def _is_safe_word(norm: str) -> bool:
    words = re.sub(r"[¿?!.,]", " ", norm).split()
    if not words or len(words) > _SAFE_WORD_MAX_WORDS:
        return False
    return bool(_SAFE_WORD.match(" ".join(words)))
