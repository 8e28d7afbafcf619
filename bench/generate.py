"""Generated inputs for the benchmarks: fact sheets, and rule bases of any size.

Used by bench/run.py and by tests/test_scale.py-like checks; plain functions, no timing.
"""

from __future__ import annotations

import random
import shutil
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
RULES = ROOT / "rules"

PLATFORMS = ("facebook", "instagram", "x", "linkedin", "tiktok", "youtube", "pinterest")
OBJECTIVES = ("visibility", "community", "customer_service", "sales", "recruitment", "reputation")


def sheet(rng: random.Random, index: int) -> dict[str, Any]:
    """A valid, varied fact sheet."""
    return {
        "version": 1,
        "lang": rng.choice(["fr", "en"]),
        "business": {
            "name": f"Entreprise {index:05d}",
            "size": rng.choice(["tpe", "tpe", "pme", "large"]),
            "audience": rng.choice(["b2c", "b2b", "both"]),
            "local": rng.random() < 0.5,
            "ecommerce": rng.random() < 0.3,
            "visual_products": rng.random() < 0.5,
        },
        "resources": {
            "weekly_hours": rng.choice([0, 0.5, 1, 1.5, 2, 3, 4, 5, 6, 8, 10, 15, 20]),
            "monthly_budget": rng.choice([0, 0, 20, 50, 100, 200, 500, 1500]),
            "graphic_skills": rng.random() < 0.4,
        },
        "objectives": rng.sample(OBJECTIVES, rng.randint(0, 3)),
        "content": {
            "editorial_ideas": rng.random() < 0.6,
            "can_reply_within_a_day": rng.random() < 0.6,
            "contests_planned": rng.random() < 0.3,
            "audience_participation": rng.random() < 0.5,
        },
        "profiles": {
            "planned": rng.sample(PLATFORMS, rng.randint(0, 4)),
            "existing": rng.sample(PLATFORMS, rng.randint(0, 2)),
        },
    }


def write_sheets(folder: Path, count: int, seed: int = 1) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    paths = []
    for index in range(count):
        path = folder / f"sheet-{index:05d}.yaml"
        path.write_text(yaml.safe_dump(sheet(rng, index), allow_unicode=True, sort_keys=False), encoding="utf-8")
        paths.append(path)
    return paths


# ---------------------------------------------------------------- rule bases

_NUMBER_TESTS = {
    "resources.weekly_hours": [0.5, 1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20],
    "resources.monthly_budget": [10, 20, 50, 100, 150, 200, 300, 500, 1000],
}
_BOOLS = ("business.local", "business.ecommerce", "business.visual_products", "resources.graphic_skills",
          "content.editorial_ideas", "content.can_reply_within_a_day", "content.contests_planned",
          "content.audience_participation")
_CHOICES = {"business.size": ["tpe", "pme", "large"], "business.audience": ["b2c", "b2b", "both"]}
LEVELS = 4  # generated rules form chains this deep (strata of their own)
FLAGS_PER_LEVEL = 12


def _condition(rng: random.Random) -> dict[str, Any]:
    kind = rng.random()
    if kind < 0.35:
        name = rng.choice(list(_NUMBER_TESTS))
        return {name: {rng.choice(["lt", "ge", "gt", "le"]): rng.choice(_NUMBER_TESTS[name])}}
    if kind < 0.65:
        return {rng.choice(_BOOLS): rng.random() < 0.5}
    if kind < 0.8:
        name = rng.choice(list(_CHOICES))
        return {name: rng.choice(_CHOICES[name])}
    if kind < 0.9:
        return {"objectives": {"contains": rng.choice(OBJECTIVES)}}
    return {"profiles.planned": {rng.choice(["contains", "empty"]): rng.choice(PLATFORMS) if rng.random() < 0.7
                                 else rng.random() < 0.5}}


def _fix(condition: dict[str, Any]) -> dict[str, Any]:
    (name, test), = condition.items()
    if isinstance(test, dict) and "empty" in test and not isinstance(test["empty"], bool):
        return {name: {"contains": test["empty"]}}
    if isinstance(test, dict) and "contains" in test and isinstance(test["contains"], bool):
        return {name: {"empty": test["contains"]}}
    return condition


def rule_base(target: Path, size: int, seed: int = 7) -> Path:
    """The shipped rule base plus generated rules, `size` rules in all (at least the shipped ones).

    Generated rules test the sheet's facts with varied constants, and flags that other
    generated rules conclude (chains LEVELS deep); they conclude their own flags and add fit
    points. They never conflict: flags are only ever set to true.
    """
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(RULES, target, ignore=shutil.ignore_patterns("*.cases.yaml"))
    shipped = sum(len(yaml.safe_load(path.read_text(encoding="utf-8")).get("rules", []))
                  for path in target.glob("*.yaml") if path.name != "vocabulary.yaml")
    extra = max(0, size - shipped)
    vocabulary_path = target / "vocabulary.yaml"
    vocabulary = vocabulary_path.read_text(encoding="utf-8")
    declared = "".join(
        f"  gen_l{level}_{index}:\n    type: bool\n    default: false\n    label: {{en: generated flag {level}.{index}, fr: drapeau {level}.{index}}}\n"
        for level in range(LEVELS) for index in range(FLAGS_PER_LEVEL))
    assert "\nfacts:\n" in vocabulary
    vocabulary_path.write_text(vocabulary.replace("\nfacts:\n", "\nfacts:\n" + declared, 1), encoding="utf-8")
    rng = random.Random(seed)
    rules = []
    for number in range(extra):
        level = number % LEVELS
        when = [_fix(_condition(rng)) for _ in range(rng.randint(1, 3))]
        if level:
            when.append({f"gen_l{level - 1}_{rng.randrange(FLAGS_PER_LEVEL)}": True})
        then: dict[str, Any] = {"set": {f"gen_l{level}_{rng.randrange(FLAGS_PER_LEVEL)}": True}}
        if rng.random() < 0.3:
            then["add"] = {f"fit.{rng.choice(PLATFORMS)}": rng.choice([1, 2])}
            if level:  # fit is read by the shipped platform rules: keep the chains below them
                del then["add"]
        rules.append({
            "id": f"gen-{number:05d}",
            "title": {"en": f"Generated rule {number}", "fr": f"Règle générée {number}"},
            "when": when,
            "then": then,
            "because": {"en": "Generated for the benchmark.", "fr": "Générée pour le banc d'essai."},
            "source": "bench/generate.py",
        })
    per_file = 250
    for start in range(0, len(rules), per_file):
        chunk = rules[start:start + per_file]
        (target / f"95-generated-{start // per_file:03d}.yaml").write_text(
            yaml.safe_dump({"theme": "platforms", "rules": chunk}, allow_unicode=True, sort_keys=False),
            encoding="utf-8")
    return target
