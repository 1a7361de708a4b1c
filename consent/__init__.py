"""Consent: age bands, assent, receipts and withdrawal.

Filled by the consent issue. Its public surface, used by the engine's consent gate, will
be named here. Nothing about a child may be recorded without a valid receipt from it.
"""

__all__: list[str] = []
