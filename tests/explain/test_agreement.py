"""Every text of the rule base, rendered with none, one and several items in its lists, in
both languages: no "(s)", and the words agree with the numbers and the lists.

Each example sheet is run again with its planned and open profiles and its objectives cut
to none, one and several items (and with more and fewer hours): the engine decides which
rules fire, and every text that fired is read for the slips a reader would see.
"""

from __future__ import annotations

import itertools
import re
from typing import Any

import pytest

from advise.advisor import Advisor
from advise.explain.because import because_for, fact_context
from advise.explain.report import build_report
from advise.sheet.facts import fact_sheet_from_mapping, load_fact_sheet
from advise.sheet.yamlload import load_yaml
from advise.errors import FactSheetError

from conftest import EXAMPLES, ROOT

SHEETS = sorted(EXAMPLES.glob("*.yaml"))
NETWORKS = ["instagram", "facebook", "linkedin"]
OBJECTIVES = [[], ["visibility"], ["visibility", "community", "sales"]]
HOURS = [0, 2, 12]

# Slips a reader would see; each pattern names what is wrong.
BAD = {
    "both": [
        (r"\(s\)", "a plural written '(s)'"),
        (r"(?<![\d,.])1[\s\u00a0](profils|profiles|réseaux|networks|points)\b", "1 with a plural noun"),
        (r"\b(?:[2-9]|\d\d+)[\s\u00a0](profil|profile|réseau|network|point)\b(?!s)", "a plural number, a singular noun"),
    ],
    "fr": [
        (r"\baucun des 1\b", "'aucun des 1'"),
        (r"\bdes 1 ", "'des 1'"),
        (r"Faire vivre aucun", "'faire vivre aucun'"),
        (r" et [^.:;]* ne sera pas animé\b", "a list with a singular verb"),
        (r"\b1 des \d+ profils prévus ne tiennent\b", "'1 ... ne tiennent'"),
    ],
    "en": [
        (r"\bany of the 1\b", "'any of the 1'"),
        (r"\bof the 1\b", "'of the 1'"),
        (r"Keeping none\b", "'keeping none'"),
        (r"\b1 of the \d+ planned profiles do\b", "'1 ... do'"),
    ],
}


def sheet_variants(path: Any) -> list[Any]:
    data, _ = load_yaml(path, error=FactSheetError)
    variants = []
    for (planned, existing), (objectives, hours) in itertools.product(
            itertools.product((0, 1, 3), (0, 1, 3)), zip(OBJECTIVES, HOURS)):
        mapping = {**data, "objectives": objectives,
                   "resources": {**data["resources"], "weekly_hours": hours},
                   "profiles": {"planned": NETWORKS[:planned], "existing": NETWORKS[::-1][:existing]}}
        variants.append(fact_sheet_from_mapping(mapping))
    return variants


@pytest.fixture(scope="module")
def rendered() -> list[tuple[str, str, str]]:
    """(rule id, lang, text) for every rule that fired on a variant of an example."""
    advisor = Advisor()
    texts = set()
    for path in SHEETS:
        for sheet in sheet_variants(path):
            result = advisor.run(sheet)
            for lang in ("en", "fr"):
                report = build_report(result, lang)
                texts.update((step.rule, lang, step.because) for step in report.steps)
    return sorted(texts)


def test_every_fired_rule_is_rendered(rendered: list[tuple[str, str, str]]) -> None:
    assert len({rule for rule, _, _ in rendered}) >= 30


def test_no_slip_in_any_text(rendered: list[tuple[str, str, str]]) -> None:
    slips = []
    for rule, lang, text in rendered:
        for pattern, what in BAD["both"] + BAD[lang]:
            if re.search(pattern, text):
                slips.append(f"{rule} ({lang}): {what}: {text[:160]}")
    assert not slips, "\n".join(sorted(set(slips)))


def test_no_plural_in_parentheses_in_any_shipped_text() -> None:
    for path in sorted((ROOT / "rules").rglob("*.yaml")) + sorted((ROOT / "explanations").glob("*")):
        if path.is_file():
            assert "(s)" not in path.read_text(encoding="utf-8").replace("(s) ", "").replace("(s)\n", "") \
                or path.suffix == ".css", path


def _one(rule_id: str, lang: str, **facts: Any) -> str:
    advisor = Advisor()
    result = advisor.run(load_fact_sheet(EXAMPLES / "fleuriste.yaml"))
    context = fact_context(result.trace.facts, result.rulebook)
    for name, value in facts.items():
        node = context
        parts = name.split(".")
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    return because_for(result.rulebook, lang).bound(context)(result.rulebook.rule(rule_id))


@pytest.mark.parametrize("lang, closed, expected", [
    ("fr", ["facebook"], ["Fermez Facebook : il ne convient", "ne sera pas animé.", "fermez-le."]),
    ("fr", ["facebook", "x"], ["Fermez Facebook et X (Twitter) : ils ne conviennent", "ne seront pas animés.",
                               "fermez-les."]),
    ("en", ["facebook"], ["Close Facebook: it fits", "then close it."]),
    ("en", ["facebook", "x"], ["Close Facebook and X (Twitter): they fit", "then close them."]),
])
def test_profiles_to_close_agree_with_their_number(lang: str, closed: list[str], expected: list[str]) -> None:
    text = _one("close-existing", lang, existing_closed=closed)
    for part in expected:
        assert part in plain(text)


@pytest.mark.parametrize("lang, considered, beyond, expected", [
    ("fr", ["facebook", "instagram"], 1, "1 des 2 profils ne tient pas dans ce temps."),
    ("fr", ["facebook", "instagram", "x"], 2, "2 des 3 profils ne tiennent pas dans ce temps."),
    ("fr", ["facebook"], 1, "le profil ne tient pas dans ce temps."),
    ("fr", ["facebook", "instagram"], 2, "aucun des 2 profils ne tient dans ce temps."),
    ("en", ["facebook", "instagram"], 1, "1 of the 2 profiles does not fit in that time."),
    ("en", ["facebook", "instagram", "x"], 2, "2 of the 3 profiles do not fit in that time."),
    ("en", ["facebook"], 1, "the profile does not fit in that time."),
])
def test_profiles_beyond_time_agree(lang: str, considered: list[str], beyond: int, expected: str) -> None:
    text = _one("time-gap", lang, profiles_considered=considered, profiles_beyond_time=beyond)
    assert plain(text).endswith(expected)


@pytest.mark.parametrize("lang, count, expected", [
    ("fr", 0, "votre temps ne permet de faire vivre aucun de ces profils,"),
    ("fr", 1, "votre temps permet de faire vivre au plus 1 profil parmi ceux-ci,"),
    ("fr", 2, "votre temps permet de faire vivre au plus 2 profils parmi ceux-ci,"),
    ("en", 1, "your time keeps at most 1 profile of these alive,"),
    ("en", 2, "your time keeps at most 2 profiles of these alive,"),
])
def test_profiles_the_time_allows_agree(lang: str, count: int, expected: str) -> None:
    text = _one("profiles-time-allows", lang, max_profiles=count)
    assert expected in plain(text)


def test_nothing_to_keep_alive_still_names_a_network() -> None:
    fr = _one("time-needed-for-proposals", "fr", profiles_to_animate=[], weekly_hours_needed=1.5,
              candidate_platforms=["facebook"])
    en = _one("time-needed-for-proposals", "en", profiles_to_animate=[], weekly_hours_needed=1.5,
              candidate_platforms=["facebook"])
    assert plain(fr).startswith("Faire vivre ne serait-ce que Facebook, le réseau le plus adapté, demande")
    assert plain(en).startswith("Keeping even Facebook, the network that fits best, alive takes")


def plain(text: str) -> str:
    return text.replace("\u00a0", " ").replace("\u202f", " ")
