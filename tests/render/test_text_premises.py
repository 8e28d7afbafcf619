"""The text report's premises macro (explanations/_text.j2), written with fewer sandboxed
operations a premise (issue 16), gives the lines the macro it replaced gave: every kind of
premise, with and without a line in the sheet, stated or not, with none, one or several
steps, for the owner and the consultant, in both languages."""

from __future__ import annotations

import itertools
import shutil
from pathlib import Path

import pytest

from advise.advisor import Advisor
from advise.explain.model import Premise, TableValue
from advise.render.renderer import Renderer

from conftest import ROOT

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
{% from "_text.j2" import premises with context %}
{% from "_old.j2" import old_premises with context %}
{{ premises(ps, 3) }}|{{ old_premises(ps, 3) }}|{{ premises(ps, 0) }}|{{ old_premises(ps, 0) }}"""


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


@pytest.fixture(scope="module")
def vocabulary() -> object:
    return Advisor().rulebook.vocabulary


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("audience", ["owner", "consultant", None])
def test_the_premises_macro_gives_the_lines_the_former_one_gave(tmp_path: Path, vocabulary: object, lang: str,
                                                                audience: str | None) -> None:
    folder = tmp_path / "explanations"
    shutil.copytree(ROOT / "explanations", folder)
    (folder / "_old.j2").write_text(_OLD_PREMISES, encoding="utf-8")
    (folder / "both.txt.j2").write_text(_BOTH, encoding="utf-8")
    renderer = Renderer(folder)
    environment = renderer.environment(vocabulary, lang)
    variables = dict(t=renderer.words("text", lang), lang=lang, ps=_premises(), style=str)
    if audience is not None:
        variables["report"] = _Report(audience)
    new, old, new_flush, old_flush = environment.render(environment.get_template("both.txt.j2"),
                                                        variables).lstrip("\n").split("|")
    assert new == old and new_flush == old_flush
    assert new.count("\n") >= len(variables["ps"])  # a line each, at least
    assert ("Source A" in new) == (audience != "owner")
