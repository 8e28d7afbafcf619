"""`advise interview`: the owner answers questions, and a valid fact sheet comes out.

As MYCIN did, the interview asks only what can still change the advice. The required
fields of the contract are always asked (a sheet needs them), first; then each optional
field is asked only if some rule that can still fire reads it, given the answers so far
(advise.workbench.feasibility decides which rules can still fire). A field not asked keeps its
default, and the sheet says why it was not asked.

Each answer is checked at once with the fact sheet's own validation (advise.sheet.facts), so
the messages and "did you mean" hints are those of `advise FILE`. Typing `why` (or `?`,
`pourquoi`) shows the rules that need the answer, as MYCIN's WHY did.

The library is independent of the terminal: the command line (advise.cli.workbench)
only prompts and prints.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..errors import FactSheetError, Problem, agreeing
from ..rulebase.model import RuleBook
from ..sheet.facts import SHEET_FIELDS, FieldSpec, check_open_choices, fact_sheet_from_mapping
from ..sheet.template import allowed, example_mapping, render_sheet, yaml_value
from . import feasibility
from .questions import field_readers, interview_order, parse_answer, question, reasons

WHY_WORDS = ("why", "?", "pourquoi")

_WORDS = {
    "en": {
        "list_values": "any of: {values}; separate them with commas, leave empty for none",
        "why_head": "Why this question: {count} {count:rule that can still apply reads|rules that can still apply read} '{field}':",
        "why_none_required": "No rule reads '{field}' yet; the fact sheet needs it all the same (the contract requires it).",
        "why_none": "No rule that can still apply reads '{field}'.",
        "checks": "checks", "computes": "computes with it", "because": "because",
        "skipped": "not asked: no rule that can still apply reads it, given the answers before; default {default}",
        "skipped_head": "Not asked, as no rule that can still apply reads them (they keep their default):",
        "why_tip": "(type 'why' to see which rules need the answer)",
        "yes": "yes", "no": "no",
    },
    "fr": {
        "list_values": "parmi : {values} ; séparez-les par des virgules, laissez vide pour aucun",
        "why_head": "Pourquoi cette question : {count} {count:règle qui peut encore s'appliquer lit|règles qui peuvent encore s'appliquer lisent} « {field} » :",
        "why_none_required": "Aucune règle ne lit encore « {field} » ; la fiche en a besoin malgré tout (le contrat l'exige).",
        "why_none": "Aucune règle qui peut encore s'appliquer ne lit « {field} ».",
        "checks": "vérifie", "computes": "calcule avec", "because": "parce que",
        "skipped": "non demandé : aucune règle qui peut encore s'appliquer ne le lit, vu les réponses précédentes ; "
                   "valeur par défaut {default}",
        "skipped_head": "Non demandés, car aucune règle qui peut encore s'appliquer ne les lit (ils gardent leur "
                        "valeur par défaut) :",
        "why_tip": "(tapez « pourquoi » pour voir quelles règles ont besoin de la réponse)",
        "yes": "oui", "no": "non",
    },
}


@dataclass(frozen=True)
class Question:
    field: str
    spec: FieldSpec
    text: str  # the question itself
    values: str  # what can be answered
    default: str | None  # what an empty answer means, as typed (None: an answer is needed)


class Interview:
    """The state of one interview: the answers so far and the questions skipped."""

    def __init__(self, rulebook: RuleBook, lang: str = "en"):
        self.rulebook = rulebook
        self.lang = lang
        self.words = _WORDS[lang]
        self.answers: dict[str, Any] = {}
        self.skipped: dict[str, str] = {}
        self._pending = interview_order()

    # -- which question next

    def next_question(self) -> Question | None:
        """The next question worth asking, or None when the sheet is complete."""
        while self._pending:
            name = self._pending[0]
            spec = SHEET_FIELDS[name]
            if spec.required or self.readers(name):
                return self.question(name)
            self._pending.pop(0)
            self.skipped[name] = self.words["skipped"].format(default=yaml_value(
                spec.default if spec.default is not None else []))
        return None

    def question(self, name: str) -> Question:
        spec = SHEET_FIELDS[name]
        text = question(name, self.lang)
        if spec.type == "list":
            values = self.words["list_values"].format(values=" | ".join(spec.choices))
        else:
            values = allowed(spec, self.lang)
        if spec.meanings:  # one choice a line, with what it covers
            index = 0 if self.lang == "en" else 1
            values += "".join(f"\n    {name}: {meaning[index]}" for name, meaning in spec.meanings.items())
            added = [value for value in self.rulebook.vocabulary.open_choices().get(name, ()) if value not in spec.choices]
            names = self.rulebook.vocabulary.sectors
            values += "".join(f"\n    {value}: {names.get(value, {}).get(self.lang, value)}" for value in added)
        if spec.type == "list":
            default: str | None = ""
        elif spec.required:
            default = None
        else:
            default = self.show(spec.default)
        return Question(name, spec, text, values, default)

    def readers(self, name: str) -> list[str]:
        """Rules that can still fire, given the answers, and that read the field (conditions or
        computations): those whose outcome the answer can change."""
        analysis = feasibility.analyse(self.rulebook, known=self.answers)
        return field_readers(self.rulebook, name, analysis.live)

    # -- answers

    def answer(self, name: str, text: str) -> list[Problem]:
        """Record the answer to a field; the problems with it (nothing recorded) if any."""
        spec = SHEET_FIELDS[name]
        value = self.parse(spec, text)
        if isinstance(value, Problem):
            return [value]
        mapping = example_mapping(self.lang)
        for known, known_value in {**self.answers, name: value}.items():
            _put(mapping, known, known_value)
        try:
            sheet = fact_sheet_from_mapping(mapping, filename="<interview>")
            check_open_choices(sheet, self.rulebook.vocabulary.open_choices())
        except FactSheetError as error:
            mine = [p for p in error.problems if p.field == name or (p.field or "").startswith(name + ".")]
            return [Problem(p.code, p.params, field=name, hint=p.hint, hint_params=p.hint_params) for p in mine] \
                or [Problem(p.code, p.params, field=p.field) for p in error.problems]
        self.answers[name] = sheet.facts[name]
        if self._pending and self._pending[0] == name:
            self._pending.pop(0)
        elif name in self._pending:
            self._pending.remove(name)
        return []

    def parse(self, spec: FieldSpec, text: str) -> Any:
        return parse_answer(spec, text)

    # -- why

    def why(self, name: str) -> str:
        """MYCIN's WHY: the rules, still able to fire, that need this answer."""
        readers = self.readers(name)
        words = self.words
        if not readers:
            template = words["why_none_required"] if SHEET_FIELDS[name].required else words["why_none"]
            return template.format(field=name) + "\n"
        lines = [agreeing(words["why_head"], self.lang, count=len(readers), field=name)]
        colon = " :" if self.lang == "fr" else ":"
        for reason in reasons(self.rulebook, name, self.lang, readers):
            lines.append(f"  - {reason.rule}{colon} {reason.title}")
            if reason.checks:
                lines.append(f"    {words['checks']}{colon} " + f" {'and' if self.lang == 'en' else 'et'} ".join(reason.checks))
            elif reason.computes:
                lines.append(f"    {words['computes']}")
            lines.append(f"    {words['because']}{colon} {reason.because}")
        return "\n".join(lines) + "\n"

    # -- the result

    def show(self, value: Any) -> str:
        if isinstance(value, bool):
            return self.words["yes"] if value else self.words["no"]
        return yaml_value(value if value is not None else [])

    def sheet_text(self, *, file: str = "facts.yaml") -> str:
        values: dict[str, Any] = {"lang": self.lang}
        for name, spec in SHEET_FIELDS.items():
            if name in self.answers:
                values[name] = self.answers[name]
            else:
                values[name] = list(spec.default) if isinstance(spec.default, tuple) else spec.default
        return render_sheet(values, self.lang, file=file, skipped=self.skipped)


def _put(data: dict[str, Any], dotted: str, value: Any) -> None:
    parts = dotted.split(".")
    for part in parts[:-1]:
        data = data.setdefault(part, {})
    data[parts[-1]] = list(value) if isinstance(value, tuple) else value
