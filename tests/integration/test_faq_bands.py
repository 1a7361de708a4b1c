"""FAQ answers in words for the child's age band: a response's `channel: "<band>"` variation
in domain/ is what a child of that band gets; every FAQ answer the Fernández-Huerta index
puts near the floor has its own, easier words for 9 to 12; other bands get the default
answer (the engine asks for the youngest band's words for a child whose band is not known:
tests/unit/test_chosen_band.py)."""

from __future__ import annotations

import pytest
import yaml

from bot.helplines import AUDIENCE_OF_TEXTS, Helplines
from bot.referrals import SERVICES
from bot.settings import ROOT
from consent.bands import load_bands
from tests.quality.test_readability import FLOOR, score

YOUNGEST = "9-12"
# An answer this close to the floor gets its own words for 9-12: the index is a rough guide
# on a few sentences, so "fácil" by a point is not yet easy.
OWN_WORDS_BELOW = 85.0


def faq_variations(filled: bool = True) -> dict[str, list[dict[str, str]]]:
    """The FAQ responses, their help services (bot.referrals.SERVICES) filled as a 9-12
    child reads them (the engine fills them), so that the index measures what the child
    reads; with `filled` False, as Rasa gives them."""
    domain = yaml.safe_load((ROOT / "domain" / "faq.yml").read_text(encoding="utf-8"))
    services = Helplines.load().block(audience=AUDIENCE_OF_TEXTS["nino"]) if filled else SERVICES
    return {
        name: [{**v, "text": v["text"].replace(SERVICES, services)} for v in variations]
        for name, variations in domain["responses"].items()
    }


def default(variations: list[dict[str, str]]) -> str:
    return " ".join(v["text"] for v in variations if not v.get("channel"))


def for_band(variations: list[dict[str, str]], band: str) -> str | None:
    own = [v["text"] for v in variations if v.get("channel") == band]
    return " ".join(own) if own else None


def test_every_band_variation_names_a_band_and_comes_after_the_default():
    bands = {band.id for band in load_bands().bands}
    for name, variations in faq_variations().items():
        assert not variations[0].get("channel"), f"{name}: the default comes first"
        for variation in variations:
            assert variation.get("channel", YOUNGEST) in bands, name


def test_every_faq_answer_near_the_floor_has_easier_words_for_9_to_12():
    missing = []
    for name, variations in faq_variations().items():
        young = for_band(variations, YOUNGEST)
        if young is None:
            if score(default(variations)) < OWN_WORDS_BELOW:
                missing.append(f"{name}: {score(default(variations)):.0f}")
            continue
        assert score(young) >= FLOOR, f"{name}: {score(young):.0f} < {FLOOR:.0f}"
        assert score(young) > score(default(variations)), f"{name}: not easier than the default"
    assert not missing, f'write a `channel: "9-12"` variation for: {missing}'
    assert sum(for_band(v, YOUNGEST) is not None for v in faq_variations().values()) >= 10


def test_words_for_9_to_12_give_the_same_helplines_and_keep_usted():
    for name, variations in faq_variations().items():
        young = for_band(variations, YOUNGEST)
        if young is None:
            continue
        for number in ("1147", "911"):
            if number in default(variations):
                assert number in young, f"{name}: the 9-12 words lost {number}"
        for word in (" tú ", " tienes ", " puedes ", " vos "):
            assert word not in f" {young} ", name


@pytest.mark.rasa
async def test_the_assistant_answers_in_the_bands_words_where_it_has_them(assistant):
    variations = faq_variations(filled=False)
    young = for_band(variations["utter_faq_que_es_trata"], YOUNGEST)
    usual = default(variations["utter_faq_que_es_trata"])
    said = [r.text for r in await assistant.respond("u" * 32, "faq_que_es_trata", YOUNGEST)]
    assert said == [young]
    for band in (None, "13-15", "16-17", "18-24"):
        said = [r.text for r in await assistant.respond("u" * 32, "faq_que_es_trata", band)]
        assert said == [usual], band
    # An answer without words of its own for the band is the default one.
    plain = default(variations["utter_faq_es_gratis"])
    assert [r.text for r in await assistant.respond("u" * 32, "faq_es_gratis", YOUNGEST)] == [plain]
