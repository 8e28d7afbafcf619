"""Same input, same bytes: whatever the order of the sheet's keys, of order-free list items,
of the rule files on disk, or Python's hash seed.

Order that carries meaning is kept: `objectives` are "in the order of intent" (advise.sheet.facts)
and `profiles.planned` is the owner's order (it breaks ties between platforms that fit
equally well), so reports may echo them as given.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

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


def _copy_rules(target: Path, order: list[Path]) -> Path:
    """A copy of rules/ whose files are created in the given order."""
    target.mkdir()
    for source in order:
        destination = target / source.relative_to(RULES)
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(source, destination)
    return target


def test_rule_files_in_any_order_give_the_same_reports(tmp_path: Path) -> None:
    files = sorted(path for path in RULES.rglob("*") if path.is_file())
    forward = _copy_rules(tmp_path / "forward", files)
    backward = _copy_rules(tmp_path / "backward", list(reversed(files)))
    scrambled = list(files)
    random.Random(7).shuffle(scrambled)
    shuffled_copy = _copy_rules(tmp_path / "shuffled", scrambled)
    renderer = Renderer(default_templates_dir())
    outputs: list[list[str]] = []
    definitions = []
    for folder in (forward, backward, shuffled_copy):
        engine = Advisor(folder)
        definitions.append(json.dumps(engine.program.definition, sort_keys=False))
        texts = []
        for mapping in example_mappings():
            for lang in ("en", "fr"):
                report = build_report(engine.run(fact_sheet_from_mapping(mapping)), lang)
                texts += [renderer.render(report, "text"), renderer.render(report, "json")]
        outputs.append(texts)
    assert definitions[0] == definitions[1] == definitions[2]
    assert outputs[0] == outputs[1] == outputs[2]


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
