"""Same input, same bytes: whatever the order of the sheet's keys, of order-free list items,
of the rule files in a folder listing, or Python's hash seed.

Order that carries meaning is kept: `objectives` are "in the order of intent" (advise.sheet.facts)
and `profiles.planned` is the owner's order (it breaks ties between platforms that fit
equally well), so reports may echo them as given.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from advise.advisor import Advisor, default_templates_dir
from advise.explain.report import build_report
from advise.sheet.facts import fact_sheet_from_mapping
from advise.render.renderer import Renderer

ROOT = Path(__file__).resolve().parents[1]
RULES = ROOT / "rules"
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
FORMATS = ("text", "markdown", "json")

_STATE: dict[str, Any] = {}


def advisor() -> tuple[Advisor, Renderer]:
    if "advisor" not in _STATE:
        _STATE["advisor"] = (Advisor(RULES), Renderer(default_templates_dir()))
    return _STATE["advisor"]


def reports(mapping: dict[str, Any], lang: str = "en") -> dict[str, str]:
    engine, renderer = advisor()
    result = engine.run(fact_sheet_from_mapping(mapping))
    report = build_report(result, lang)
    return {fmt: renderer.render(report, fmt) for fmt in FORMATS if _has_template(renderer, fmt)}


def _has_template(renderer: Renderer, fmt: str) -> bool:
    from advise.render.renderer import TEMPLATE_FOR

    return fmt == "json" or (renderer.directory / TEMPLATE_FOR[fmt]).is_file()


def example_mappings() -> list[dict[str, Any]]:
    return [yaml.safe_load(path.read_text(encoding="utf-8")) for path in EXAMPLES]


def shuffled(value: Any, rng: random.Random) -> Any:
    """The same data with the keys of every mapping in another order (lists untouched)."""
    if isinstance(value, dict):
        keys = list(value)
        rng.shuffle(keys)
        return {key: shuffled(value[key], rng) for key in keys}
    if isinstance(value, list):
        return [shuffled(item, rng) for item in value]
    return value


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(index=st.integers(min_value=0, max_value=len(EXAMPLES) - 1), seed=st.integers(), lang=st.sampled_from(["en", "fr"]))
def test_key_order_does_not_change_the_report(index: int, seed: int, lang: str) -> None:
    mapping = example_mappings()[index]
    assert reports(shuffled(mapping, random.Random(seed)), lang) == reports(mapping, lang)


def test_key_order_in_the_yaml_file_does_not_change_the_json(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from advise.cli.main import main

    for path in EXAMPLES:
        mapping = yaml.safe_load(path.read_text(encoding="utf-8"))
        outputs = set()
        for seed in range(3):
            sheet = tmp_path / f"{path.stem}-{seed}.yaml"
            sheet.write_text(yaml.safe_dump(shuffled(mapping, random.Random(seed)), sort_keys=False,
                                            allow_unicode=True), encoding="utf-8")
            result = CliRunner().invoke(main, [str(sheet), "--format", "json"])
            assert result.exit_code == 0, result.output
            data = json.loads(result.output)
            data.pop("sheet", None)  # the file name, if the report carries it
            outputs.add(json.dumps(data, sort_keys=True))
        assert len(outputs) == 1, path.name


def test_order_of_open_profiles_does_not_change_the_report() -> None:
    mapping = {
        "business": {"name": "Shop", "size": "tpe", "audience": "b2c", "local": True},
        "resources": {"weekly_hours": 5, "monthly_budget": 50},
        "objectives": ["community", "sales"],
        "profiles": {"planned": ["facebook"], "existing": ["x", "tiktok", "youtube"]},
    }
    reordered = dict(mapping, profiles={"planned": ["facebook"], "existing": ["youtube", "x", "tiktok"]})
    assert reports(reordered) == reports(mapping)


def test_the_order_the_disk_lists_rule_files_in_changes_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    """The file system decides the order of a folder listing: reversing it (and shuffling it)
    must give the same compiled rule base and the same reports, byte for byte."""
    monkeypatch.setenv("ADVISE_NO_CACHE", "1")  # a cached rule base would hide the order
    listing = Path.rglob
    renderer = Renderer(default_templates_dir())
    seen: list[list[str]] = []

    def build(order: Any) -> tuple[str, list[str]]:
        def listed(self: Path, pattern: str, *args: Any, **kwargs: Any) -> Any:
            found = order(list(listing(self, pattern, *args, **kwargs)))
            seen.append([path.name for path in found])
            return iter(found)

        with monkeypatch.context() as patch:
            patch.setattr(Path, "rglob", listed)
            engine = Advisor(RULES)
        texts = []
        for mapping in example_mappings()[:6]:
            report = build_report(engine.run(fact_sheet_from_mapping(mapping)), "en")
            texts += [renderer.render(report, "text"), renderer.render(report, "json")]
        return json.dumps(engine.program.definition, sort_keys=False), texts

    forward = build(sorted)
    backward = build(lambda paths: sorted(paths, reverse=True))
    scrambled = build(lambda paths: random.Random(11).sample(sorted(paths), len(paths)))
    assert len(seen) >= 3 and seen[0] != seen[1] and len(seen[0]) > 5, "the listing was not reordered"
    assert forward[0] == backward[0] == scrambled[0]
    assert forward[1] == backward[1] == scrambled[1]


def test_hash_seed_does_not_change_the_bytes(tmp_path: Path) -> None:
    results = set()
    for seed in ("0", "1", "4242"):
        env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
        env.update(PYTHONHASHSEED=seed, PYTHONPATH=str(ROOT / "src"))
        outputs = []
        for fmt in ("text", "json"):
            run = subprocess.run([sys.executable, "-m", "advise", str(EXAMPLES[0]), "--format", fmt],
                                 capture_output=True, env=env, cwd=tmp_path, timeout=60)
            assert run.returncode == 0, run.stderr
            outputs.append(run.stdout)
        results.add(tuple(outputs))
    assert len(results) == 1
