"""Generated hostile texts: whatever a rule file's `because` holds, loading the rule base and
writing a report end in a report or a clean advise error, within the bounds, and nothing
outside the sandbox ever runs."""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path

import jinja2
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from advise.advisor import Advisor
from advise.errors import AdviseError
from advise.explain.report import build_report
from advise.sandbox import RULE_TEXT_LIMITS, BoundedEnvironment
from advise.sheet.facts import fact_sheet_from_mapping

ROOT = Path(__file__).resolve().parents[2]
MARKER = Path(tempfile.gettempdir()) / "advise-hostile-text-marker"
ESCAPES = [
    "cycler.__init__.__globals__.os.popen('touch %s')" % MARKER,
    "''.__class__.__mro__[1].__subclasses__()", "self._TemplateReference__context", "namespace.__init__",
    "range.__self__", "loop.__class__", "resources.__class__", "(resources|attr('__class__'))",
    "'{0.__class__}'.format(1)", "lipsum", "joiner()", "dict(a=1)", "config", "request",
]
PIECES = [
    "{{ ", " }}", "{% ", " %}", "{% for i in range(10**9) %}", "{% for x in ", "{% endfor %}",
    "{% macro f(n) %}", "{% endmacro %}", "{{ f(n + 1) }}", "{{ f(0) }}", "{% if ", "{% endif %}", "{% else %}",
    "{% set ns = namespace(s='xx') %}", "{% set ns.s = ns.s ~ ns.s %}", "'x' * 10**9", "10**10**10",
    "[1] * 10**8", "'%999999999d' | format(1)", "| center(10**9)", "| join", "| list", "| length",
    "| hours", "| euros", "| platforms", "resources.weekly_hours", "profiles.planned", "thresholds",
    "max_profiles", "lang", "loop.index", "1/0", "'a' - 1", "(", ")", "[", "]", ".", "|", "~", "*", "**",
    "%", "'", '"', "x", "1", "0", "-1", "\n", " ", "{#", "#}", "{% raw %}", "{% include 'x' %}",
    "{% import 'x' as y %}", "{% extends 'x' %}", "{% call f(1) %}{% endcall %}", "{{ caller() }}",
    *ESCAPES, *("{{ %s }}" % escape for escape in ESCAPES),
]
texts = st.lists(st.sampled_from(PIECES), min_size=1, max_size=12).map("".join) | st.text(max_size=40)
ENVIRONMENT = BoundedEnvironment(limits=RULE_TEXT_LIMITS, undefined=jinja2.StrictUndefined,
                                 filters={"hours": str, "euros": str, "platforms": str})
CONTEXT = {"resources": {"weekly_hours": 4, "monthly_budget": 100}, "profiles": {"planned": ["instagram"]},
           "max_profiles": 2, "thresholds": {"visuals_budget": 50}, "lang": "en"}


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts)
def test_any_text_renders_or_fails_cleanly_within_the_bounds(text: str) -> None:
    # CPU time: the bound is on the work a text can make, not on how busy the machine is
    started = time.process_time()
    try:
        ENVIRONMENT.render(ENVIRONMENT.from_string(text), CONTEXT)
    except jinja2.TemplateError:
        pass
    assert time.process_time() - started < 1.0
    assert not MARKER.exists()


@pytest.fixture(scope="module")
def rules_copy() -> Path:
    folder = Path(tempfile.mkdtemp(prefix="advise-hostile-texts-"))
    shutil.copytree(ROOT / "rules", folder / "rules")
    yield folder / "rules"
    shutil.rmtree(folder, ignore_errors=True)


SHEET = {
    "business": {"name": "Shop", "size": "tpe", "audience": "b2c", "local": True},
    "resources": {"weekly_hours": 4, "monthly_budget": 100},
    "objectives": ["visibility"],
    "profiles": {"planned": ["instagram"]},
}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(texts)
def test_a_rule_base_with_any_text_loads_and_reports_or_fails_cleanly(rules_copy: Path, text: str) -> None:
    path = rules_copy / "30-objectives.yaml"
    original = (ROOT / "rules" / "30-objectives.yaml").read_text(encoding="utf-8")
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    path.write_text(original.replace('en: "Visibility is your only objective.',
                                     f'en: "{escaped} Visibility is your only objective.', 1), encoding="utf-8")
    try:
        advisor = Advisor(rules_copy)
    except AdviseError as error:
        assert error.exit_code == 2
        return
    result = advisor.run(fact_sheet_from_mapping(SHEET))
    started = time.process_time()
    try:
        build_report(result, "en")
    except AdviseError as error:
        assert error.rule == "visibility-only"
    assert time.process_time() - started < 1.0
    assert not MARKER.exists()
