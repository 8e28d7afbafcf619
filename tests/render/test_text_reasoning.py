"""The reasoning of the text report (explanations/_text.j2), laid out in Python
(advise.render.text_reasoning) or by the macros `step_in_jinja` and `premises_in_jinja`,
where a consultant starts to lay it out otherwise. The premises are the lines the former
macro gave: every kind of premise, with and without a line in the sheet, stated or not, with
none, one or several steps, for the owner and the consultant, in both languages. Whole
reports are the same either way, and a template that misuses the Python layout gets an error
that names it."""

from __future__ import annotations

import itertools
import shutil
from pathlib import Path
from typing import Iterator

import pytest

from advise.advisor import Advisor
from advise.errors import RuleBookError
from advise.explain.model import Premise, Report, TableValue
from advise.explain.report import build_report
from advise.explain.whatif import what_if
from advise.render import text_reasoning
from advise.render.renderer import Renderer
from advise.sheet.facts import load_fact_sheet

from conftest import EXAMPLES, ROOT, RuleBase, bench_generate, rule

# The macro as it was before (main at b1adc33): the reference the new one must match.
_OLD_PREMISES = """\
{%- set width = 88 -%}
{%- set bullet = text_layout(width, lang).bullet -%}
{%- macro steps_ref(numbers) -%}
{{ t("step_one" if numbers | length == 1 else "step_many", n=numbers | join_and) }}
{%- endmacro -%}
{%- set colon = t("colon") -%}
{%- set your_answer = t("your_answer") ~ colon -%}
{%- set reference_value = t("reference_value") ~ colon -%}
{%- set owner_view = report is defined and report.audience == "owner" -%}
{%- set consultant_view = report is not defined or report.audience == "consultant" -%}
{%- macro old_premises(ps, indent) -%}
{%- for p in ps -%}
{%- set kind = p.kind -%}
{%- if kind == "table" -%}
{{ bullet(reference_value ~ p.label ~ " = " ~ p.shown, indent) }}
{%- if consultant_view %}
{%- for entry in p.entries if entry.cited_at is none %}

{{ bullet(t("source_of", name=entry.name) ~ colon ~ entry.source, indent + 2, mark="· ") }}
{%- endfor %}
{%- for number, entries in p.entries | selectattr("cited_at") | groupby("cited_at") %}

{{ bullet(t("source_see", names=entries | map(attribute="name") | join_and, steps=steps_ref([number])), indent + 2, mark="· ") }}
{%- endfor %}
{%- endif %}
{%- elif kind == "absent" -%}
{{ bullet(t("nothing_concluded", fact=p.label), indent) }}
{%- else -%}
{%- set origin = "" -%}
{%- if kind == "sheet" and p.sheet_line -%}
{%- if not owner_view %}{% set origin = " (" ~ t("line") ~ " " ~ p.sheet_line ~ ")" %}{% endif -%}
{%- elif kind == "sheet" and not p.stated %}{% set origin = " (" ~ t("default_answer") ~ ")" -%}
{%- elif kind == "override" %}{% set origin = " (" ~ t("set_on_command_line") ~ ")" -%}
{%- elif kind == "default" %}{% set origin = " (" ~ t("rule_base_default") ~ ")" -%}
{%- else %}{% set numbers = p.numbers %}{% if numbers %}{% set origin = " (" ~ t("step_one" if numbers | length == 1 else "step_many", n=numbers | join_and) ~ ")" %}{% endif -%}
{%- endif -%}
{{ bullet((your_answer if kind in ("sheet", "override") else "") ~ p.label ~ " = " ~ p.shown ~ origin, indent) }}
{%- endif %}

{% endfor -%}
{%- endmacro -%}
"""

_BOTH = """\
{% from "_text.j2" import premises, premises_in_jinja with context %}
{% from "_old.j2" import old_premises with context %}
{{ premises(ps, 3) }}|{{ premises_in_jinja(ps, 3) }}|{{ old_premises(ps, 3) }}|{{ premises(ps, 0) }}|\
{{ premises_in_jinja(ps, 0) }}|{{ old_premises(ps, 0) }}"""


class _Report:
    def __init__(self, audience: str) -> None:
        self.audience = audience


def _premises() -> list[Premise]:
    entries = (TableValue("instagram", "Instagram", 2, "2 h", "Source A"),
               TableValue("facebook", "Facebook", 1, "1 h", "Source B", cited_at=3),
               TableValue("linkedin", "LinkedIn", 1, "1 h", "Source C", cited_at=3))
    made = []
    for kind, line, stated, numbers in itertools.product(
            ("sheet", "override", "derived", "default", "family", "table", "absent", "other"),
            (None, 0, 4), (False, True), ((), (3,), (2, 5, 7))):
        made.append(Premise(f"facts.{kind}", f"Hours for {kind}", 5, "5 h a week", from_sheet=kind == "sheet",
                            sheet_line=line, stated=stated, kind=kind, numbers=numbers,
                            entries=entries if kind == "table" else ()))
    return made


def _plain(text: object, bold: bool = False, fg: str | None = None) -> str:
    return str(text)  # the renderer's style() without colours


@pytest.fixture(scope="module")
def vocabulary() -> object:
    return Advisor().rulebook.vocabulary


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("audience", ["owner", "consultant", None])
def test_the_premises_are_the_lines_the_former_macro_gave(tmp_path: Path, vocabulary: object, lang: str,
                                                          audience: str | None) -> None:
    folder = tmp_path / "explanations"
    shutil.copytree(ROOT / "explanations", folder)
    (folder / "_old.j2").write_text(_OLD_PREMISES, encoding="utf-8")
    (folder / "both.txt.j2").write_text(_BOTH, encoding="utf-8")
    renderer = Renderer(folder)
    environment = renderer.environment(vocabulary, lang)
    words = renderer.words("text", lang)
    variables = dict(t=words, lang=lang, ps=_premises(), style=_plain,
                     reasoning_lines=text_reasoning.reasoning_lines_for(words, _plain, lang, {}))
    if audience is not None:
        variables["report"] = _Report(audience)
    new, macro, old, new_flush, macro_flush, old_flush = environment.render(
        environment.get_template("both.txt.j2"), variables).lstrip("\n").split("|")
    assert new == macro == old and new_flush == macro_flush == old_flush
    assert new.count("\n") >= len(variables["ps"])  # a line each, at least
    assert ("Source A" in new) == (audience != "owner")


TEMPLATES = ROOT / "explanations"
# _text.j2's bindings of the reasoning's names: to the Python layout, and to the macros.
IN_PYTHON = ("{%- set premises = reasoning.premises -%}", "{%- set step_text = reasoning.step -%}")
IN_JINJA = ("{%- set premises = premises_in_jinja -%}", "{%- set step_text = step_in_jinja -%}")


@pytest.fixture(scope="module")
def advisor() -> Advisor:
    return Advisor()


def _templates(folder: Path, bindings: tuple[str, str]) -> Path:
    """A copy of explanations/ whose `premises` and `step_text` are bound by `bindings`."""
    shutil.copytree(TEMPLATES, folder)
    helpers = folder / "_text.j2"
    text = helpers.read_text(encoding="utf-8")
    for shipped, binding in zip(IN_PYTHON, bindings):
        assert text.count(shipped) == 1, f"_text.j2 binds {shipped!r} once"
        text = text.replace(shipped, binding)
    helpers.write_text(text, encoding="utf-8")
    return folder


def _reports(advisor: Advisor, tmp_path: Path) -> Iterator[Report]:
    """Reports with every kind of premise, each in both languages, for the owner and for the
    consultant: the examples; one with answers changed by --set; generated sheets; and rules
    that hold because a fact was not concluded (an absent premise), or always."""
    runs = [(advisor.run(load_fact_sheet(path)), None) for path in sorted(EXAMPLES.glob("*.yaml"))]
    fleuriste = load_fact_sheet(EXAMPLES / "fleuriste.yaml")
    runs.append(what_if(advisor, fleuriste, ["resources.weekly_hours=6", "resources.monthly_budget=80"]))
    runs += [(advisor.run(load_fact_sheet(path)), None)
             for path in bench_generate().write_sheets(tmp_path / "sheets", 60, seed=7)]
    with_negation = RuleBase(tmp_path / "rules")
    shutil.copytree(ROOT / "rules", with_negation.root, dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns("tables", "vocabulary.yaml"))
    with_negation.rules("99-negation.yaml", rule("no-flag", when=[{"not": {"flag": True}}],
                                                 then={"set": {"level": "low"}}),
                        rule("always", then={"set": {"score": 1}}))  # a step that relies on nothing
    runs.append((Advisor(str(with_negation.root)).run(fleuriste), None))
    for result, change in runs:
        for lang in ("fr", "en"):
            for audience in ("owner", "consultant"):
                yield build_report(result, lang, what_if=change, audience=audience)


def test_the_macros_in_the_template_give_the_report_the_python_layout_gives(advisor: Advisor,
                                                                           tmp_path: Path) -> None:
    shipped = Renderer(TEMPLATES)
    by_macros = Renderer(_templates(tmp_path / "macros", IN_JINJA))
    kinds, sources, seen = set(), set(), set()
    for report in _reports(advisor, tmp_path):
        assert shipped.render(report, "text") == by_macros.render(report, "text"), \
            (report.business, report.lang, report.audience)
        consultant = report.audience == "consultant"
        for theme in report.themes:
            for step in theme.steps:
                seen |= {what for what, there in (("several sources", len(step.sources) > 1),
                                                  ("no premise", not step.premises and not step.absent),
                                                  ("overruled", consultant and step.overruled_by)) if there}
                for premise in (*step.premises, *step.absent):
                    kinds.add(premise.kind)
                    if premise.kind == "table" and consultant:
                        sources |= {"cited" if entry.cited_at else "in full" for entry in premise.entries}
    # Every branch of the layout was compared (family premises read as derived ones).
    assert kinds >= {"sheet", "override", "derived", "default", "table", "absent"}, kinds
    assert sources == {"cited", "in full"}
    assert seen == {"several sources", "no premise", "overruled"}, seen


def test_on_a_terminal_the_step_titles_are_bold_either_way(advisor: Advisor, tmp_path: Path) -> None:
    by_macros = Renderer(_templates(tmp_path / "macros", IN_JINJA))
    report = build_report(advisor.run(load_fact_sheet(EXAMPLES / "fleuriste.yaml")), "fr", audience="consultant")
    coloured = Renderer(TEMPLATES).render(report, "text", color=True)
    first = report.themes[0].steps[0]
    assert f"\x1b[1m{first.number}. {first.title}\x1b[0m  (règle {first.rule})" in coloured
    assert coloured == by_macros.render(report, "text", color=True)


@pytest.mark.parametrize("call, error", [
    ('premises(["not a premise"], 3)', "premises() lays out a list of premises"),
    ("step_text(report.themes[0])", "step_text() lays out a step of the reasoning"),
    ("premises(report.themes[0].steps[0].premises, 10 ** 9)", "the argument of premises(): 1000000000 is too large"),
])
def test_a_template_that_misuses_the_reasoning_layout_gets_an_error_naming_it(advisor: Advisor, tmp_path: Path,
                                                                              call: str, error: str) -> None:
    report_template = TEMPLATES / "report.txt.j2"
    templates = tmp_path / "t"
    shutil.copytree(TEMPLATES, templates)
    (templates / "report.txt.j2").write_text(
        report_template.read_text(encoding="utf-8")
        + '{% from "_text.j2" import premises, step_text with context %}{{ ' + call + " }}\n", encoding="utf-8")
    report = build_report(advisor.run(load_fact_sheet(EXAMPLES / "fleuriste.yaml")), "en")
    with pytest.raises(RuleBookError) as raised:
        Renderer(templates).render(report, "text")
    message = raised.value.problems[0].format("en")
    assert error in message and "report.txt.j2" in message


def test_the_step_numbers_it_words_are_kept_within_a_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(text_reasoning, "_STEPS_SAID_MAX", 4)
    asked: list[str] = []

    def words(key: str, **params: object) -> str:
        asked.append(key)
        return {"step_one": "step {n}", "step_many": "steps {n}"}.get(key, key).replace(
            "{n}", str(params.get("n", "")))

    lines = text_reasoning.reasoning_lines_for(words, _plain, "en", {})(40, True, False)
    said = [lines._steps(tuple(range(1, count + 1))) for count in range(1, 11)]
    assert said[0] == " (step 1)" and said[2] == " (steps 1, 2 and 3)"
    assert len(lines._steps_said) <= 4
    asked.clear()
    assert lines._steps(tuple(range(1, 11))) == said[-1]  # the last one said: kept
    assert asked == []
    assert lines._steps(()) == ""
