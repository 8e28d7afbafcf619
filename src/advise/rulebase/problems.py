"""Problems found while loading a rule base: their messages, and the collector that
gathers them across every file so that all are reported at once."""

from __future__ import annotations

from typing import Any, Iterable

from ..errors import LANGS, Problem, Severity, did_you_mean, register_messages
from ..sheet.yamlload import Positions, describe

register_messages({
    "rules-dir-missing": {"en": "the rules folder does not exist", "fr": "le dossier de règles n'existe pas"},
    "rules-none": {"en": "no rule file found in this folder", "fr": "aucun fichier de règles dans ce dossier"},
    "vocabulary-missing": {
        "en": "vocabulary.yaml is missing: it declares the facts, warnings and recommendations the rules may use",
        "fr": "vocabulary.yaml manque : il déclare les faits, points d'attention et recommandations que les règles peuvent utiliser",
    },
    "rule-duplicate-id": {
        "en": "the rule id '{id}' is already used in {other}",
        "fr": "l'identifiant de règle « {id} » est déjà utilisé dans {other}",
    },
    "rule-bad-id": {
        "en": "rule ids are lower-case words joined by hyphens (e.g. 'time-per-profile'), not '{id}'",
        "fr": "un identifiant de règle est fait de mots en minuscules reliés par des tirets (ex. « time-per-profile »), pas « {id} »",
    },
    "missing-translation": {
        "en": "the text has no '{lang}' version; every text a reader sees exists in {langs}",
        "fr": "le texte n'a pas de version « {lang} » ; tout texte lu existe en {langs}",
    },
    "empty-text": {"en": "the text is empty", "fr": "le texte est vide"},
    "unknown-fact": {"en": "unknown fact '{name}'", "fr": "fait inconnu « {name} »"},
    "unknown-name": {
        "en": "'{name}' is neither a fact nor a table value",
        "fr": "« {name} » n'est ni un fait ni une valeur de table",
    },
    "unknown-operator": {"en": "unknown operator '{name}'", "fr": "opérateur inconnu « {name} »"},
    "operator-kind": {
        "en": "the operator '{op}' does not apply to '{fact}', which is {kind}; it applies to: {kinds}",
        "fr": "l'opérateur « {op} » ne s'applique pas à « {fact} », qui est de type {kind} ; il s'applique à : {kinds}",
    },
    "table-value-use": {
        "en": "the table value '{name}' is {found}, but the rule {rule_id} ({where}) compares '{fact}' with it "
              "('{op}'), which needs {expected}; a number is written without quotes",
        "fr": "la valeur de table « {name} » vaut {found}, mais la règle {rule_id} ({where}) lui compare « {fact} » "
              "(« {op} »), ce qui demande {expected} ; un nombre s'écrit sans guillemets",
    },
    "operand-item": {
        "en": "item {index} of the list for '{op}' on '{fact}' is {found}, but must be {expected}",
        "fr": "l'élément {index} de la liste de « {op} » sur « {fact} » vaut {found}, mais doit être {expected}",
    },
    "operand-type": {
        "en": "'{op}' on '{fact}' needs {expected}, found {found}",
        "fr": "« {op} » sur « {fact} » demande {expected}, trouvé {found}",
    },
    "fact-reference": {
        "en": "a condition compares a fact with a constant, not with another fact ('{name}'); compute the difference in a rule (then: set:) and test it",
        "fr": "une condition compare un fait à une constante, pas à un autre fait (« {name} ») ; calculez l'écart dans une règle (then: set:) et testez-le",
    },
    "condition-shape": {
        "en": "a condition is one 'fact: test' pair, 'not:', 'any:' or 'all:'; found {found}",
        "fr": "une condition est une paire « fait: test », « not: », « any: » ou « all: » ; trouvé {found}",
    },
    "not-shape": {
        "en": "'not' takes one 'fact: test' condition",
        "fr": "« not » prend une seule condition « fait: test »",
    },
    "nesting": {
        "en": "'{kind}' cannot be nested here: use 'any' inside the rule's list, and 'all' inside 'any'",
        "fr": "« {kind} » ne peut pas être imbriqué ici : « any » dans la liste de la règle, « all » dans « any »",
    },
    "empty-group": {
        "en": "'{kind}' needs at least one condition",
        "fr": "« {kind} » demande au moins une condition",
    },
    "then-empty": {
        "en": "the rule concludes nothing: give 'set', 'add', 'warn' or 'recommend'",
        "fr": "la règle ne conclut rien : donnez « set », « add », « warn » ou « recommend »",
    },
    "set-sheet-fact": {
        "en": "'{name}' comes from the fact sheet; rules conclude derived facts only",
        "fr": "« {name} » vient de la fiche ; les règles ne concluent que des faits déduits",
    },
    "add-not-family": {
        "en": "'add' adds points to a member of a family of numbers (e.g. fit.linkedin); '{name}' is not one",
        "fr": "« add » ajoute des points à un membre d'une famille de nombres (ex. fit.linkedin) ; « {name} » n'en est pas un",
    },
    "set-and-add": {
        "en": "'{name}' is both set and added to (by {rules}); choose one",
        "fr": "« {name} » est à la fois fixé et augmenté (par {rules}) ; choisissez l'un des deux",
    },
    "bad-value": {
        "en": "'{value}' is not a valid value for '{fact}' ({expected})",
        "fr": "« {value} » n'est pas une valeur valide pour « {fact} » ({expected})",
    },
    "unknown-id": {"en": "unknown {kind} '{id}'", "fr": "{kind} inconnu(e) « {id} »"},
    "expr-syntax": {"en": "expression syntax error: {reason}", "fr": "erreur de syntaxe dans l'expression : {reason}"},
    "expr-forbidden": {
        "en": "not allowed in an expression: {what}",
        "fr": "interdit dans une expression : {what}",
    },
    "expr-unknown-function": {
        "en": "unknown function '{name}'; available: {choices}",
        "fr": "fonction inconnue « {name} » ; disponibles : {choices}",
    },
    "expr-arity": {
        "en": "'{name}' takes {low} to {high} values, found {found}",
        "fr": "« {name} » prend de {low} à {high} valeurs, trouvé {found}",
    },
    "expr-not-number": {"en": "expected a number, found {value}", "fr": "nombre attendu, trouvé {value}"},
    "expr-not-list": {"en": "expected a list, found {value}", "fr": "liste attendue, trouvé {value}"},
    "expr-not-table": {"en": "expected a table, found {value}", "fr": "table attendue, trouvé {value}"},
    "expr-compare": {"en": "cannot compare {left} with {right}", "fr": "impossible de comparer {left} et {right}"},
    "expr-division-by-zero": {"en": "division by zero", "fr": "division par zéro"},
    "template-syntax": {"en": "template error: {reason}", "fr": "erreur de modèle : {reason}"},
    "template-unsafe": {
        "en": "the text does what a rule text may not do: {reason}",
        "fr": "le texte fait ce qu'un texte de règle ne peut pas faire : {reason}",
    },
    "template-name": {
        "en": "the text uses '{name}', which is not a fact, a table or a helper",
        "fr": "le texte utilise « {name} », qui n'est ni un fait, ni une table, ni une aide",
    },
    "table-duplicate": {
        "en": "the table '{name}' is already defined in {other}",
        "fr": "la table « {name} » est déjà définie dans {other}",
    },
    "table-name-clash": {
        "en": "the table name '{name}' is also a fact name; rename the table",
        "fr": "le nom de table « {name} » est aussi un nom de fait ; renommez la table",
    },
    "bad-name": {
        "en": "'{name}' is not a valid name: lower-case letters, digits and underscores",
        "fr": "« {name} » n'est pas un nom valide : minuscules, chiffres et soulignés",
    },
    "source-missing": {
        "en": "no source: say which passage of the article or which reference this encodes",
        "fr": "pas de source : indiquez le passage de l'article ou la référence encodée",
    },
    "priority-range": {
        "en": "priority must be a whole number from 0 to 1000, found {value}",
        "fr": "la priorité doit être un entier de 0 à 1000, trouvé {value}",
    },
})


class Collector:
    """Gathers problems across all files, so that all are reported at once."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, code: str, *, file: str | None, line: int | None = None, field: str | None = None,
            rule: str | None = None, severity: Severity = Severity.ERROR, **params: Any) -> None:
        hint = params.pop("_hint", {})
        self.problems.append(Problem(code, params, file=file, line=line, field=field, rule=rule,
                                     severity=severity, **hint))


def language_texts(value: Any, *, where: str, file: str, line: int | None, problems: Collector,
           rule: str | None = None, required: bool = True) -> dict[str, str]:
    """A text in every language: {en: ..., fr: ...}."""
    if value is None and not required:
        return {}
    if not isinstance(value, dict):
        problems.add("wrong-type", file=file, line=line, field=where, rule=rule,
                     expected="a text per language (en:, fr:)", found=describe(value))
        return {}
    result: dict[str, str] = {}
    for key, text in value.items():
        if key not in LANGS:
            problems.add("unknown-key", file=file, line=line, field=f"{where}.{key}", rule=rule, key=key,
                         _hint=did_you_mean(key, LANGS))
        elif not isinstance(text, str):
            problems.add("wrong-type", file=file, line=line, field=f"{where}.{key}", rule=rule,
                         expected="text", found=describe(text))
        elif not text.strip():
            problems.add("empty-text", file=file, line=line, field=f"{where}.{key}", rule=rule)
        else:
            result[key] = text.strip()
    for lang in LANGS:
        if lang not in value:
            problems.add("missing-translation", file=file, line=line, field=where, rule=rule, lang=lang,
                         langs=" and ".join(LANGS))
    return result


def unknown_keys(data: dict, allowed: Iterable[str], *, file: str, positions: Positions, path: tuple,
                  problems: Collector, rule: str | None = None) -> None:
    allowed = tuple(allowed)
    for key in data:
        if key not in allowed:
            problems.add("unknown-key", file=file, line=positions.line(path + (key,)),
                         field=".".join(str(p) for p in path + (key,)), rule=rule, key=key,
                         _hint=did_you_mean(key, allowed))

