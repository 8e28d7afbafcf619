"""The fact sheet's fields as questions for an owner: one source for every way of asking.

`advise init` (the commented blank sheet), `advise interview` (a question at a time), the
web questionnaire (advise.web) and the answers of a form tool (advise.sheet.csv) all ask
for the same fields (advise.sheet.facts.SHEET_FIELDS, in its order). What each needs beyond the
contract lives here: the question in plain words, a label for each choice, the headings of
the questionnaire, why a field is asked (the rules that read it, in their own words), and
how a typed answer becomes a value (the validation itself stays in advise.sheet.facts).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ..errors import Problem, register_messages
from ..rulebase.model import RuleBook
from ..sheet.answers import NONE_WORDS, parse_number, parse_yes_no
from ..sheet.facts import HEADER_FIELDS, SHEET_FIELDS, FieldSpec

register_messages({
    "interview-not-number": {
        "en": "'{text}' is not a number; write it with digits, e.g. 3 or 2.5",
        "fr": "« {text} » n'est pas un nombre ; écrivez-le en chiffres, par ex. 3 ou 2,5",
    },
    "interview-not-yes-no": {
        "en": "answer yes or no", "fr": "répondez oui ou non",
    },
})

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
    "resources.paid_staff": {"en": "Are these hours those of someone paid for it (a community manager, an agency)?",
                             "fr": "Ces heures sont-elles celles d'une personne payée pour cela (community manager, agence) ?"},
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
    "lang": {"en": "In which language should the report be written?", "fr": "Dans quelle langue écrire le rapport ?"},
}

# The choices of the sheet's own closed sets; objectives and platforms take the rule base's
# names (its vocabulary), which a consultant may reword.
CHOICE_LABELS: dict[str, dict[str, dict[str, str]]] = {
    "business.size": {
        "tpe": {"en": "Very small: fewer than 10 people (TPE)", "fr": "Très petite : moins de 10 personnes (TPE)"},
        "pme": {"en": "Small or medium: 10 to 249 people (PME)", "fr": "Petite ou moyenne : 10 à 249 personnes (PME)"},
        "large": {"en": "Large: 250 people or more", "fr": "Grande : 250 personnes ou plus"},
    },
    "business.audience": {
        "b2c": {"en": "Consumers (B2C)", "fr": "Des particuliers (B2C)"},
        "b2b": {"en": "Other businesses (B2B)", "fr": "D'autres entreprises (B2B)"},
        "both": {"en": "Both", "fr": "Les deux"},
    },
    "business.sector": {"other": {"en": "Another trade", "fr": "Un autre secteur"}},
    "lang": {"en": {"en": "English", "fr": "anglais"}, "fr": {"en": "French", "fr": "français"}},
}

# The questionnaire's parts, in the order of the article: who the business is, its
# resources, its objectives, what it can say, then the profiles.
SECTIONS: dict[str, dict[str, str]] = {
    "business": {"en": "The business", "fr": "L'entreprise"},
    "resources": {"en": "Time and budget", "fr": "Temps et budget"},
    "objectives": {"en": "Objectives", "fr": "Objectifs"},
    "content": {"en": "What the business can say and do", "fr": "Ce que l'entreprise peut dire et faire"},
    "profiles": {"en": "Profiles on social networks", "fr": "Profils sur les réseaux sociaux"},
}


def section_of(name: str) -> str:
    """The questionnaire part a field belongs to: its first path element."""
    return SHEET_FIELDS[name].path[0]


def question(name: str, lang: str) -> str:
    spec = SHEET_FIELDS.get(name) or HEADER_FIELDS[name]
    return QUESTIONS.get(name, {}).get(lang) or (spec.description_en if lang == "en" else spec.description_fr)


def description(name: str, lang: str) -> str:
    spec = SHEET_FIELDS.get(name) or HEADER_FIELDS[name]
    return spec.description_en if lang == "en" else spec.description_fr


def choice_label(name: str, value: str, lang: str, vocabulary: Any = None) -> str:
    """How a choice reads: the sheet's own label or meaning, else the rule base's name, else the code."""
    own = CHOICE_LABELS.get(name, {}).get(value)
    if own:
        return own[lang]
    spec = SHEET_FIELDS.get(name)
    meaning = spec.meanings.get(value) if spec is not None else None
    if meaning:
        return meaning[0 if lang == "en" else 1]
    if vocabulary is not None:
        names = {"objectives": vocabulary.objectives, "business.sector": getattr(vocabulary, "sectors", {})}.get(
            name, vocabulary.platforms)
        entry = names.get(value)
        if isinstance(entry, dict) and entry.get(lang):
            return str(entry[lang])
    return value


def choices(name: str, rulebook: RuleBook | None = None) -> tuple[str, ...]:
    """What a field may take: the contract's choices, and for an open choice (business.sector)
    those the rule base adds."""
    spec = SHEET_FIELDS.get(name) or HEADER_FIELDS[name]
    if rulebook is not None and spec.open:
        return tuple(rulebook.vocabulary.open_choices().get(name, spec.choices))
    return spec.choices


def interview_order() -> list[str]:
    """The interview asks what the contract requires first, then the rest (each in sheet order)."""
    return [name for name, spec in SHEET_FIELDS.items() if spec.required] + \
        [name for name, spec in SHEET_FIELDS.items() if not spec.required]


def form_order() -> dict[str, list[str]]:
    """The questionnaire: each part and its fields, in sheet order (every field is shown)."""
    parts: dict[str, list[str]] = {section: [] for section in SECTIONS}
    for name in SHEET_FIELDS:
        parts[section_of(name)].append(name)
    return parts


# ---------------------------------------------------------------- why we ask


@dataclass(frozen=True)
class Reason:
    """One rule that reads a field: what it checks with it and why, in the rule's words."""

    rule: str
    title: str
    checks: tuple[str, ...]  # the rule's conditions on this field, in plain words
    computes: bool  # the rule computes a value with the field
    because: str


def field_readers(rulebook: RuleBook, name: str, live: Any = None) -> list[str]:
    """Rules that read the field in a condition or a computation: those whose outcome the
    answer can change. `live`: only among these rules (the interview passes those that can
    still fire); None: among all."""
    from ..rulebase.usage import COMPUTATION, CONDITION, NEGATED, rule_reads

    rules = rulebook.rules if live is None else live
    return [rule.id for rule in rules
            if rule_reads(rulebook, rule).get(name, set()) & {CONDITION, NEGATED, COMPUTATION}]


def reasons(rulebook: RuleBook, name: str, lang: str, rule_ids: list[str]) -> list[Reason]:
    """Why the field is asked: each reading rule's title, its tests on the field and its `because`."""
    from .docs import Phrases

    phrases = Phrases(rulebook, lang)
    found = []
    for rule_id in dict.fromkeys(rule_ids):
        rule = rulebook.rule(rule_id)
        checks = tuple(phrases.condition(c) for c in rule.conditions if c.fact == name)
        computes = not checks and any(c.expression is not None and name in _names(rulebook, c) for c in rule.then)
        found.append(Reason(rule.id, rule.title.get(lang, ""), checks, computes, phrases.because_outline(rule)))
    return found


def _names(rulebook: RuleBook, conclusion: Any) -> set[str]:
    from ..rulebase.usage import resolve

    names: set[str] = set()
    for name in conclusion.expression.names:
        names.update(resolve(rulebook, name))
    return names


# ---------------------------------------------------------------- typed answers


def parse_answer(spec: FieldSpec, text: str) -> Any:
    """An answer typed by a person (the interview, a form): the value, or a Problem.

    Yes/no in English or French; numbers with a decimal comma and spaces between
    thousands; lists separated by commas, semicolons or spaces. An empty answer to an
    optional field is its default. The value is then validated as a sheet's would be.
    """
    raw = text.strip()
    if not raw and not spec.required and spec.type != "list":
        return list(spec.default) if isinstance(spec.default, tuple) else spec.default
    if spec.type == "bool":
        answer = parse_yes_no(raw)
        return Problem("interview-not-yes-no", field=spec.name) if answer is None else answer
    if spec.type == "number":
        number = parse_number(raw)
        if number is None:
            return Problem("interview-not-number", {"text": raw}, field=spec.name)
        return number
    if spec.type == "list":
        if raw.lower() in NONE_WORDS:
            return []
        return [item for item in re.split(r"[,;\s]+", raw.strip("[]")) if item]
    return raw
