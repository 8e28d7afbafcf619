"""`advise rules graph`: which rules feed which facts and conclusions, as Mermaid or Graphviz.

Nodes: the sheet's facts the rules read, the rules (grouped by theme), the derived facts
(a family such as `fit` is one node), warnings, recommendations. Edges: a fact read by a
rule (dashed and marked "not" when only a `not` condition reads it), a rule concluding
a fact. Explanation texts are not edges: they change the wording, not the reasoning.
"""

from __future__ import annotations

import re

from ..rulebase.model import RuleBook
from ..rulebase.usage import COMPUTATION, CONDITION, NEGATED, rule_reads

FORMATS = ("mermaid", "dot")


def _node_name(rulebook: RuleBook, fact: str) -> str:
    """A family member stands for its family (fit.facebook -> fit.*)."""
    fact_type = rulebook.facts.get(fact)
    if fact_type is not None and fact_type.family:
        return f"{fact_type.family}.*"
    return fact


def _key(kind: str, name: str) -> str:
    return kind + "_" + re.sub(r"[^A-Za-z0-9]", "_", name)


def edges(rulebook: RuleBook) -> tuple[list[tuple[str, str, str]], list[tuple[str, str]]]:
    """(fact, rule, how) reads and (rule, fact) conclusions, de-duplicated, in rule order."""
    reads: list[tuple[str, str, str]] = []
    concludes: list[tuple[str, str]] = []
    for rule in rulebook.rules:
        seen: dict[str, str] = {}
        for name, hows in rule_reads(rulebook, rule).items():
            if name not in rulebook.facts or not hows & {CONDITION, NEGATED, COMPUTATION}:
                continue
            node = _node_name(rulebook, name)
            how = "not" if hows & {CONDITION, NEGATED, COMPUTATION} == {NEGATED} else "reads"
            if seen.get(node) != "reads":
                seen[node] = how
        reads += [(node, rule.id, how) for node, how in seen.items()]
        for name in rule.concludes():
            edge = (rule.id, _node_name(rulebook, name))
            if edge not in concludes:
                concludes.append(edge)
    return reads, concludes


def _kind(rulebook: RuleBook, node: str) -> str:
    if node.startswith("warnings."):
        return "warning"
    if node.startswith("recommendations."):
        return "recommendation"
    fact = rulebook.facts.get(node)
    if fact is not None and not fact.derived:
        return "sheet"
    return "fact"


def graph(rulebook: RuleBook, fmt: str = "mermaid", lang: str = "en") -> str:
    reads, concludes = edges(rulebook)
    facts = list(dict.fromkeys([fact for fact, _, _ in reads] + [fact for _, fact in concludes]))
    themes = sorted(rulebook.vocabulary.themes.values(), key=lambda theme: theme.order)
    if fmt == "dot":
        return _dot(rulebook, facts, themes, reads, concludes, lang)
    return _mermaid(rulebook, facts, themes, reads, concludes, lang)


def _label(rulebook: RuleBook, node: str) -> str:
    kind = _kind(rulebook, node)
    if kind in ("warning", "recommendation"):
        return f"{kind}: {node.split('.', 1)[1]}"
    return node


def _mermaid(rulebook, facts, themes, reads, concludes, lang) -> str:
    shapes = {"sheet": ('[/"', '"/]'), "fact": ('(["', '"])'), "warning": ('{{"', '"}}'),
              "recommendation": ('>"', '"]')}
    out = ["flowchart LR"]
    for fact in facts:
        kind = _kind(rulebook, fact)
        left, right = shapes[kind]
        out.append(f"  {_key('f', fact)}{left}{_label(rulebook, fact)}{right}")
    for theme in themes:
        rules = [rule for rule in rulebook.rules if rule.theme == theme.id]
        if not rules:
            continue
        title = theme.title.get(lang, theme.id).replace('"', "'")
        out.append(f'  subgraph {_key("t", theme.id)}["{title}"]')
        out += [f'    {_key("r", rule.id)}["{rule.id}"]' for rule in rules]
        out.append("  end")
    for fact, rule, how in reads:
        arrow = " -. not .-> " if how == "not" else " --> "
        out.append(f"  {_key('f', fact)}{arrow}{_key('r', rule)}")
    for rule, fact in concludes:
        out.append(f"  {_key('r', rule)} --> {_key('f', fact)}")
    out += ["  classDef sheet fill:#eef6ff,stroke:#4a7ab0", "  classDef warning fill:#fff2e0,stroke:#c07a00",
            "  classDef recommendation fill:#eaf7ea,stroke:#3a8a3a"]
    for kind in ("sheet", "warning", "recommendation"):
        members = [_key("f", fact) for fact in facts if _kind(rulebook, fact) == kind]
        if members:
            out.append(f"  class {','.join(members)} {kind}")
    return "\n".join(out) + "\n"


def _dot(rulebook, facts, themes, reads, concludes, lang) -> str:
    shapes = {"sheet": "parallelogram", "fact": "ellipse", "warning": "hexagon", "recommendation": "house"}
    colours = {"sheet": "#eef6ff", "fact": "white", "warning": "#fff2e0", "recommendation": "#eaf7ea"}
    out = ["digraph rules {", "  rankdir=LR;", '  node [fontname="Helvetica", fontsize=10];']
    for fact in facts:
        kind = _kind(rulebook, fact)
        out.append(f'  {_key("f", fact)} [label="{_label(rulebook, fact)}", shape={shapes[kind]}, '
                   f'style=filled, fillcolor="{colours[kind]}"];')
    for theme in themes:
        rules = [rule for rule in rulebook.rules if rule.theme == theme.id]
        if not rules:
            continue
        title = theme.title.get(lang, theme.id).replace('"', "'")
        out.append(f'  subgraph cluster_{_key("t", theme.id)} {{')
        out.append(f'    label="{title}"; style=rounded; color=grey;')
        out += [f'    {_key("r", rule.id)} [label="{rule.id}", shape=box];' for rule in rules]
        out.append("  }")
    for fact, rule, how in reads:
        style = ' [style=dashed, label="not"]' if how == "not" else ""
        out.append(f"  {_key('f', fact)} -> {_key('r', rule)}{style};")
    for rule, fact in concludes:
        out.append(f"  {_key('r', rule)} -> {_key('f', fact)};")
    out.append("}")
    return "\n".join(out) + "\n"
