"""Scenario cases beside the rules: a fact sheet, and what the rule base must conclude from it.

Each rule file `rules/NN-theme.yaml` has its cases in `rules/NN-theme.cases.yaml`, which a
consultant reads and extends without Python:

    base:                       # optional: the sheet every case starts from
      business: {name: Test, size: tpe, audience: b2c}
      resources: {weekly_hours: 4, monthly_budget: 100}
      objectives: [community]
    cases:
      - name: three-hours-four-profiles          # kebab-case, unique in the file
        description: {en: ..., fr: ...}          # optional
        sheet:                                   # deep-merged over base: mappings merged,
          profiles: {planned: [instagram, tiktok]}   #   lists and values replaced
        # or, instead of base and sheet: sheet_file: ../examples/fleuriste.yaml
        expect:                                  # every key optional, at least one given
          verdict: launch_gradually
          facts: {max_profiles: 1, platforms: [instagram]}
          fires: [time-shortfall]                # rule ids that must fire
          silent: [verdict-launch]               # rule ids that must not fire
          warnings: [time_shortfall]             # must be raised
          no_warnings: [visibility_only]         # must not be raised
          recommendations: [start_with_one]
          no_recommendations: [participation]

A rule overruled on priority still fired: list it under `fires`, not `silent`.

`load_cases` checks the files as strictly as the rule files (unknown keys with "did you
mean", unknown rule ids, warnings, recommendations, verdicts and facts, invalid sheets),
naming file and line, every problem at once. `run_cases` runs each case through an
Advisor and reports each difference in plain words. Cases run against the whole rule
base, since rules feed each other.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Sequence

from ..errors import LANGS, AdviseError, FactSheetError, Problem, RuleBookError, did_you_mean, register_messages
from ..rulebase.model import FactType, RuleBook
from ..sheet.facts import FactSheet, fact_sheet_from_mapping, load_fact_sheet
from ..sheet.yamlload import Positions, describe, load_yaml

register_messages({
    "cases-missing": {
        "en": "no such file or folder of cases",
        "fr": "ce fichier ou dossier de cas n'existe pas",
    },
    "cases-none": {
        "en": "no case file (*.cases.yaml) in this folder",
        "fr": "aucun fichier de cas (*.cases.yaml) dans ce dossier",
    },
    "case-bad-name": {
        "en": "a case name is lower-case words joined by hyphens (e.g. 'no-time-at-all'), not {name}",
        "fr": "un nom de cas est fait de mots en minuscules reliés par des tirets (ex. « no-time-at-all »), pas {name}",
    },
    "case-duplicate-name": {
        "en": "the case name '{name}' is already used on line {other}",
        "fr": "le nom de cas « {name} » est déjà utilisé ligne {other}",
    },
    "case-no-sheet": {
        "en": "the case has no fact sheet: give 'sheet' (with or without 'base' at the top of the file) or 'sheet_file'",
        "fr": "le cas n'a pas de fiche : donnez « sheet » (avec ou sans « base » en tête de fichier) ou « sheet_file »",
    },
    "case-sheet-and-file": {
        "en": "give either 'sheet' or 'sheet_file', not both: a sheet_file case does not use 'base' or 'sheet'",
        "fr": "donnez « sheet » ou « sheet_file », pas les deux : un cas avec sheet_file n'utilise ni « base » ni « sheet »",
    },
    "case-sheet-file-missing": {
        "en": "the sheet file '{target}' does not exist (paths are relative to the cases file)",
        "fr": "le fichier de fiche « {target} » n'existe pas (les chemins sont relatifs au fichier de cas)",
    },
    "case-expects-nothing": {
        "en": "the case expects nothing: give at least one of {keys}",
        "fr": "le cas n'attend rien : donnez au moins l'un de {keys}",
    },
    "case-unknown-rule": {"en": "unknown rule id '{id}'", "fr": "identifiant de règle inconnu « {id} »"},
    "case-unknown-warning": {"en": "unknown warning '{id}'", "fr": "point d'attention inconnu « {id} »"},
    "case-unknown-recommendation": {"en": "unknown recommendation '{id}'", "fr": "recommandation inconnue « {id} »"},
    "case-unknown-verdict": {"en": "unknown verdict '{id}'", "fr": "verdict inconnu « {id} »"},
    "case-unknown-fact": {"en": "unknown fact '{name}'", "fr": "fait inconnu « {name} »"},
    "case-bad-fact-value": {
        "en": "{value} cannot be a value of '{fact}', which is {expected}",
        "fr": "{value} ne peut pas être une valeur de « {fact} », qui est {expected}",
    },
    "case-contradiction": {
        "en": "'{id}' is listed under both '{first}' and '{second}'",
        "fr": "« {id} » figure à la fois sous « {first} » et sous « {second} »",
    },
    # mismatches found by run_cases
    "case-mismatch-verdict": {
        "en": "the verdict is {actual}, expected {expected}",
        "fr": "le verdict est {actual}, attendu {expected}",
    },
    "case-mismatch-fact": {
        "en": "'{what}' is {actual}, expected {expected}",
        "fr": "« {what} » vaut {actual}, attendu {expected}",
    },
    "case-mismatch-fires": {
        "en": "the rule '{what}' did not fire, expected it to fire",
        "fr": "la règle « {what} » ne s'est pas appliquée, alors qu'elle devait s'appliquer",
    },
    "case-mismatch-silent": {
        "en": "the rule '{what}' fired, expected it to stay silent",
        "fr": "la règle « {what} » s'est appliquée, alors qu'elle devait rester muette",
    },
    "case-mismatch-warnings": {
        "en": "the warning '{what}' was not raised, expected it",
        "fr": "le point d'attention « {what} » n'a pas été émis, alors qu'il était attendu",
    },
    "case-mismatch-no_warnings": {
        "en": "the warning '{what}' was raised, expected it not to be",
        "fr": "le point d'attention « {what} » a été émis, alors qu'il ne devait pas l'être",
    },
    "case-mismatch-recommendations": {
        "en": "the recommendation '{what}' was not made, expected it",
        "fr": "la recommandation « {what} » n'a pas été faite, alors qu'elle était attendue",
    },
    "case-mismatch-no_recommendations": {
        "en": "the recommendation '{what}' was made, expected it not to be",
        "fr": "la recommandation « {what} » a été faite, alors qu'elle ne devait pas l'être",
    },
    "case-run-failed": {
        "en": "the run failed: {reason}",
        "fr": "l'exécution a échoué : {reason}",
    },
    "case-not-concluded": {"en": "not concluded", "fr": "non établi"},
})

CASES_SUFFIX = ".cases.yaml"
CASE_NAME = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
FILE_KEYS = ("base", "cases")
CASE_KEYS = ("name", "description", "sheet", "sheet_file", "expect")
EXPECT_KEYS = ("verdict", "facts", "fires", "silent", "warnings", "no_warnings", "recommendations",
               "no_recommendations")
_ID_LISTS = ("fires", "silent", "warnings", "no_warnings", "recommendations", "no_recommendations")
_OPPOSITES = (("fires", "silent"), ("warnings", "no_warnings"), ("recommendations", "no_recommendations"))
_TOLERANCE = 1e-6


# ---------------------------------------------------------------- data model


@dataclass(frozen=True)
class Expectation:
    """What a case expects; empty tuples and None mean 'not checked'."""

    verdict: str | None = None
    facts: dict[str, Any] = field(default_factory=dict)
    fires: tuple[str, ...] = ()
    silent: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    no_warnings: tuple[str, ...] = ()
    recommendations: tuple[str, ...] = ()
    no_recommendations: tuple[str, ...] = ()


@dataclass(frozen=True)
class Case:
    name: str
    file: str  # the cases file, as given or found
    line: int | None
    sheet: FactSheet
    expect: Expectation
    description: dict[str, str] = field(default_factory=dict)
    sheet_file: str | None = None  # when the sheet came from a file, its path

    @property
    def id(self) -> str:
        """`10-time.cases.yaml::no-time-at-all`: how pytest and reports name the case."""
        return f"{Path(self.file).name}::{self.name}"


@dataclass(frozen=True)
class Mismatch:
    """One difference between what a case expects and what the rule base concluded."""

    kind: str  # verdict | fact | fires | silent | warnings | no_warnings | recommendations | ...
    what: str  # the fact, rule, warning or recommendation concerned
    expected: Any
    actual: Any

    def message(self, lang: str = "en") -> str:
        if self.kind == "run":
            return Problem("case-run-failed", {"reason": self.actual}).message(lang)
        code = "case-mismatch-" + self.kind
        return Problem(code, {"what": self.what, "expected": _show(self.expected, lang),
                              "actual": _show(self.actual, lang)}).message(lang)

    def __str__(self) -> str:
        return self.message("en")


@dataclass(frozen=True)
class CaseResult:
    case: Case
    passed: bool
    mismatches: tuple[Mismatch, ...]
    result: Any = None  # advise.advisor.Result, with the trace, when the run succeeded
    error: AdviseError | None = None

    def describe(self, lang: str = "en") -> str:
        """The case and its mismatches, one per line, for a test failure or a terminal."""
        where = f"{self.case.file}:{self.case.line}" if self.case.line else self.case.file
        head = f"{where}: {self.case.name}: " + ("passed" if self.passed else
                                                  f"{len(self.mismatches)} mismatch(es)")
        lines = [head] + [f"  - {mismatch.message(lang)}" for mismatch in self.mismatches]
        if not self.passed and self.result is not None:
            fired = ", ".join(self.result.trace.fired_rules())
            lines.append(("  rules fired: " if lang == "en" else "  règles appliquées : ") + fired)
        return "\n".join(lines)


class _NotConcluded:
    def __repr__(self) -> str:
        return "<not concluded>"


NOT_CONCLUDED = _NotConcluded()


def _show(value: Any, lang: str) -> str:
    if value is NOT_CONCLUDED:
        return Problem("case-not-concluded").message(lang)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(str(item) for item in value) + "]"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# ---------------------------------------------------------------- loading


def load_cases(path_or_dir: str | Path, rulebook: RuleBook) -> list[Case]:
    """Read and check one cases file, or every *.cases.yaml under a folder (sorted by path).

    Raises RuleBookError listing every problem of every file, each with its file and line.
    """
    root = Path(path_or_dir)
    problems: list[Problem] = []
    if root.is_dir():
        paths = sorted(root.rglob("*" + CASES_SUFFIX), key=lambda p: p.relative_to(root).as_posix())
        if not paths:
            raise RuleBookError(Problem("cases-none", file=str(root)))
    elif root.is_file():
        paths = [root]
    else:
        raise RuleBookError(Problem("cases-missing", file=str(root)))
    cases: list[Case] = []
    for path in paths:
        try:
            data, positions = load_yaml(path, error=RuleBookError, display_name=str(path))
        except RuleBookError as error:
            problems.extend(error.problems)
            continue
        reader = _CasesReader(path, data, positions, rulebook)
        cases.extend(reader.read())
        problems.extend(reader.problems)
    if problems:
        raise RuleBookError(problems)
    return cases


class _CasesReader:
    def __init__(self, path: Path, data: Any, positions: Positions, rulebook: RuleBook):
        self.path, self.file = path, str(path)
        self.data, self.positions, self.rulebook = data, positions, rulebook
        self.problems: list[Problem] = []

    def line(self, path: tuple) -> int | None:
        return self.positions.line(path)

    def problem(self, code: str, path: tuple, *, hint: dict[str, Any] | None = None, **params: Any) -> None:
        self.problems.append(Problem(code, params, file=self.file, line=self.line(path),
                                     field=_field(path) or None, **(hint or {})))

    def unknown_keys(self, data: dict, allowed: Sequence[str], path: tuple) -> None:
        for key in data:
            if key not in allowed:
                self.problem("unknown-key", path + (key,), key=key, hint=did_you_mean(str(key), allowed))

    def read(self) -> list[Case]:
        if not isinstance(self.data, dict):
            self.problems.append(Problem("not-a-mapping", {"found": describe(self.data)}, file=self.file, line=1))
            return []
        self.unknown_keys(self.data, FILE_KEYS, ())
        base = self.data.get("base")
        if base is not None and not isinstance(base, dict):
            self.problem("not-a-mapping", ("base",), found=describe(base))
            base = None
        raw_cases = self.data.get("cases")
        if "cases" not in self.data:
            self.problems.append(Problem("missing-field", file=self.file, line=1, field="cases"))
            return []
        if not isinstance(raw_cases, list) or not raw_cases:
            self.problem("wrong-type", ("cases",), expected="a list of cases", found=describe(raw_cases))
            return []
        cases = []
        names: dict[str, int | None] = {}
        for index, raw in enumerate(raw_cases):
            case = self.case(raw, index, base, names)
            if case is not None:
                cases.append(case)
        return cases

    def case(self, raw: Any, index: int, base: dict | None, names: dict[str, int | None]) -> Case | None:
        path: tuple = ("cases", index)
        if not isinstance(raw, dict):
            self.problem("not-a-mapping", path, found=describe(raw))
            return None
        before = len(self.problems)
        self.unknown_keys(raw, CASE_KEYS, path)
        name = raw.get("name")
        if "name" not in raw:
            self.problem("missing-field", path + ("name",))
        elif not isinstance(name, str) or not CASE_NAME.match(name):
            self.problem("case-bad-name", path + ("name",), name=repr(name) if not isinstance(name, str) else
                         f"'{name}'")
        elif name in names:
            self.problem("case-duplicate-name", path + ("name",), name=name, other=names[name])
        else:
            names[name] = self.line(path + ("name",))
        description = self.texts(raw.get("description"), path + ("description",)) if "description" in raw else {}
        sheet, sheet_file = self.sheet(raw, path, base, str(name))
        if "expect" not in raw:
            self.problem("missing-field", path + ("expect",))
            expect = None
        else:
            expect = self.expect(raw["expect"], path + ("expect",))
        if len(self.problems) > before or sheet is None or expect is None:
            return None
        return Case(name=str(name), file=self.file, line=self.line(path), sheet=sheet, expect=expect,
                    description=description, sheet_file=sheet_file)

    def texts(self, value: Any, path: tuple) -> dict[str, str]:
        if not isinstance(value, dict):
            self.problem("wrong-type", path, expected="a text per language (en:, fr:)", found=describe(value))
            return {}
        self.unknown_keys(value, LANGS, path)
        result = {}
        for lang in LANGS:
            text = value.get(lang)
            if not isinstance(text, str) or not text.strip():
                self.problem("missing-field" if lang not in value else "wrong-type", path + (lang,),
                             **({} if lang not in value else {"expected": "text", "found": describe(text)}))
            else:
                result[lang] = text.strip()
        return result

    # -- the sheet

    def sheet(self, raw: dict, path: tuple, base: dict | None, name: str) -> tuple[FactSheet | None, str | None]:
        if "sheet_file" in raw:
            if "sheet" in raw:
                self.problem("case-sheet-and-file", path + ("sheet_file",))
                return None, None
            relative = raw["sheet_file"]
            if not isinstance(relative, str) or not relative.strip():
                self.problem("wrong-type", path + ("sheet_file",), expected="a file path", found=describe(relative))
                return None, None
            target = (self.path.parent / relative)
            if not target.is_file():
                self.problem("case-sheet-file-missing", path + ("sheet_file",), target=relative)
                return None, None
            try:
                return load_fact_sheet(target, display_name=str(target)), str(target)
            except FactSheetError as error:
                self.problems.extend(error.problems)
                return None, None
        if "sheet" not in raw and base is None:
            self.problem("case-no-sheet", path)
            return None, None
        own = raw.get("sheet", {})
        if own is None:
            own = {}
        if not isinstance(own, dict):
            self.problem("not-a-mapping", path + ("sheet",), found=describe(own))
            return None, None
        merged = _deep_merge(base or {}, own)
        try:
            return fact_sheet_from_mapping(merged, filename=f"{self.file}::{name}"), None
        except FactSheetError as error:
            for problem in error.problems:
                # Point at the line that gave the value: the case's sheet, else the base.
                parts = tuple(problem.field.split(".")) if problem.field else ()
                line = None
                for prefix in (path + ("sheet",), ("base",)):
                    candidate = prefix + parts
                    if parts and self.positions.of(candidate) is not None:
                        line = self.line(candidate)
                        break
                if line is None:
                    line = self.line(path + ("sheet",)) if "sheet" in raw else self.line(path)
                self.problems.append(Problem(problem.code, problem.params, file=self.file, line=line,
                                             field=f"{_field(path + ('sheet',))}.{problem.field}" if problem.field
                                             else _field(path + ("sheet",)),
                                             hint=problem.hint, hint_params=problem.hint_params))
            return None, None

    # -- expectations

    def expect(self, raw: Any, path: tuple) -> Expectation | None:
        if not isinstance(raw, dict):
            self.problem("not-a-mapping", path, found=describe(raw))
            return None
        before = len(self.problems)
        self.unknown_keys(raw, EXPECT_KEYS, path)
        if not any(key in EXPECT_KEYS for key in raw):
            self.problem("case-expects-nothing", path, keys=", ".join(EXPECT_KEYS))
            return None
        vocabulary = self.rulebook.vocabulary
        verdict = raw.get("verdict")
        if "verdict" in raw and (not isinstance(verdict, str) or verdict not in vocabulary.verdicts):
            self.problem("case-unknown-verdict", path + ("verdict",), id=verdict,
                         hint=did_you_mean(str(verdict), vocabulary.verdicts))
        facts = self.facts(raw.get("facts"), path + ("facts",)) if "facts" in raw else {}
        known = {
            "fires": ("case-unknown-rule", [rule.id for rule in self.rulebook.rules]),
            "silent": ("case-unknown-rule", [rule.id for rule in self.rulebook.rules]),
            "warnings": ("case-unknown-warning", list(vocabulary.warnings)),
            "no_warnings": ("case-unknown-warning", list(vocabulary.warnings)),
            "recommendations": ("case-unknown-recommendation", list(vocabulary.recommendations)),
            "no_recommendations": ("case-unknown-recommendation", list(vocabulary.recommendations)),
        }
        lists: dict[str, tuple[str, ...]] = {}
        for key in _ID_LISTS:
            if key not in raw:
                lists[key] = ()
                continue
            code, choices = known[key]
            lists[key] = self.ids(raw[key], path + (key,), code, choices)
        for first, second in _OPPOSITES:
            for item in lists[first]:
                if item in lists[second]:
                    self.problem("case-contradiction", path + (second,), id=item, first=first, second=second)
        if len(self.problems) > before:
            return None
        return Expectation(verdict=verdict, facts=facts, **lists)

    def ids(self, raw: Any, path: tuple, code: str, choices: list[str]) -> tuple[str, ...]:
        if isinstance(raw, str):
            raw = [raw]
        if not isinstance(raw, list) or not all(isinstance(item, str) for item in raw):
            self.problem("wrong-type", path, expected="a list of ids", found=describe(raw))
            return ()
        result = []
        for index, item in enumerate(raw):
            if item not in choices:
                self.problem(code, path + (index,), id=item, hint=did_you_mean(item, choices))
            elif item not in result:
                result.append(item)
        return tuple(result)

    def facts(self, raw: Any, path: tuple) -> dict[str, Any]:
        if not isinstance(raw, dict) or not raw:
            self.problem("not-a-mapping", path, found=describe(raw))
            return {}
        result = {}
        for name, value in raw.items():
            fact = self.rulebook.facts.get(str(name))
            if fact is None:
                self.problem("case-unknown-fact", path + (name,), name=name,
                             hint=did_you_mean(str(name), self.rulebook.facts))
                continue
            if not _fits(fact, value):
                self.problem("case-bad-fact-value", path + (name,), value=describe(value), fact=name,
                             expected=fact.describe_kind() + (" (a whole number)" if fact.integer else ""))
                continue
            result[str(name)] = tuple(value) if isinstance(value, list) else value
        return result


def _field(path: tuple) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _deep_merge(base: dict, over: dict) -> dict:
    """Mappings merged key by key; lists and values of `over` replace those of `base`."""
    merged = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _fits(fact: FactType, value: Any) -> bool:
    if fact.kind == "number":
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            return False
        return not fact.integer or float(value).is_integer()
    if fact.kind == "bool":
        return isinstance(value, bool)
    if fact.kind == "text":
        return isinstance(value, str) and (not fact.choices or value in fact.choices)
    if fact.kind == "list":
        return isinstance(value, list) and all(
            isinstance(item, str) and (not fact.choices or item in fact.choices) for item in value)
    return False


# ---------------------------------------------------------------- running


def run_cases(advisor: Any, cases: Iterable[Case]) -> list[CaseResult]:
    """Run each case through the advisor (an advise.advisor.Advisor) and compare."""
    return [run_case(advisor, case) for case in cases]


def run_case(advisor: Any, case: Case) -> CaseResult:
    try:
        result = advisor.run(case.sheet)
    except AdviseError as error:
        mismatch = Mismatch("run", case.name, None, error.format("en"))
        return CaseResult(case, False, (mismatch,), None, error)
    return CaseResult(case, *_compare(case.expect, result), result=result)


def _compare(expect: Expectation, result: Any) -> tuple[bool, tuple[Mismatch, ...]]:
    facts = result.facts
    fired = set(result.trace.fired_rules())
    mismatches: list[Mismatch] = []
    if expect.verdict is not None:
        actual = facts.get("verdict", NOT_CONCLUDED)
        if actual != expect.verdict:
            mismatches.append(Mismatch("verdict", "verdict", expect.verdict, actual))
    for name, expected in expect.facts.items():
        actual = facts.get(name, NOT_CONCLUDED)
        if not _same(expected, actual):
            mismatches.append(Mismatch("fact", name, expected, actual))
    for rule_id in expect.fires:
        if rule_id not in fired:
            mismatches.append(Mismatch("fires", rule_id, True, False))
    for rule_id in expect.silent:
        if rule_id in fired:
            mismatches.append(Mismatch("silent", rule_id, False, True))
    for kind, prefix, wanted in (("warnings", "warnings.", True), ("no_warnings", "warnings.", False),
                                 ("recommendations", "recommendations.", True),
                                 ("no_recommendations", "recommendations.", False)):
        for item in getattr(expect, kind):
            raised = facts.get(prefix + item) is True
            if raised != wanted:
                mismatches.append(Mismatch(kind, item, wanted, raised))
    return not mismatches, tuple(mismatches)


def _same(expected: Any, actual: Any) -> bool:
    if actual is NOT_CONCLUDED:
        return False
    if isinstance(expected, bool) or isinstance(actual, bool):
        return expected is actual
    if isinstance(expected, (int, float)) and isinstance(actual, (int, float)):
        return math.isclose(expected, actual, rel_tol=0, abs_tol=_TOLERANCE)
    if isinstance(expected, (list, tuple)) and isinstance(actual, (list, tuple)):
        return tuple(expected) == tuple(actual)
    return expected == actual
