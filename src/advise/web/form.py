"""The questionnaire: fields built from advise.questions, and a posted form read into a sheet.

Form field names are the sheet's dotted paths (`business.name`, `objectives` repeated for
each choice ticked, ...); a yes/no answer is a checkbox that sends `true`, and `lang` is a
field too. What the form sends is typed as the interview types an answer
(advise.questions.parse_answer) and then validated as a sheet (advise.facts), so the
problems are the ones `advise FILE` reports, each tied to its field.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

from ..errors import FactSheetError, Problem, did_you_mean
from ..sheet.answers import parse_number
from ..sheet.facts import HEADER_FIELDS, REPORT_LANGS, SHEET_FIELDS, FactSheet, fact_sheet_from_mapping
from ..workbench.questions import (SECTIONS, choice_label, choices, description, field_readers, form_order, question,
                         reasons)
from ..rulebase.model import RuleBook
from ..sheet.template import allowed
from .words import WORDS

FORM_FILE = "<form>"  # the file name the problems of a posted form carry
WHAT_IF_PREFIX = "what_if."
WHAT_IF_FIELDS = ("resources.weekly_hours", "resources.monthly_budget")


def html_id(name: str) -> str:
    """An element id for a field: `business.name` -> `f-business-name`."""
    return "f-" + name.replace(".", "-").replace("_", "-")


@dataclass(frozen=True)
class Choice:
    value: str
    label: str
    id: str


@dataclass(frozen=True)
class WhyItem:
    """A rule that reads the answer, by its title (the owner's words; the interview's `why`
    gives the consultant its conditions too)."""

    rule: str
    title: str


@dataclass(frozen=True)
class Field:
    """One question of the questionnaire, ready for the template."""

    name: str  # the sheet's dotted path, and the form field's name
    kind: str  # text | number | choice | bool | list
    id: str
    question: str
    help: str  # what it means and what it takes
    required: bool
    choices: tuple[Choice, ...] = ()
    why: tuple[WhyItem, ...] = ()
    why_note: str = ""
    max_length: int | None = None


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    fields: tuple[Field, ...]


def questionnaire(rulebook: RuleBook, lang: str) -> tuple[Section, ...]:
    """Every field of the sheet, in its part and order, with its question, help and why."""
    words = WORDS[lang]
    sections = []
    for section, names in form_order().items():
        fields = []
        for name in names:
            spec = SHEET_FIELDS[name]
            options = tuple(Choice(value, _upper_first(choice_label(name, value, lang, rulebook.vocabulary)),
                                   f"{html_id(name)}-{value.replace('_', '-')}") for value in choices(name, rulebook))
            readers = field_readers(rulebook, name)
            why = tuple(dict((item.title, item) for item in (_why_item(reason)
                                                              for reason in reasons(rulebook, name, lang, readers))
                             if item.title).values())  # one line per title: rules may share one
            note = "" if why else (words["why_name"] if name == "business.name" else words["why_none"])
            help_text = _help(name, spec, lang)
            fields.append(Field(name, spec.type, html_id(name), question(name, lang), help_text, spec.required,
                                options, why, note, spec.length[1] if spec.length else None))
        sections.append(Section(section, SECTIONS[section][lang], tuple(fields)))
    return tuple(sections)


def language_field(lang: str) -> Field:
    spec = HEADER_FIELDS["lang"]
    choices = tuple(Choice(value, choice_label("lang", value, lang), f"f-lang-{value}") for value in spec.choices)
    return Field("lang", "choice", "f-lang", question("lang", lang), "", True, choices)


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def _help(name: str, spec: Any, lang: str) -> str:
    if spec.type in ("choice", "list", "bool"):
        return ""  # the choices say it
    text = allowed(spec, lang)
    return text[:1].upper() + text[1:] + "."


def _why_item(reason: Any) -> WhyItem:
    return WhyItem(reason.rule, reason.title)


# ---------------------------------------------------------------- reading a posted form


@dataclass
class Answers:
    """A posted form: the values as sent (to show the form again), and the sheet or its problems."""

    values: dict[str, list[str]]  # field -> values as sent (lists keep every ticked choice)
    sheet: FactSheet | None = None
    problems: dict[str, list[Problem]] = field(default_factory=dict)  # field ("" for the form) -> problems
    lang: str | None = None

    @property
    def ok(self) -> bool:
        return self.sheet is not None

    def count(self) -> int:
        return sum(len(found) for found in self.problems.values())


def read_form(form: Mapping[str, Any]) -> Answers:
    """The sheet a posted form describes, or every problem with it, each under its field.

    `form` is a MultiDict (Werkzeug's): `getlist` gives every value of a repeated field.
    """
    values = {name: [str(v) for v in form.getlist(name)] for name in form.keys()}
    mapping: dict[str, Any] = {}
    problems: dict[str, list[Problem]] = {}
    typed: set[str] = set()  # fields whose answer could not be typed: the validator would repeat it
    known = (*SHEET_FIELDS, *HEADER_FIELDS)
    for name in values:
        if name not in known and not name.startswith(WHAT_IF_PREFIX):
            problems.setdefault("", []).append(Problem("unknown-key", {"key": name}, file=FORM_FILE, field=name,
                                                       **did_you_mean(name, known)))
    for name, spec in SHEET_FIELDS.items():
        sent = [v.strip() for v in values.get(name, [])]
        if spec.type == "list":
            _put(mapping, name, [v for v in sent if v])
        elif spec.type == "bool":
            _put(mapping, name, any(v.lower() in ("true", "on", "yes", "1") for v in sent))
        elif not sent or not sent[0]:
            continue  # unanswered: the validator says so if it is required
        elif spec.type == "number":
            number = parse_number(sent[0])
            if number is None:
                problems.setdefault(name, []).append(
                    Problem("interview-not-number", {"text": sent[0]}, file=FORM_FILE, field=name))
                typed.add(name)
            else:
                _put(mapping, name, number)
        else:
            _put(mapping, name, sent[0])
    lang = (values.get("lang") or [""])[0].strip()
    if lang:
        mapping["lang"] = lang
    answers = Answers(values, lang=lang if lang in REPORT_LANGS else None)
    try:
        sheet = fact_sheet_from_mapping(mapping, filename=FORM_FILE)
    except FactSheetError as error:
        for problem in error.problems:
            target = field_of(problem.field)
            if target in typed:
                continue
            problems.setdefault(target, []).append(problem)
        answers.problems = problems
        return answers
    if problems:
        answers.problems = problems
        return answers
    answers.sheet = sheet
    return answers


def what_if_assignments(answers: Answers) -> tuple[list[str], dict[str, list[Problem]]]:
    """The what-if block's changes (`name=value`, as `advise --set` takes them) that differ from
    the answers, and the problems with those that cannot be read."""
    assert answers.sheet is not None
    assignments, problems = [], {}
    for name in WHAT_IF_FIELDS:
        sent = (answers.values.get(WHAT_IF_PREFIX + name) or [""])[0].strip()
        if not sent:
            continue
        number = parse_number(sent)
        if number is None:
            problems[name] = [Problem("interview-not-number", {"text": sent}, field=name)]
        elif number != answers.sheet.facts.get(name):
            assignments.append(f"{name}={number}")
    return assignments, problems


def field_of(problem_field: str | None) -> str:
    """The form field a problem belongs to ("" when none: shown above the form)."""
    if not problem_field:
        return ""
    for name in (*SHEET_FIELDS, *HEADER_FIELDS):
        if problem_field == name or problem_field.startswith((name + ".", name + "[")):
            return name
    return ""


def _put(data: dict[str, Any], dotted: str, value: Any) -> None:
    parts = dotted.split(".")
    for part in parts[:-1]:
        data = data.setdefault(part, {})
    data[parts[-1]] = value


def hidden_fields(values: Mapping[str, Iterable[str]]) -> list[tuple[str, str]]:
    """The answers as (name, value) pairs for hidden inputs, in the questionnaire's order."""
    pairs = []
    for name in (*SHEET_FIELDS, "lang"):
        for value in values.get(name, ()):
            pairs.append((name, value))
    return pairs
