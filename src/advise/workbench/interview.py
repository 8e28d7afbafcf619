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

import re
from dataclasses import dataclass
from typing import Any

from ..errors import FactSheetError, Problem, register_messages
from ..rulebase.rulebook import RuleBook
from ..rulebase.usage import COMPUTATION, CONDITION, NEGATED, rule_reads
from ..sheet.facts import SHEET_FIELDS, FieldSpec, fact_sheet_from_mapping
from ..sheet.template import allowed, example_mapping, render_sheet, yaml_value
from . import feasibility
from .docs import Phrases

register_messages({
    "interview-not-number": {
        "en": "'{text}' is not a number; write it with digits, e.g. 3 or 2.5",
        "fr": "« {text} » n'est pas un nombre ; écrivez-le en chiffres, par ex. 3 ou 2,5",
    },
    "interview-not-yes-no": {
        "en": "answer yes or no", "fr": "répondez oui ou non",
    },
})

WHY_WORDS = ("why", "?", "pourquoi")
_YES = {"y", "yes", "true", "o", "oui", "vrai", "1"}
_NO = {"n", "no", "false", "non", "faux", "0"}
_NONE_WORDS = {"", "-", "none", "nothing", "aucun", "aucune", "rien", "[]"}

QUESTIONS: dict[str, dict[str, str]] = {
    "business.name": {"en": "What is the name of the business?", "fr": "Quel est le nom de l'entreprise ?"},
    "business.size": {"en": "How big is the business?", "fr": "Quelle est la taille de l'entreprise ?"},
    "business.audience": {"en": "Who does it sell to?", "fr": "À qui vend-elle ?"},
    "business.local": {"en": "Does it serve a local area (shop, restaurant, trade)?",
                       "fr": "Sert-elle une clientèle locale (boutique, restaurant, artisan) ?"},
    "business.ecommerce": {"en": "Does it sell online and ship the orders itself?",
                           "fr": "Vend-elle en ligne en expédiant elle-même les commandes ?"},
    "business.visual_products": {"en": "Does what it sells photograph well?",
                                 "fr": "Ce qu'elle vend se photographie-t-il bien ?"},
    "business.sector": {"en": "What is its trade?", "fr": "Quel est son secteur d'activité ?"},
    "resources.weekly_hours": {
        "en": "How many hours a week can the business give to social networks, all profiles together?",
        "fr": "Combien d'heures par semaine l'entreprise peut-elle consacrer aux réseaux sociaux, tous profils confondus ?"},
    "resources.monthly_budget": {
        "en": "How many euros a month for visuals, tools, sponsored posts and contests?",
        "fr": "Combien d'euros par mois pour les visuels, les outils, les publications sponsorisées et les jeux-concours ?"},
    "resources.graphic_skills": {"en": "Can someone in the business make visuals?",
                                 "fr": "Quelqu'un dans l'entreprise sait-il réaliser des visuels ?"},
    "objectives": {"en": "What does the business want from social networks?",
                   "fr": "Qu'attend l'entreprise des réseaux sociaux ?"},
    "content.editorial_ideas": {"en": "Does the business know what it will talk about?",
                                "fr": "L'entreprise sait-elle de quoi elle va parler ?"},
    "content.can_reply_within_a_day": {"en": "Can the business answer comments and messages within 24 hours?",
                                       "fr": "L'entreprise peut-elle répondre aux commentaires et messages en moins de 24 heures ?"},
    "content.contests_planned": {"en": "Does the business intend to run games or contests?",
                                 "fr": "L'entreprise prévoit-elle d'organiser des jeux ou des concours ?"},
    "content.audience_participation": {
        "en": "Is the business willing to let the public take part (polls, co-creation, events, meetings)?",
        "fr": "L'entreprise est-elle prête à faire participer le public (sondages, co-création, événements, rencontres) ?"},
    "profiles.planned": {"en": "Which networks does the owner intend to open?",
                         "fr": "Quels réseaux le dirigeant compte-t-il ouvrir ?"},
    "profiles.existing": {"en": "Which networks are already open?", "fr": "Quels réseaux sont déjà ouverts ?"},
}

_WORDS = {
    "en": {
        "list_values": "any of: {values}; separate them with commas, leave empty for none",
        "why_head": "Why this question: {count} rule(s) that can still apply read '{field}':",
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
        "why_head": "Pourquoi cette question : {count} règle(s) qui peuvent encore s'appliquer lisent « {field} » :",
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
        order = [name for name, spec in SHEET_FIELDS.items() if spec.required]
        order += [name for name, spec in SHEET_FIELDS.items() if not spec.required]
        self._pending = order

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
        text = QUESTIONS.get(name, {}).get(self.lang) or (spec.description_en if self.lang == "en"
                                                           else spec.description_fr)
        if spec.type == "list":
            values = self.words["list_values"].format(values=" | ".join(spec.choices))
        else:
            values = allowed(spec, self.lang)
        if spec.meanings:  # one choice a line, with what it covers
            index = 0 if self.lang == "en" else 1
            values += "".join(f"\n    {name}: {meaning[index]}" for name, meaning in spec.meanings.items())
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
        readers = []
        for rule in analysis.live:
            uses = rule_reads(self.rulebook, rule).get(name, set())
            if uses & {CONDITION, NEGATED, COMPUTATION}:
                readers.append(rule.id)
        return readers

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
        raw = text.strip()
        if not raw and not spec.required and spec.type != "list":
            return list(spec.default) if isinstance(spec.default, tuple) else spec.default
        if spec.type == "bool":
            word = raw.lower()
            if word in _YES:
                return True
            if word in _NO:
                return False
            return Problem("interview-not-yes-no", field=spec.name)
        if spec.type == "number":
            candidate = raw.replace("\u202f", "").replace(" ", "")
            candidate = candidate.replace(",", ".") if candidate.count(",") == 1 and "." not in candidate else candidate
            try:
                number = float(candidate)
            except ValueError:
                return Problem("interview-not-number", {"text": raw}, field=spec.name)
            return int(number) if number.is_integer() and abs(number) < 1e15 else number
        if spec.type == "list":
            if raw.lower() in _NONE_WORDS:
                return []
            return [item for item in re.split(r"[,;\s]+", raw.strip("[]")) if item]
        return raw

    # -- why

    def why(self, name: str) -> str:
        """MYCIN's WHY: the rules, still able to fire, that need this answer."""
        phrases = Phrases(self.rulebook, self.lang)
        readers = self.readers(name)
        words = self.words
        if not readers:
            template = words["why_none_required"] if SHEET_FIELDS[name].required else words["why_none"]
            return template.format(field=name) + "\n"
        lines = [words["why_head"].format(count=len(readers), field=name)]
        colon = " :" if self.lang == "fr" else ":"
        for rule_id in readers:
            rule = self.rulebook.rule(rule_id)
            lines.append(f"  - {rule.id}{colon} {rule.title.get(self.lang, '')}")
            tests = [phrases.condition(c) for c in rule.conditions if c.fact == name]
            if tests:
                lines.append(f"    {words['checks']}{colon} " + f" {'and' if self.lang == 'en' else 'et'} ".join(tests))
            elif any(c.expression is not None and name in _names(self.rulebook, c) for c in rule.then):
                lines.append(f"    {words['computes']}")
            lines.append(f"    {words['because']}{colon} {phrases.because_outline(rule)}")
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


def _names(rulebook: RuleBook, conclusion: Any) -> set[str]:
    from ..rulebase.usage import resolve

    names: set[str] = set()
    for name in conclusion.expression.names:
        names.update(resolve(rulebook, name))
    return names


def _put(data: dict[str, Any], dotted: str, value: Any) -> None:
    parts = dotted.split(".")
    for part in parts[:-1]:
        data = data.setdefault(part, {})
    data[parts[-1]] = list(value) if isinstance(value, tuple) else value
