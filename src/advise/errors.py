"""One root error type for everything advise refuses or fails at.

Every error carries one or more `Problem`s. A problem knows where it is (file, line,
column, field, rule id) and what is wrong, as a stable code with parameters, so that the
same problem reads in French or English and tools can match on the code.
"""

from __future__ import annotations

import re
import string
from enum import StrEnum
from typing import Any, Iterable

from .records import Record
from .safetext import QUOTE_LIMIT, bounded, quote, visible

LANGS = ("en", "fr")

# code -> {lang: template}. Templates use str.format with the problem's params, plus
# `{count:error|errors}` for the word that agrees with a number (see _Agreeing).
MESSAGES: dict[str, dict[str, str]] = {
    # fact sheet
    "file-missing": {"en": "file not found", "fr": "fichier introuvable"},
    "file-is-directory": {"en": "this is a folder, not a file", "fr": "c'est un dossier, pas un fichier"},
    "file-unreadable": {"en": "cannot read the file: {reason}", "fr": "impossible de lire le fichier : {reason}"},
    "file-empty": {"en": "the file is empty", "fr": "le fichier est vide"},
    "file-too-large": {
        "en": "the file is {size} bytes; the limit is {limit} bytes (1 MiB)",
        "fr": "le fichier fait {size} octets ; la limite est de {limit} octets (1 Mio)",
    },
    "not-utf8": {
        "en": "the file is not UTF-8 text (byte {offset})",
        "fr": "le fichier n'est pas du texte UTF-8 (octet {offset})",
    },
    "yaml-syntax": {"en": "not valid YAML: {reason}", "fr": "YAML invalide : {reason}"},
    "yaml-tag": {
        "en": "the tag {tag} asks to build an object; only plain data is accepted",
        "fr": "l'étiquette {tag} demande de construire un objet ; seules des données simples sont acceptées",
    },
    "yaml-alias": {
        "en": "anchors and aliases (&name, *name) are not accepted; write the value out",
        "fr": "les ancres et alias (&nom, *nom) ne sont pas acceptés ; écrivez la valeur en entier",
    },
    "yaml-duplicate-key": {
        "en": "the key '{key}' appears twice (first on line {first_line})",
        "fr": "la clé « {key} » apparaît deux fois (d'abord ligne {first_line})",
    },
    "not-a-mapping": {
        "en": "expected a mapping (key: value), found {found}",
        "fr": "une table (clé : valeur) est attendue, trouvé {found}",
    },
    "not-a-list": {"en": "expected a list, found {found}", "fr": "une liste est attendue, trouvé {found}"},
    "unknown-key": {"en": "unknown key '{key}'", "fr": "clé inconnue « {key} »"},
    "missing-field": {"en": "required field is missing", "fr": "champ obligatoire manquant"},
    "wrong-type": {
        "en": "expected {expected}, found {found}",
        "fr": "attendu : {expected}, trouvé : {found}",
    },
    "out-of-range": {
        "en": "{value} is out of range: expected {range}",
        "fr": "{value} est hors limites : attendu {range}",
    },
    "bad-choice": {
        "en": "'{value}' is not one of: {choices}",
        "fr": "« {value} » ne fait pas partie de : {choices}",
    },
    "duplicate-item": {"en": "'{value}' is listed twice", "fr": "« {value} » figure deux fois"},
    "text-length": {
        "en": "the text must have {min} to {max} characters, it has {length}",
        "fr": "le texte doit avoir de {min} à {max} caractères, il en a {length}",
    },
    "bad-version": {
        "en": "version {value} is not supported; this advise reads version 1",
        "fr": "la version {value} n'est pas prise en charge ; advise lit la version 1",
    },
    # generic hint
    "hint-did-you-mean": {"en": "did you mean '{suggestion}'?", "fr": "vouliez-vous dire « {suggestion} » ?"},
    "hint-choices": {"en": "expected one of: {choices}", "fr": "valeurs possibles : {choices}"},
    # output
    "output-is-input": {
        "en": "refusing to write the report over the fact sheet itself",
        "fr": "refus d'écrire le rapport par-dessus la fiche elle-même",
    },
    "output-failed": {"en": "cannot write the report: {reason}", "fr": "impossible d'écrire le rapport : {reason}"},
    "internal": {"en": "internal error: {reason}", "fr": "erreur interne : {reason}"},
}


class Text(str):
    """A parameter value that exists in every language: its str value is the English one.

    `Text(en="a number", fr="un nombre")` can go wherever a str went (existing code keeps
    working: it reads English), and a message rendered in French uses the French text.
    A plain dict {"en": ..., "fr": ...} given as a parameter is rendered the same way.
    """

    translations: dict[str, str]

    def __new__(cls, en: str, **others: str) -> "Text":
        text = super().__new__(cls, en)
        text.translations = {"en": en, **others}
        return text

    def get(self, lang: str) -> str:
        return self.translations.get(lang, str(self))


# Fixed English phrases that callers pass as `expected`/`found` (type names in fact sheet
# and rule file errors): their French, so that a French message does not read half English.
# New code should pass Text(...) or {en:, fr:} instead.
PHRASES: dict[str, dict[str, str]] = {
    "a number": {"fr": "un nombre"},
    "true or false": {"fr": "true ou false"},
    "text": {"fr": "du texte"},
    "a list": {"fr": "une liste"},
    "a word": {"fr": "un mot"},
    "a mapping": {"fr": "une table (clé : valeur)"},
    "nothing (null)": {"fr": "rien (null)"},
    "a whole number >= 0": {"fr": "un nombre entier >= 0"},
    "a text per language (en:, fr:)": {"fr": "un texte par langue (en:, fr:)"},
    "an id or a list of ids": {"fr": "un identifiant ou une liste d'identifiants"},
    "a list of words, or 'verdicts'": {"fr": "une liste de mots, ou « verdicts »"},
    "a list of words": {"fr": "une liste de mots"},
}
# Phrases with a variable part: (pattern, {lang: replacement}). Compiled when an error is
# shown in French (by re's own cache), not by every run.
PHRASE_PATTERNS: list[tuple[Any, dict[str, str]]] = []
PHRASE_PATTERNS += [
    (r"(?s)^one of: (.*)$", {"fr": r"l'une des valeurs : \1"}),
    (r"(?s)^one of (.*)$", {"fr": r"l'une des valeurs \1"}),
    (r"(?s)^a list of values \((.*)\)$", {"fr": r"une liste de valeurs (\1)"}),
    (r"(?s)^a list of (.*)$", {"fr": r"une liste de \1"}),
]
TRANSLATED_PARAMS = ("expected", "found", "kind", "kinds")


def _phrase(name: str, value: Any, lang: str) -> Any:
    """A parameter's value in `lang`: Text and {en, fr} dicts per language; known phrases translated."""
    if isinstance(value, Text):
        return value.get(lang)
    if isinstance(value, dict) and value and set(value) <= set(LANGS) and "en" in value:
        return value.get(lang, value["en"])
    if lang == "en" or name not in TRANSLATED_PARAMS or not isinstance(value, str):
        return value
    known = PHRASES.get(value)
    if known and lang in known:
        return known[lang]
    for pattern, replacements in PHRASE_PATTERNS:
        if lang in replacements and re.match(pattern, value):
            return re.sub(pattern, replacements[lang], value)
    return value


def register_messages(messages: dict[str, dict[str, str]]) -> None:
    """Let a module add its own codes; each must exist in every language."""
    for code, texts in messages.items():
        missing = [lang for lang in LANGS if lang not in texts]
        if missing:  # a programming error, caught by the tests at import time
            raise ValueError(f"message {code!r} lacks a translation: {missing}")
        MESSAGES[code] = texts


class Severity(StrEnum):
    """How bad a problem is: an error stops the run (exit 2), a warning deserves a look."""

    ERROR = "error"
    WARNING = "warning"


class Problem(Record):
    """One thing wrong, and where."""

    def __init__(self,
                 code: str,
                 params: dict[str, Any] | None = None,
                 file: str | None = None,
                 line: int | None = None,
                 column: int | None = None,
                 field: str | None = None,
                 rule: str | None = None,
                 hint: str | None = None,  # a message code
                 hint_params: dict[str, Any] | None = None,
                 severity: Severity = Severity.ERROR) -> None:
        self.__dict__.update(code=code, params=params if params is not None else {}, file=file, line=line,
                             column=column, field=field, rule=rule, hint=hint,
                             hint_params=hint_params if hint_params is not None else {},
                             severity=Severity(severity))  # "error" given as text too

    def message(self, lang: str = "en") -> str:
        return _render(self.code, self.params, lang)

    def hint_text(self, lang: str = "en") -> str | None:
        return _render(self.hint, self.hint_params, lang) if self.hint else None

    def location(self) -> str:
        parts = []
        if self.file:
            where = quote(self.file, QUOTE_LIMIT * 2)
            if self.line is not None:
                where += f":{self.line}"
                if self.column is not None:
                    where += f":{self.column}"
            parts.append(where)
        if self.rule:
            parts.append(f"[{self.rule}]")
        if self.field:
            parts.append(quote(self.field, QUOTE_LIMIT))
        return " ".join(parts)

    def format(self, lang: str = "en") -> str:
        location = self.location()
        text = f"{location}: {self.message(lang)}" if location else self.message(lang)
        hint = self.hint_text(lang)
        if hint:
            label = "hint:" if lang == "en" else "conseil\u00a0:"
            text += f"\n  {label} {hint}"
        return text

    def as_dict(self, lang: str = "en") -> dict[str, Any]:
        data = {
            "code": self.code,
            "severity": self.severity,
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "field": self.field,
            "rule": self.rule,
            "message": self.message(lang),
            "hint": self.hint_text(lang),
        }
        return {key: value for key, value in data.items() if value is not None}


def _render(code: str, params: dict[str, Any], lang: str) -> str:
    texts = MESSAGES.get(code)
    if texts is None:
        return code + (f" {params}" if params else "")
    template = texts.get(lang) or texts["en"]
    values = {name: _shown(_phrase(name, value, lang), lang, name) for name, value in params.items()}
    try:
        return _Agreeing(lang).format(template, **values) if "|" in template else template.format(**values)
    except (KeyError, IndexError):
        return template


def agreeing(template: str, lang: str, /, **values: Any) -> str:
    """`template.format(**values)`, where `{count:rule|rules}` gives the word agreeing with count."""
    return _Agreeing(lang).format(template, **values)


class _Agreeing(string.Formatter):
    """str.format, plus `{count:rule|rules}`: the word agreeing with the number, never
    "rule(s)". French counts 0 and 1 as singular ("0 erreur"), English only 1 ("0 errors")."""

    def __init__(self, lang: str):
        self.lang = lang

    def format_field(self, value: Any, format_spec: str) -> Any:
        if "|" in format_spec and isinstance(value, int) and not isinstance(value, bool):
            one, other = format_spec.split("|", 1)
            return one if (abs(value) < 2 if self.lang == "fr" else value == 1) else other
        return super().format_field(value, format_spec)


def _shown(value: Any, lang: str, name: str = "") -> Any:
    """A parameter as the message shows it: without control characters, and bounded. A value
    quoted from the input (VALUE_PARAMS) is cut short, with its length, on one line; what
    advise composed itself (a list of rules, a reason) gets a far larger bound."""
    if not isinstance(value, str):
        return value
    if name in VALUE_PARAMS:
        return quote(value, QUOTE_LIMIT, lang)
    return bounded(visible(value), PARAM_LIMIT, lang)


VALUE_PARAMS = frozenset({"value", "key", "name", "id", "tag", "item", "suggestion", "character"})
PARAM_LIMIT = 4000
# An error lists this many problems at most, then how many more there are: a sheet of a
# million unknown keys gets a screenful, not 15 MB.
SHOWN_PROBLEMS = 50


def more_problems(count: int, lang: str) -> str:
    if lang == "fr":
        return f"… et {count} autre{'s' if count > 1 else ''} problème{'s' if count > 1 else ''} (corrigez d'abord ceux-ci)"
    return f"… and {count} more problem{'s' if count > 1 else ''} (fix these first)"


def sort_problems(problems: Iterable[Problem]) -> list[Problem]:
    """File, then line, then field: the order in which a reader fixes them."""
    return sorted(
        problems,
        key=lambda p: (p.file or "", p.line if p.line is not None else 10**9, p.column or 0, p.field or "", p.rule or "", p.code),
    )


class AdviseError(Exception):
    """Root of every error advise reports. `exit_code`: 2 bad input, 1 internal."""

    exit_code = 1

    def __init__(self, problems: Problem | Iterable[Problem]):
        if isinstance(problems, Problem):
            problems = [problems]
        self.problems = sort_problems(problems)
        super().__init__(self.format("en"))

    def format(self, lang: str = "en", limit: int | None = None) -> str:
        """Every problem, one after the other; `limit`: at most that many, then how many more."""
        shown = self.problems if limit is None else self.problems[:limit]
        lines = [problem.format(lang) for problem in shown]
        if len(shown) < len(self.problems):
            lines.append(more_problems(len(self.problems) - len(shown), lang))
        return "\n".join(lines)

    # Convenience accessors for the first problem, for callers that handle one.
    @property
    def file(self) -> str | None:
        return self.problems[0].file if self.problems else None

    @property
    def line(self) -> int | None:
        return self.problems[0].line if self.problems else None

    @property
    def rule(self) -> str | None:
        return self.problems[0].rule if self.problems else None

    @property
    def codes(self) -> list[str]:
        return [problem.code for problem in self.problems]


class InputError(AdviseError):
    """The user's input is wrong: a fact sheet, an option, an output path."""

    exit_code = 2


class FactSheetError(InputError):
    """The fact sheet cannot be read or does not follow the contract."""


class RuleBookError(InputError):
    """A rule file, table or catalogue is invalid: no advice from a partial rule base."""


class RuleRunError(AdviseError):
    """A rule failed while running (an error in its computation, a conflict): the rule base
    is wrong, so it is bad input (exit 2), named by the rule's file and line."""

    exit_code = 2


class ConflictError(RuleRunError):
    """Two rules concluded different values for the same fact."""


class CycleError(RuleRunError):
    """Rules kept firing past the bound: a cycle."""


class EngineError(AdviseError):
    """durable_rules itself failed: an internal error."""

    exit_code = 1


def closest(name: str, candidates: Iterable[str]) -> str | None:
    """The most similar candidate, for 'did you mean'. None when nothing is close."""
    candidates = list(candidates)
    # The same last part of a dotted name is the best hint (weekly_hours -> resources.weekly_hours).
    same_tail = [c for c in candidates if c != name and c.rsplit(".", 1)[-1] == name.rsplit(".", 1)[-1]]
    if len(same_tail) == 1:
        return same_tail[0]
    import difflib  # only for a hint: not loaded by a run that has nothing to correct

    matches = difflib.get_close_matches(name, candidates, n=1, cutoff=0.6)
    if matches:
        return matches[0]
    lowered = {candidate.lower(): candidate for candidate in candidates}
    if name.lower() in lowered:
        return lowered[name.lower()]
    # A dotted name: try matching its last part alone (resources.weekly_hour -> weekly_hours).
    tail = name.rsplit(".", 1)[-1]
    tails: dict[str, str] = {}
    for candidate in candidates:
        tails.setdefault(candidate.rsplit(".", 1)[-1], candidate)
    matches = difflib.get_close_matches(tail, list(tails), n=1, cutoff=0.75)
    return tails[matches[0]] if matches else None


def did_you_mean(name: str, candidates: Iterable[str]) -> dict[str, Any]:
    """Keyword arguments for a Problem: a did-you-mean hint, or the list of choices."""
    candidates = sorted(set(candidates))
    suggestion = closest(name, candidates)
    if suggestion is not None:
        return {"hint": "hint-did-you-mean", "hint_params": {"suggestion": suggestion}}
    if len(candidates) <= 12:
        return {"hint": "hint-choices", "hint_params": {"choices": ", ".join(candidates)}}
    return {}
