"""`advise rules graph`: which rules feed which facts, as Mermaid or Graphviz."""

from __future__ import annotations

import re

from advise.rulebase.loading import load_rulebook
from advise.workbench.graph import edges, graph

from conftest import RULES, RuleBase, rule


def small_base(rulebase: RuleBase):
    rulebase.rules(
        "10-x.yaml",
        rule("not-local", when=[{"not": {"business.local": True}}], then={"set": {"flag": True}}),
        rule("points", when=[{"flag": True}], then={"add": {"fit.facebook": 2}}),
        rule("warn-time", when=[{"resources.weekly_hours": {"lt": 1}}], then={"warn": "time_shortfall"},
             because={"en": "{{ business.name }} is short of time.", "fr": "{{ business.name }} manque de temps."}),
    )
    return rulebase.load()


def test_edges_say_what_each_rule_reads_and_concludes(rulebase: RuleBase) -> None:
    reads, concludes = edges(small_base(rulebase))
    assert ("business.local", "not-local", "not") in reads  # read only through `not`
    assert ("flag", "points", "reads") in reads
    assert ("resources.weekly_hours", "warn-time", "reads") in reads
    # A because text changes the wording, not the reasoning: no edge.
    assert not [edge for edge in reads if edge[0] == "business.name"]
    assert concludes == [("not-local", "flag"), ("points", "fit.*"), ("warn-time", "warnings.time_shortfall")]


def test_mermaid_groups_rules_by_theme_and_marks_negation(rulebase: RuleBase) -> None:
    text = graph(small_base(rulebase), "mermaid", "fr")
    lines = text.splitlines()
    assert lines[0] == "flowchart LR"
    assert any(line.startswith("  subgraph t_time[") for line in lines)
    assert "  f_business_local -. not .-> r_not_local" in lines
    assert "  r_points --> f_fit__" in lines  # a family is one node, fit.*
    assert '  f_warnings_time_shortfall{{"warning: time_shortfall"}}' in lines
    assert any(line.startswith("  class ") and line.endswith(" warning") for line in lines)


def test_dot_is_a_whole_graph_of_the_same_edges(rulebase: RuleBase) -> None:
    rulebook = small_base(rulebase)
    text = graph(rulebook, "dot")
    assert text.startswith("digraph rules {\n") and text.endswith("}\n")
    assert text.count("{") == text.count("}")
    assert "f_business_local -> r_not_local [style=dashed, label=\"not\"];" in text
    reads, concludes = edges(rulebook)
    assert len(re.findall(r" -> ", text)) == len(reads) + len(concludes)


def test_the_shipped_rule_base_graphs_every_rule() -> None:
    rulebook = load_rulebook(RULES)
    text = graph(rulebook)
    for rule_id in (rule.id for rule in rulebook.rules):
        assert f'["{rule_id}"]' in text
    assert graph(rulebook) == text  # deterministic
