"""The JSON text durable registers, written once and kept with a cached rule base
(advise.engine.durable.registration_text): an Engine handed it registers exactly what it
would have written, and behaves as one that wrote it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import durable.engine as durable_engine
import pytest

import advise.engine.durable as engine_module
from advise.advisor import Advisor
from advise.engine.durable import Engine, registration_text
from advise.engine.durable_json import to_json
from advise.errors import EngineError
from advise.sheet.facts import load_fact_sheet

from conftest import ROOT

CATCH_ALL = {"all": [{"m": {"t": "fact"}}], "pri": 9999, "run": "$ignore"}
# Numbers durable must be given in its own form (edge 15), strings with quotes and accents.
ODD: dict[str, dict] = {"odd": {
    "tiny": {"all": [{"m": {"$and": [{"t": "fact"}, {"$lt": {"value": 1e-05}}]}}], "run": "tiny"},
    "huge": {"all": [{"m": {"$and": [{"t": "fact"}, {"$gt": {"value": 123456789012345678901}}]}}], "run": "huge"},
    "named": {"all": [{"m": {"$and": [{"t": "fact"}, {"name": 'l\'"été" \\ ok'}]}}], "pri": 3, "run": "named"},
    "$catch-all": CATCH_ALL,
}}


def registered(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The texts durable's C engine is given to create rulesets, from now on."""
    texts: list[str] = []
    create = durable_engine.durable_rules_engine.create_ruleset

    def spy(name: str, text: str) -> Any:
        texts.append(text)
        return create(name, text)

    monkeypatch.setattr(durable_engine.durable_rules_engine, "create_ruleset", spy)
    return texts


def fired(engine: Engine, *values: Any) -> list[str]:
    with engine.session() as session:
        return [activation.rule for activation in session.assert_facts(
            [{"id": f"f{index}", "t": "fact", "value": value, "name": 'l\'"été" \\ ok'}
             for index, value in enumerate(values)])]


def test_an_engine_given_the_text_registers_the_text_it_would_have_written(monkeypatch: pytest.MonkeyPatch) -> None:
    texts = registered(monkeypatch)
    written = Engine(ODD)
    given = Engine(ODD, text=registration_text(ODD))
    assert len(texts) == 2 and texts[1] == texts[0] == registration_text(ODD)
    assert "1.0e-05" in texts[0]  # edge 15: the number in durable's form
    for values in ([0.0], [1e30], [5], [123456789012345678902, 1e-06]):
        assert fired(given, *values) == fired(written, *values)


def test_the_text_serves_that_registration_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    """Anything else durable is given (the facts asserted) is written afresh, and a failed
    registration is an engine error that leaves the next one as it was."""
    given = Engine(ODD, text=registration_text(ODD))
    assert to_json([{"value": 1e-05}]) == '[{"value": 1.0e-05}]'
    texts = registered(monkeypatch)
    create = durable_engine.durable_rules_engine.create_ruleset
    monkeypatch.setattr(durable_engine.durable_rules_engine, "create_ruleset",
                        lambda name, text: (_ for _ in ()).throw(RuntimeError("refused")))
    with pytest.raises(EngineError) as caught:
        Engine(ODD, text=registration_text(ODD), check=False)
    assert caught.value.problems[0].message("en") == "the rule engine failed: refused"
    monkeypatch.setattr(durable_engine.durable_rules_engine, "create_ruleset", create)
    written = Engine(ODD)
    assert texts == [registration_text(ODD)] and fired(written, 1e-06, 5) == fired(given, 1e-06, 5)


def test_advise_runs_durables_c_engine_without_its_python_layer(tmp_path: Path) -> None:
    """One `advise facts.yaml`, hints included, never imports durable.engine (nor, through it,
    Python's logging): registration and firings go to durable's C engine at once."""
    cache = tmp_path / "cache"
    cache.mkdir(mode=0o700)
    probe = ("import sys, advise.cli.main as cli\n"
             "try:\n    cli.main([sys.argv[1]], standalone_mode=False)\nexcept SystemExit:\n    pass\n"
             "print(sorted(name for name in sys.modules if name.split('.')[0] in ('durable', 'logging')))\n"
             "print('durable_rules_engine' in sys.modules)\n")
    for _ in range(2):  # the rule base built, then read from the cache
        done = subprocess.run([sys.executable, "-c", probe, str(ROOT / "examples" / "fleuriste.yaml")],
                              capture_output=True, text=True, check=True,
                              env={**os.environ, "ADVISE_CACHE_DIR": str(cache)})
        assert done.stdout.splitlines()[-2:] == ["[]", "True"]


def test_a_cached_rule_base_registers_the_kept_text_without_writing_it(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "cache"
    folder.mkdir(mode=0o700)
    monkeypatch.setenv("ADVISE_CACHE_DIR", str(folder))
    monkeypatch.delenv("ADVISE_NO_CACHE", raising=False)
    texts = registered(monkeypatch)
    fresh = Advisor()  # no cache: written by durable's registration
    Advisor(cache=True)  # stores the rule base with its text
    written: list[Any] = []
    to_json = engine_module._to_json
    monkeypatch.setattr(engine_module, "_to_json", lambda value: written.append(value) or to_json(value))
    cached = Advisor(cache=True)
    assert texts[0] == texts[1] == texts[2]
    assert written == []  # nothing written for the registration
    sheet = load_fact_sheet(ROOT / "examples" / "fleuriste.yaml")
    assert cached.run(sheet).trace == fresh.run(sheet).trace
