"""`advise rules new THEME/ID`: a commented skeleton rule, and its cases beside it.

Like ruff's add_rule.py: the boilerplate is written for the consultant, who then
replaces each TODO. The rule goes at the end of the theme's rule file (or a new
`NN-theme.yaml`, numbered to sort among the others in the themes' order), and two
cases (one where it fires, one where it stays silent) at the end of the cases file
beside it. The skeleton is valid as written: the rule base still loads and its cases
pass; `advise rules check` flags the TODO texts (A601) until they are replaced.

Files are appended to as text, so the consultant's comments and layout stay as they
were; the result is loaded again, and if it does not load, the files are put back.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import InputError, Problem, RuleBookError, did_you_mean, register_messages
from ..output import write_atomically
from ..rulebase.loading import load_rulebook
from ..rulebase.model import RULE_ID, RuleBook
from ..sheet.template import example_mapping, yaml_value
from .cases import CASES_SUFFIX, load_cases

register_messages({
    "new-bad-target": {
        "en": "expected THEME/ID, e.g. budget/no-visual-budget, found '{value}'",
        "fr": "attendu THÈME/ID, par ex. budget/no-visual-budget, trouvé « {value} »",
    },
    "new-unknown-theme": {
        "en": "unknown theme '{theme}'; themes are declared in vocabulary.yaml (themes:), add it there first",
        "fr": "thème inconnu « {theme} » ; les thèmes sont déclarés dans vocabulary.yaml (themes:), ajoutez-le d'abord",
    },
    "new-id-taken": {
        "en": "the rule id '{id}' is already used in {where}; rule ids are never reused",
        "fr": "l'identifiant de règle « {id} » est déjà utilisé dans {where} ; un identifiant n'est jamais réutilisé",
    },
    "new-failed": {
        "en": "the skeleton does not load in this file ({reason}); nothing was changed: paste it by hand:\n{text}",
        "fr": "le squelette ne se charge pas dans ce fichier ({reason}) ; rien n'a été modifié : collez-le à la main :\n{text}",
    },
})

# The skeleton's condition: it can hold (so the rule base checks), but no real sheet meets
# it (so the new rule changes no advice until the consultant writes the real conditions).
PLACEHOLDER_NAME = "TODO"


@dataclass(frozen=True)
class NewRule:
    rule_id: str
    rule_file: Path
    rule_line: int
    rule_file_created: bool
    cases_file: Path
    cases_line: int
    cases_file_created: bool


def parse_target(target: str) -> tuple[str, str]:
    theme, sep, rule_id = target.strip().partition("/")
    if not sep or not theme or not rule_id or "/" in rule_id:
        raise InputError(Problem("new-bad-target", {"value": target}, field="THEME/ID"))
    return theme, rule_id


# The skeleton's comments, in the consultant's language (its texts are in both already).
WORDS = {
    "en": {
        "head": "# TODO: a new rule, from `advise rules new`. Replace every TODO, then run",
        "check": "#   advise rules check      (the rule base as a whole)",
        "test": "#   advise test             (the cases beside the rules)",
        "guide": "# The format is explained in docs/writing-rules.md.",
        "when": "# every condition must hold; one per line: fact: {operator: value}",
        "placeholder": "# TODO: replace this placeholder, which no real sheet meets, with the facts the rule",
        "example": "#   tests, e.g.  - resources.weekly_hours: {lt: 2}",
        "then": "# warn: WARNING, recommend: RECOMMENDATION or set: {fact: value}",
        "concludes": "# TODO: what it concludes (ids declared in vocabulary.yaml)",
        "because": "# what the owner reads; {{ fact | filter }} shows a value",
        "source": "TODO: the passage of the article (a few words quoted, its section) or the reference",
        "file": "# Rules of the theme '{theme}'. Cases beside them: the .cases.yaml file of the same name.",
        "changes": "# TODO: only what this case changes",
        "sheet": "# TODO: the sheet of this case",
        "cases": "# TODO: cases for the rule {rule_id}: one where it fires, one where it stays silent.",
        "other": "Another business",
        "cases_file": "# Scenario cases beside the rules of the same name: a sheet (base, changed by each case),\n"
                      "# and what the rule base must conclude from it. Run them with: advise test",
    },
    "fr": {
        "head": "# TODO : une nouvelle règle, écrite par `advise rules new`. Remplacez chaque TODO, puis lancez",
        "check": "#   advise rules check      (toute la base de règles)",
        "test": "#   advise test             (les cas à côté des règles)",
        "guide": "# Le format est expliqué dans docs/fr/ecrire-des-regles.md.",
        "when": "# toutes les conditions doivent être remplies ; une par ligne : fait: {opérateur: valeur}",
        "placeholder": "# TODO : remplacez cette condition, qu'aucune vraie fiche ne remplit, par les faits que",
        "example": "#   la règle teste, par exemple  - resources.weekly_hours: {lt: 2}",
        "then": "# warn: ALERTE, recommend: RECOMMANDATION ou set: {fait: valeur}",
        "concludes": "# TODO : ce qu'elle conclut (identifiants déclarés dans vocabulary.yaml)",
        "because": "# ce que lit le dirigeant ; {{ fait | filtre }} affiche une valeur",
        "source": "TODO : le passage de l'article (quelques mots cités, sa section) ou la référence",
        "file": "# Règles du thème « {theme} ». Leurs cas à côté : le fichier .cases.yaml du même nom.",
        "changes": "# TODO : seulement ce que ce cas change",
        "sheet": "# TODO : la fiche de ce cas",
        "cases": "# TODO : les cas de la règle {rule_id} : un où elle se déclenche, un où elle reste muette.",
        "other": "Une autre entreprise",
        "cases_file": "# Cas de test des règles du même nom : une fiche (base, modifiée par chaque cas),\n"
                      "# et ce que la base de règles doit en conclure. Lancez-les avec : advise test",
    },
}


def new_rule(rules_dir: str | Path, target: str, lang: str = "en") -> NewRule:
    """Add the skeleton of rule ID to theme THEME's file, and its cases, with comments in
    `lang`; returns where."""
    words = WORDS[lang]
    root = Path(rules_dir)
    theme, rule_id = parse_target(target)
    rulebook = load_rulebook(root)
    if theme not in rulebook.vocabulary.themes:
        raise InputError(Problem("new-unknown-theme", {"theme": theme}, field="THEME",
                                 **did_you_mean(theme, rulebook.vocabulary.themes)))
    if not RULE_ID.match(rule_id):
        raise InputError(Problem("rule-bad-id", {"id": rule_id}, field="ID"))
    for rule in rulebook.rules:
        if rule.id == rule_id:
            raise InputError(Problem("new-id-taken", {"id": rule_id, "where": f"{rule.file}:{rule.line}"},
                                     field="ID"))
    rule_file = _rule_file(root, rulebook, theme)
    cases_file = rule_file.with_name(rule_file.name[: -len(".yaml")] + CASES_SUFFIX)
    warning = next(iter(rulebook.vocabulary.warnings), None)
    old_rules = rule_file.read_text(encoding="utf-8") if rule_file.exists() else None
    old_cases = cases_file.read_text(encoding="utf-8") if cases_file.exists() else None
    cases_valid = old_cases is None or _loads(cases_file, rulebook)
    rules_text, rule_line = _append_rule(old_rules, theme, rule_id, warning, words)
    cases_text, cases_line = _append_cases(old_cases, rule_id, words)
    write_atomically(rule_file, rules_text)
    try:
        write_atomically(cases_file, cases_text)
        check = load_rulebook(root)
        check.rule(rule_id)
        if cases_valid:  # a cases file broken before is not this command's to judge
            load_cases(cases_file, check)
    except (RuleBookError, KeyError) as error:
        _restore(rule_file, old_rules)
        _restore(cases_file, old_cases)
        reason = error.format("en") if isinstance(error, RuleBookError) else "the rule is not found"
        raise RuleBookError(Problem("new-failed", {"reason": reason, "text": _rule_skeleton(rule_id, warning, "  ", words)},
                                    file=str(rule_file))) from None
    return NewRule(rule_id, rule_file, rule_line, old_rules is None, cases_file, cases_line, old_cases is None)


def _loads(cases_file: Path, rulebook: RuleBook) -> bool:
    try:
        load_cases(cases_file, rulebook)
    except RuleBookError:
        return False
    return True


def _restore(path: Path, text: str | None) -> None:
    if text is None:
        path.unlink(missing_ok=True)
    else:
        write_atomically(path, text)


def _rule_file(root: Path, rulebook: RuleBook, theme: str) -> Path:
    """The file holding the theme's rules (its last one), else a new NN-theme.yaml."""
    existing = [rule.file for rule in rulebook.rules if rule.theme == theme]
    if existing:
        return Path(existing[-1])
    order = {theme_id: index for index, theme_id in enumerate(
        sorted(rulebook.vocabulary.themes, key=lambda t: rulebook.vocabulary.themes[t].order))}
    numbers: dict[int, int] = {}  # file number -> its theme's position
    for rule in rulebook.rules:
        match = re.match(r"^(\d+)-", Path(rule.file).name)
        if match:
            numbers[int(match.group(1))] = order.get(rule.theme, 0)
    position = order[theme]
    low = max([n for n, p in numbers.items() if p < position], default=0)
    high = min([n for n, p in numbers.items() if p > position], default=100)
    wanted = (position + 1) * 10
    if not (low < wanted < high) or wanted in numbers:
        wanted = (low + high) // 2
    name = f"{wanted:02d}-{theme}.yaml" if low < wanted < high else f"{theme}.yaml"
    return root / name


def _indent(text: str, key: str) -> str:
    """The indentation of the items of the top-level list `key:` (rules or cases)."""
    lines = text.splitlines()
    for index, line in enumerate(lines):
        if re.match(rf"^{key}:\s*(#.*)?$", line):
            for item in lines[index + 1:]:
                if not item.strip() or item.lstrip().startswith("#"):
                    continue
                match = re.match(r"^([ \t]*)- ", item)
                return match.group(1) if match else "  "
    return "  "


def _rule_skeleton(rule_id: str, warning: str | None, indent: str, words: dict[str, str]) -> str:
    then = f"warn: {warning}" if warning else "set: {verdict: not_yet}"
    lines = [
        words["head"],
        words["check"],
        words["test"],
        words["guide"],
        f"- id: {rule_id}",
        '  title: {en: "TODO: what it detects, in a few words", fr: "TODO : ce qu\'elle détecte, en quelques mots"}',
        "  when:                 " + words["when"],
        "    " + words["placeholder"],
        "    " + words["example"],
        f"    - business.name: {PLACEHOLDER_NAME}",
        "  then:                 " + words["then"],
        f"    {then}   " + words["concludes"],
        "  because:              " + words["because"],
        '    en: "TODO: why, in words the owner understands: you have {{ resources.weekly_hours | hours }} a week."',
        '    fr: "TODO : pourquoi, en mots que le dirigeant comprend : vous avez {{ resources.weekly_hours | hours }} par semaine."',
        f'  source: "{words["source"]}"',
    ]
    return "\n".join(indent + line for line in lines) + "\n"


def _append_rule(old: str | None, theme: str, rule_id: str, warning: str | None,
                 words: dict[str, str]) -> tuple[str, int]:
    if old is None:
        head = words["file"].format(theme=theme) + f"\ntheme: {theme}\nrules:\n"
        text = head + _rule_skeleton(rule_id, warning, "  ", words)
        return text, head.count("\n") + 5
    base = old if old.endswith("\n") else old + "\n"
    base += "\n"
    text = base + _rule_skeleton(rule_id, warning, _indent(old, "rules"), words)
    return text, base.count("\n") + 5


def _sheet_yaml(data: dict[str, Any], indent: str) -> str:
    lines = []
    for key, value in data.items():
        if isinstance(value, dict):
            inner = ", ".join(f"{k}: {yaml_value(v)}" for k, v in value.items())
            lines.append(f"{indent}{key}: {{{inner}}}")
        else:
            lines.append(f"{indent}{key}: {yaml_value(value)}")
    return "\n".join(lines) + "\n"


def _case_skeleton(rule_id: str, indent: str, words: dict[str, str], *, has_base: bool) -> str:
    def sheet(name: str) -> str:
        if has_base:
            return f"  sheet:\n    business: {{name: {yaml_value(name)}}}   {words['changes']}\n"
        data = {k: v for k, v in example_mapping("en").items() if k not in ("version", "lang")}
        data["business"] = {**data["business"], "name": name}
        return f"  sheet:                              {words['sheet']}\n" + _sheet_yaml(data, "    ")

    text = (
        words["cases"].format(rule_id=rule_id) + "\n"
        f"- name: {rule_id}-fires\n"
        '  description: {en: "TODO: the situation where it applies", fr: "TODO : la situation où elle s\'applique"}\n'
        + sheet(PLACEHOLDER_NAME)
        + "  expect:\n"
        f"    fires: [{rule_id}]\n"
        f"- name: {rule_id}-silent\n"
        '  description: {en: "TODO: a close situation where it does not apply", '
        'fr: "TODO : une situation proche où elle ne s\'applique pas"}\n'
        + sheet(words["other"])
        + "  expect:\n"
        f"    silent: [{rule_id}]\n"
    )
    return "".join(indent + line + "\n" if line else "\n" for line in text.splitlines())


def _append_cases(old: str | None, rule_id: str, words: dict[str, str]) -> tuple[str, int]:
    if old is None:
        base = {k: v for k, v in example_mapping("en").items() if k not in ("version", "lang")}
        head = words["cases_file"] + "\nbase:\n" + _sheet_yaml(base, "  ") + "cases:\n"
        return head + _case_skeleton(rule_id, "  ", words, has_base=True), head.count("\n") + 2
    has_base = re.search(r"^base:", old, flags=re.M) is not None
    text = (old if old.endswith("\n") else old + "\n") + "\n"
    return text + _case_skeleton(rule_id, _indent(old, "cases"), words, has_base=has_base), text.count("\n") + 2
