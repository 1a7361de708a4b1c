"""Voz Segura: a Telegram bot, in Costa Rican Spanish, that consults children safely and
gets their disclosures to a protection officer.

Packages are named after the nouns of the domain: engine, agent (Rasa), triage,
storage, telegram, shell, cli. Adapters depend on the engine; the engine never imports
an adapter.
"""
