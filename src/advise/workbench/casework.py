"""What the workbench does with the scenario cases (advise.workbench.cases): run them, tell each
failure with its trace, and measure which rules they cover, as Drools' test scenario
coverage report does (available and fired rules, firings per rule, rules no case fires).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

from ..advisor import Advisor
from ..errors import Problem, register_messages
from ..rulebase.model import RuleBook
from ..sheet.template import yaml_value
from .cases import CASES_SUFFIX, Case, CaseResult, load_cases, run_cases

register_messages({
    "test-summary": {"en": "{passed} passed, {failed} failed", "fr": "{passed} {passed:réussi|réussis}, {failed} en échec"},
    "test-coverage-head": {
        "en": "Rule coverage: {covered} of {rules} rules fired by at least one of {cases} {cases:case|cases} ({percent} %)",
        "fr": "Couverture des règles : {covered} règles sur {rules} déclenchées par au moins un des {cases} cas "
              "({percent} %)",
    },
    "test-not-covered": {"en": "Rules no case fires:", "fr": "Règles qu'aucun cas ne déclenche :"},
    "test-all-covered": {"en": "Every rule is fired by at least one case.",
                         "fr": "Chaque règle est déclenchée par au moins un cas."},
})

_WORDS = {
    "en": {"fail": "FAIL", "pass": "ok", "trace": "trace (rules fired, in order):", "nothing": "nothing concluded",
           "rule": "rule", "cases": "cases", "where": "where", "no_trace": "no trace: the run stopped"},
    "fr": {"fail": "ÉCHEC", "pass": "ok", "trace": "trace (règles appliquées, dans l'ordre) :",
           "nothing": "rien de conclu", "rule": "règle", "cases": "cas", "where": "emplacement",
           "no_trace": "pas de trace : l'exécution s'est arrêtée"},
}


def case_files(directory: Path) -> list[Path]:
    return sorted(directory.rglob("*" + CASES_SUFFIX), key=lambda path: path.relative_to(directory).as_posix())


def rules_dir_for(path: str | Path) -> Path | None:
    """The rule base a cases path belongs to: the folder (or the file's folder, or a parent)
    holding vocabulary.yaml; None when there is none."""
    start = Path(path)
    folder = start if start.is_dir() else start.parent
    for candidate in (folder, *folder.parents):
        if (candidate / "vocabulary.yaml").is_file():
            return candidate
    return None


def run_rule_cases(advisor: Advisor, path: str | Path | None = None) -> tuple[list[Case], list[CaseResult]]:
    """Load the cases (a folder or one file; default: beside the rules) and run them.

    Raises RuleBookError (exit status 2) when a case file is invalid; a folder without any
    case file gives no case rather than an error."""
    target = Path(path) if path is not None else advisor.rules_dir
    if target.is_dir() and not case_files(target):
        return [], []
    cases = load_cases(target, advisor.rulebook)
    return cases, run_cases(advisor, cases)


# ---------------------------------------------------------------- failures


def format_results(results: Sequence[CaseResult], lang: str = "en", *, verbose: bool = False) -> str:
    words = _WORDS[lang]
    out: list[str] = []
    for outcome in results:
        case = outcome.case
        where = f"{case.file}:{case.line}" if case.line else case.file
        if outcome.passed:
            if verbose:
                out.append(f"{words['pass']}   {where} {case.name}")
            continue
        out.append(f"{words['fail']} {where} {case.name}")
        out += [f"  - {mismatch.message(lang)}" for mismatch in outcome.mismatches]
        out += ["  " + line for line in trace_lines(outcome, lang)]
    passed = sum(1 for outcome in results if outcome.passed)
    out.append(Problem("test-summary", {"passed": passed, "failed": len(results) - passed}).message(lang))
    return "\n".join(out) + "\n"


def trace_lines(outcome: CaseResult, lang: str = "en") -> list[str]:
    words = _WORDS[lang]
    if outcome.result is None:
        return [words["no_trace"]]
    lines = [words["trace"]]
    for firing in outcome.result.trace.firings:
        concluded = ", ".join(f"{name} = {yaml_value(value)}" for name, value in firing.concluded.items())
        lines.append(f"  {firing.step}. {firing.rule}: {concluded or words['nothing']}")
    return lines


def results_json(results: Sequence[CaseResult], lang: str = "en") -> list[dict[str, Any]]:
    return [{
        "case": outcome.case.name,
        "file": outcome.case.file,
        "line": outcome.case.line,
        "passed": outcome.passed,
        "mismatches": [{"kind": m.kind, "what": m.what, "expected": _plain(m.expected), "actual": _plain(m.actual),
                        "message": m.message(lang)} for m in outcome.mismatches],
        "fired": list(outcome.result.trace.fired_rules()) if outcome.result is not None else [],
    } for outcome in results]


def _plain(value: Any) -> Any:
    if isinstance(value, tuple):
        return list(value)
    if isinstance(value, (str, int, float, bool, list)) or value is None:
        return value
    return str(value)


# ---------------------------------------------------------------- coverage


@dataclass(frozen=True)
class RuleCoverage:
    rule: str
    file: str
    line: int | None
    cases: tuple[str, ...]  # the cases that fired it (file::name)

    @property
    def firings(self) -> int:
        return len(self.cases)


@dataclass(frozen=True)
class Coverage:
    rules: tuple[RuleCoverage, ...]
    cases: int

    @property
    def covered(self) -> tuple[RuleCoverage, ...]:
        return tuple(rule for rule in self.rules if rule.firings)

    @property
    def uncovered(self) -> tuple[RuleCoverage, ...]:
        return tuple(rule for rule in self.rules if not rule.firings)

    @property
    def percent(self) -> float:
        return round(100 * len(self.covered) / len(self.rules), 1) if self.rules else 100.0

    def as_dict(self) -> dict[str, Any]:
        return {"rules": len(self.rules), "covered": len(self.covered), "percent": self.percent,
                "cases": self.cases,
                "per_rule": [{"rule": r.rule, "file": r.file, "line": r.line, "firings": r.firings,
                              "cases": list(r.cases)} for r in self.rules],
                "uncovered": [r.rule for r in self.uncovered]}


def coverage(rulebook: RuleBook, results: Sequence[CaseResult]) -> Coverage:
    """For every rule of the rule base, the cases that fired it."""
    fired: dict[str, list[str]] = {rule.id: [] for rule in rulebook.rules}
    for outcome in results:
        if outcome.result is None:
            continue
        for rule_id in outcome.result.trace.fired_rules():
            if rule_id in fired:
                fired[rule_id].append(outcome.case.id)
    return Coverage(tuple(RuleCoverage(rule.id, rule.file, rule.line, tuple(fired[rule.id]))
                          for rule in rulebook.rules), len(results))


def format_coverage(report: Coverage, lang: str = "en") -> str:
    words = _WORDS[lang]
    out = [Problem("test-coverage-head", {"covered": len(report.covered), "rules": len(report.rules),
                                          "cases": report.cases, "percent": _percent(report.percent, lang)}
                   ).message(lang), ""]
    width = max([len(words["rule"])] + [len(rule.rule) for rule in report.rules])
    out.append(f"  {words['rule']:<{width}}  {words['cases']:>5}  {words['where']}")
    for rule in report.rules:
        where = f"{rule.file}:{rule.line}" if rule.line else rule.file
        out.append(f"  {rule.rule:<{width}}  {rule.firings:>5}  {where}")
    out.append("")
    if report.uncovered:
        out.append(Problem("test-not-covered").message(lang))
        for rule in report.uncovered:
            where = f"{rule.file}:{rule.line}" if rule.line else rule.file
            out.append(f"  - {rule.rule} ({where})")
    else:
        out.append(Problem("test-all-covered").message(lang))
    return "\n".join(out) + "\n"


def _percent(value: float, lang: str) -> str:
    text = f"{value:g}"
    return text.replace(".", ",") if lang == "fr" else text


def cases_covering(rulebook: RuleBook, rule_id: str, cases: Sequence[Case],
                   results: Sequence[CaseResult]) -> list[dict[str, Any]]:
    """For `advise rules show`: the cases that fire the rule or name it in fires/silent."""
    links = []
    for outcome in results:
        case = outcome.case
        fired = outcome.result is not None and rule_id in outcome.result.trace.fired_rules()
        expects = "fires" if rule_id in case.expect.fires else "silent" if rule_id in case.expect.silent else None
        if fired or expects:
            links.append({"name": case.name, "file": case.file, "line": case.line, "fired": fired,
                          "expects": expects})
    return links
