"""One `advise facts.yaml` is one process: it loads only what the chosen command and format
need. The web app, the workbench, spreadsheets and the rule files' reader stay unloaded
for a plain report once the rule base is in the cache; each command family loads its own."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import EXAMPLES

_PROBE = """
import json, sys
from advise.cli.main import main
try:
    main(sys.argv[2:], prog_name="advise")
except SystemExit as stop:
    code = stop.code
with open(sys.argv[1], "w") as handle:
    json.dump({"code": code, "modules": sorted(sys.modules)}, handle)
"""

# Never needed for a report on the command line (nor dataclasses: advise's records cost
# nothing to define, a dataclass half a millisecond).
NEVER_FOR_A_REPORT = ("flask", "werkzeug", "waitress", "openpyxl", "jsonschema", "babel.messages", "difflib",
                      "dataclasses",
                      "advise.web", "advise.workbench", "advise.batch", "advise.batch_summary", "advise.cli.batch",
                      "advise.cli.serve", "advise.cli.workbench")
# Needed only to read and compile the rule files, which the cache spares a run that follows
# another; and babel.dates (with the time zones), which only Babel's own locale files need.
ONLY_WITHOUT_THE_CACHE = ("advise.engine.durable_limits", "advise.rulebase.loading", "advise.rulebase.reader",
                          "babel.dates")


def loaded(tmp_path: Path, cache: Path, *args: str) -> set[str]:
    out = tmp_path / "modules.json"
    env = {**os.environ, "ADVISE_CACHE_DIR": str(cache)}
    env.pop("ADVISE_NO_CACHE", None)
    done = subprocess.run([sys.executable, "-c", _PROBE, str(out), *args], capture_output=True, text=True, env=env,
                          timeout=120)
    found = json.loads(out.read_text())
    assert found["code"] in (0, None), done.stderr
    return set(found["modules"])


def under(modules: set[str], names: tuple[str, ...]) -> list[str]:
    return sorted(module for module in modules if any(module == name or module.startswith(name + ".")
                                                      for name in names))


@pytest.fixture
def cache(tmp_path: Path) -> Path:
    folder = tmp_path / "cache"
    folder.mkdir(mode=0o700)
    return folder


@pytest.mark.parametrize("args", [[], ["--no-hints"], ["--format", "json"], ["--format", "html"],
                                  ["--format", "markdown", "--lang", "fr"]],
                         ids=["text", "no-hints", "json", "html", "markdown"])
def test_a_report_loads_no_web_app_workbench_or_spreadsheet(tmp_path: Path, cache: Path, args: list[str]) -> None:
    sheet = str(EXAMPLES / "fleuriste.yaml")
    first = loaded(tmp_path, cache, sheet, *args)  # fills the cache
    assert under(first, NEVER_FOR_A_REPORT) == []
    again = loaded(tmp_path, cache, sheet, *args)
    assert under(again, NEVER_FOR_A_REPORT) == []
    assert under(again, ONLY_WITHOUT_THE_CACHE) == []
    assert ("advise.render.json_report" in again) == ("json" in args)  # the JSON writer: for JSON alone


def test_without_the_cache_the_rule_files_are_read(tmp_path: Path, cache: Path) -> None:
    cache.chmod(0o777)  # a folder others may write: never used
    modules = loaded(tmp_path, cache, str(EXAMPLES / "fleuriste.yaml"), "--no-hints")
    assert under(modules, ONLY_WITHOUT_THE_CACHE) == list(ONLY_WITHOUT_THE_CACHE)


def test_the_version_loads_no_rule_engine(tmp_path: Path, cache: Path) -> None:
    modules = loaded(tmp_path, cache, "--version")
    assert under(modules, ("durable", "jinja2", "babel", "advise.engine", "advise.explain",
                            "advise.render.renderer")) == []


def test_batch_loads_its_command_and_not_the_web_app(tmp_path: Path, cache: Path) -> None:
    modules = loaded(tmp_path, cache, "batch", str(EXAMPLES / "fleuriste.yaml"), "-o", str(tmp_path / "out"))
    assert "advise.batch" in modules
    assert under(modules, ("flask", "werkzeug", "waitress", "advise.web", "advise.workbench")) == []


_PATTERNS_PROBE = """
import json, sys
from advise.cli.main import main
try:
    main(sys.argv[2:], prog_name="advise")
except SystemExit:
    pass
import advise.rulebase.model as model, advise.sheet.consultant as consultant, advise.sheet.facts as facts
found = {"rule_id": "RULE_ID" in vars(model), "name": "NAME" in vars(model),
         "control": consultant._control.cache_info().currsize, "plain_word": facts._plain_word.cache_info().currsize}
from advise.rulebase.model import NAME, RULE_ID
found["asked"] = [bool(RULE_ID.match("time-shortfall")), not RULE_ID.match("Time"), bool(NAME.match("weekly_hours")),
                  "RULE_ID" in vars(model)]
with open(sys.argv[1], "w") as handle:
    json.dump(found, handle)
"""


def test_a_report_compiles_no_expression_only_rule_files_and_profiles_need(tmp_path: Path, cache: Path) -> None:
    """RULE_ID and NAME (advise.rulebase.model), the consultant profile's and the open choices'
    expressions are compiled when first used: not by a report on a cached rule base."""
    out = tmp_path / "patterns.json"
    env = {**os.environ, "ADVISE_CACHE_DIR": str(cache)}
    env.pop("ADVISE_NO_CACHE", None)
    for _ in range(2):  # the first fills the cache
        done = subprocess.run([sys.executable, "-c", _PATTERNS_PROBE, str(out), str(EXAMPLES / "fleuriste.yaml")],
                              capture_output=True, text=True, env=env, timeout=120)
        assert done.returncode == 0, done.stderr
    found = json.loads(out.read_text())
    assert found == {"rule_id": False, "name": False, "control": 0, "plain_word": 0, "asked": [True, True, True, True]}
