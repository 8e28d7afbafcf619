"""What business.sector changes in a report, and what it must not change: with `other` or no
sector, every report is the one a sheet without the field gets, byte for byte."""

from __future__ import annotations

import copy

import pytest
import yaml

from advise.advisor import Advisor, default_templates_dir
from advise.explain.report import build_report
from advise.render.renderer import Renderer

from conftest import EXAMPLES, sheet_mapping


@pytest.fixture(scope="module")
def advisor() -> Advisor:
    return Advisor()


def render(advisor: Advisor, mapping: dict, lang: str = "en", fmt: str = "text") -> str:
    result = advisor.run_mapping(mapping, filename="client.yaml")
    return Renderer(default_templates_dir()).render(build_report(result, lang), fmt)


def items(advisor: Advisor, mapping: dict, lang: str = "en") -> dict[str, str]:
    report = build_report(advisor.run_mapping(mapping), lang)
    return {item.id: item.text for item in (*report.warnings, *report.recommendations)}


@pytest.mark.parametrize("example", sorted(path.name for path in EXAMPLES.glob("*.yaml")))
def test_other_or_no_sector_gives_the_same_report_byte_for_byte(advisor: Advisor, example: str) -> None:
    # Each example's own sector is set aside: with `other` or with no field, the same bytes.
    data = yaml.safe_load((EXAMPLES / example).read_text(encoding="utf-8"))
    without = copy.deepcopy(data)
    without["business"].pop("sector", None)
    with_other = copy.deepcopy(data)
    with_other["business"]["sector"] = "other"
    for lang in ("en", "fr"):
        for fmt in ("text", "json"):
            assert render(advisor, with_other, lang, fmt) == render(advisor, without, lang, fmt)


def test_a_law_firm_is_not_told_to_post_photos_of_its_clients(advisor: Advisor) -> None:
    visual = {"business.visual_products": True, "content.audience_participation": False}
    mapping = sheet_mapping(**visual, **{"business.sector": "legal_finance"})
    for lang, generic in (("en", "photos of your customers"), ("fr", "photos de vos clients")):
        texts = items(advisor, mapping, lang)
        assert generic not in texts["participation"]
        assert "trade_subjects" in texts and generic not in texts["trade_subjects"]
    assert "question-and-answer" in items(advisor, mapping)["trade_subjects"]
    # the same business with no sector keeps the generic examples
    assert "photos of your customers" in items(advisor, sheet_mapping(**visual))["participation"]


def test_a_plumber_is_not_told_to_show_how_his_products_are_made(advisor: Advisor) -> None:
    mapping = sheet_mapping(**{"business.sector": "trades", "content.editorial_ideas": False,
                               "business.visual_products": True})
    assert "making of your products" in items(advisor, sheet_mapping(
        **{"content.editorial_ideas": False, "business.visual_products": True}))["no_editorial_line"]
    texts = items(advisor, mapping)
    assert "making of your products" not in texts["no_editorial_line"]
    assert "suit your trade" in texts["no_editorial_line"]
    assert "before and after" in texts["trade_subjects"]
    assert "fabrication de vos produits" not in items(advisor, mapping, "fr")["no_editorial_line"]


def test_a_health_professional_planning_a_contest_is_told_not_to_run_one(advisor: Advisor) -> None:
    mapping = sheet_mapping(**{"business.sector": "health", "content.contests_planned": True})
    texts = items(advisor, mapping)
    assert "Drop the contest" in texts["regulated_contest"]
    assert texts["contest_rules"].startswith("Only if your order ever allows one")
    assert "2020" in texts["professional_rules"]
    assert "medical secrecy" in texts["review_sites"]


def test_a_law_firm_answers_reviews_within_professional_secrecy(advisor: Advisor) -> None:
    mapping = sheet_mapping(**{"business.sector": "legal_finance", "business.local": True})
    texts = items(advisor, mapping)
    assert "answer reviews" in texts["google_listing"]  # the advice every local business gets
    assert "professional secrecy" in texts["review_sites"] and "Never confirm" in texts["review_sites"]
    fr = items(advisor, mapping, "fr")
    assert "secret professionnel" in fr["review_sites"]
    assert "commerce" not in fr["google_listing"]  # a law firm is no shop
    # a shop is told to answer reviews, with no word of secrecy
    shop = items(advisor, sheet_mapping(**{"business.sector": "retail", "business.local": True}))
    assert "secrecy" not in " ".join(shop.values())


def test_the_sector_is_named_in_words_in_the_reader_s_language(advisor: Advisor) -> None:
    mapping = sheet_mapping(**{"business.sector": "trades", "profiles.planned": ["facebook", "tiktok"]})
    assert "building and repair trades" in items(advisor, mapping)["network_misfit"]
    assert "artisans du bâtiment" in items(advisor, mapping, "fr")["network_misfit"]
    report = build_report(advisor.run_mapping(mapping), "fr")
    [step] = [s for s in report.steps if s.rule == "trades-found-on-google"]
    assert [(p.value, p.shown) for p in step.premises] == [("trades", "artisans du bâtiment et de la réparation")]
