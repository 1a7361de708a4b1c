"""Consent: age bands, assent in words fit for each band, receipts, and withdrawal; and
the band a child picked, kept for their conversation (consent.chosen) to word what they read.

Nothing about a child may be recorded for a consultation without a valid receipt: one
for that campaign under the current text of the child's band. A "no" is respected at once
and the child can still learn and ask for help. Safety triage always runs before this gate.
`ConsentGate` (consent.gate) plugs the flow into the engine (bot.flows).
"""

from consent.bands import Band, Bands, BandsError, load_bands
from consent.flow import GENERAL, ConsentFlow, Outcome, Scope
from consent.gate import ConsentGate

__all__ = [
    "GENERAL",
    "Band",
    "Bands",
    "BandsError",
    "ConsentFlow",
    "ConsentGate",
    "Outcome",
    "Scope",
    "load_bands",
]
