"""The fact sheet: one business described in YAML, validated against contract version 1.

The schema is data (`SHEET_FIELDS`), so validation, `advise init` and the interview all
read the same field list, types and plain-words descriptions. Validation collects every
problem of a sheet and raises them together: a misspelt key must never become a silent
default, since it would give wrong advice.
"""

from __future__ import annotations

import functools
import math
import os
import re
from typing import Any, Mapping, Sequence

from ..errors import (SHOWN_PROBLEMS, FactSheetError, Problem, Text, closest, did_you_mean, register_messages,
                      sort_problems)
from ..records import Record, replace
from ..safetext import escape_character, first_unsafe
from .yamlload import KeyPath, Positions, describe, load_yaml, load_yaml_text

PLATFORMS = ("facebook", "instagram", "x", "linkedin", "tiktok", "youtube", "pinterest")
PLATFORM_ALIASES = {"twitter": "x"}
OBJECTIVES = ("visibility", "community", "customer_service", "sales", "recruitment", "reputation")
SIZES = ("tpe", "pme", "large")
AUDIENCES = ("b2c", "b2b", "both")
# The trades of the contract (business.sector), each with what it covers; `other` gives the
# advice of a business whose trade the knowledge base does not single out.
SECTORS: dict[str, tuple[str, str]] = {
    "retail": ("shops: florist, bookshop, clothing", "commerces : fleuriste, librairie, vêtements"),
    "food": ("bakery, butcher, wine shop, producer", "boulangerie, boucherie, caviste, producteur"),
    "restaurant": ("restaurants, cafés, bars", "restaurants, cafés, bars"),
    "hospitality": ("hotels, guest houses, campsites, tourism", "hôtels, chambres d'hôtes, campings, tourisme"),
    "trades": ("plumber, electrician, builder, garage", "plombier, électricien, maçon, garage"),
    "beauty_wellness": ("hairdresser, beauty salon, fitness, coaching", "coiffure, institut de beauté, fitness, coaching"),
    "health": ("regulated health professions: doctor, physiotherapist, dentist, pharmacy",
               "professions de santé réglementées : médecin, kinésithérapeute, dentiste, pharmacie"),
    "legal_finance": ("regulated advice: lawyer, notary, accountant, insurance",
                      "conseil réglementé : avocat, notaire, expert-comptable, assurance"),
    "real_estate": ("estate agents, property management", "agences immobilières, gestion immobilière"),
    "industry": ("manufacturing, B2B production", "industrie, production pour les entreprises"),
    "tech_services": ("software, IT, digital agencies", "logiciel, informatique, agences web"),
    "events_creative": ("photographers, weddings, events, artists", "photographes, mariages, événementiel, artistes"),
    "culture_leisure": ("culture, shows, leisure, clubs", "culture, spectacles, loisirs, clubs"),
    "other": ("none of these", "aucun de ceux-ci"),
}
REPORT_LANGS = ("fr", "en")
SHEET_VERSION = 1
OVERRIDE_SOURCE = "--set"  # the file name shown for problems in command-line assignments

register_messages(
    {
        "hint-section-needs": {
            "en": "it needs {fields}",
            "fr": "elle doit contenir {fields}",
        },
        "bad-assignment": {
            "en": "expected name=value, found '{text}'",
            "fr": "attendu nom=valeur, trouvé « {text} »",
        },
        "hint-quote-text": {
            "en": "put it in quotes so that it is read as text",
            "fr": "mettez-le entre guillemets pour qu'il soit lu comme du texte",
        },
        "hint-as-list": {
            "en": "write a list, even of one item: [{value}]",
            "fr": "écrivez une liste, même d'un seul élément : [{value}]",
        },
        "hint-empty-list": {"en": "write [] for an empty list", "fr": "écrivez [] pour une liste vide"},
    }
)


class FieldSpec(Record):
    """One field of the sheet: what it accepts and what it means, in both languages."""

    NOT_HASHED = ("aliases", "meanings")

    def __init__(self,
                 name: str,  # dotted: "resources.weekly_hours"
                 type: str,  # text | bool | number | choice | list (a list of choices)
                 description_en: str,
                 description_fr: str,
                 required: bool = False,
                 default: Any = None,
                 choices: tuple[str, ...] = (),
                 aliases: Mapping[str, str] | None = None,  # other spelling -> choice
                 # Choices: what each covers (en, fr), shown by the interview; the trades they name only
                 # suggest a choice in "did you mean" (hotel -> hospitality), they are never accepted.
                 meanings: Mapping[str, tuple[str, str]] | None = None,
                 # A choice the rule base may extend (business.sector: a consultant adds a trade in the
                 # vocabulary): a plain word outside `choices` passes here, and the advisor checks it
                 # against the rule base's list (check_open_choices).
                 open: bool = False,
                 range: tuple[float, float | None] | None = None,  # numbers: (minimum, maximum or None)
                 length: tuple[int, int] | None = None,  # text: (minimum, maximum) characters
                 # Lists: False when the order carries no meaning; items are then kept in the order of
                 # `choices`, so that the same sheet written in another order gives the same report.
                 ordered: bool = True) -> None:
        self.__dict__.update(name=name, type=type, description_en=description_en, description_fr=description_fr,
                             required=required, default=default, choices=choices,
                             aliases=aliases if aliases is not None else {},
                             meanings=meanings if meanings is not None else {}, open=open, range=range, length=length,
                             ordered=ordered)

    @property
    def path(self) -> tuple[str, ...]:
        return tuple(self.name.split("."))

    @property
    def examples(self) -> dict[str, str]:
        """Each word a choice's meaning names, in both languages (`hotels`, `plombier`) -> the choice."""
        words: dict[str, str] = {}
        for choice, descriptions in self.meanings.items():
            for description in descriptions:
                for word in re.split(r"[,:;]", description):
                    words.setdefault(word.strip().lower(), choice)
        return words


def _flag(name: str, en: str, fr: str) -> FieldSpec:
    return FieldSpec(name, "bool", en, fr, default=False)


def _platform_list(name: str, en: str, fr: str, *, ordered: bool = True) -> FieldSpec:
    return FieldSpec(name, "list", en, fr, default=(), choices=PLATFORMS, aliases=PLATFORM_ALIASES,
                     ordered=ordered)


SHEET_FIELDS: dict[str, FieldSpec] = {
    spec.name: spec
    for spec in (
        FieldSpec(
            "business.name", "text", "name of the business", "nom de l'entreprise",
            required=True, length=(1, 200),
        ),
        FieldSpec(
            "business.size", "choice",
            "size of the business: tpe (fewer than 10 people), pme (10 to 249) or large (250 or more)",
            "taille de l'entreprise : tpe (moins de 10 personnes), pme (10 à 249) ou large (250 ou plus)",
            required=True, choices=SIZES,
        ),
        FieldSpec(
            "business.audience", "choice",
            "who it sells to: b2c (consumers), b2b (other businesses) or both",
            "à qui elle vend : b2c (particuliers), b2b (autres entreprises) ou both (les deux)",
            required=True, choices=AUDIENCES,
        ),
        _flag(
            "business.local",
            "serves a local area (shop, restaurant, trade)",
            "sert une clientèle locale (boutique, restaurant, artisan)",
        ),
        _flag(
            "business.ecommerce",
            "sells online and ships orders itself",
            "vend en ligne et expédie elle-même les commandes",
        ),
        _flag(
            "business.visual_products",
            "what it sells photographs well",
            "ce qu'elle vend se photographie bien",
        ),
        FieldSpec(
            "business.sector", "choice",
            "its trade: " + "; ".join(f"{name} ({en})" for name, (en, _) in SECTORS.items()),
            "son secteur : " + " ; ".join(f"{name} ({fr})" for name, (_, fr) in SECTORS.items()),
            default="other", choices=tuple(SECTORS), open=True, meanings={name: meaning for name, meaning in SECTORS.items() if name != "other"},
        ),
        FieldSpec(
            "resources.weekly_hours", "number",
            "hours per week the business can give to social networks, all profiles together (0 to 168)",
            "heures par semaine que l'entreprise peut consacrer aux réseaux sociaux, tous profils confondus (0 à 168)",
            required=True, range=(0, 168),
        ),
        FieldSpec(
            "resources.monthly_budget", "number",
            "euros per month for visuals, tools, sponsored posts, contests and prizes",
            "euros par mois pour les visuels, les outils, les publications sponsorisées, les jeux-concours et leurs lots",
            required=True, range=(0, None),
        ),
        _flag(
            "resources.graphic_skills",
            "someone in the business can make visuals",
            "quelqu'un dans l'entreprise sait réaliser des visuels",
        ),
        _flag(  # the project's addition (issue 11): whose hours weekly_hours are
            "resources.paid_staff",
            "the weekly hours are those of paid staff whose job this is (a community manager, an agency), "
            "not taken from the owner's work",
            "les heures par semaine sont celles de personnes payées pour cela (un community manager, une agence), "
            "et non prises sur le travail du dirigeant",
        ),
        FieldSpec(
            "objectives", "list",
            "what the business wants from social networks, in its order of intent (may be empty): "
            "visibility, community, customer_service, sales, recruitment, reputation",
            "ce que l'entreprise attend des réseaux sociaux, dans l'ordre de ses intentions (peut être vide) : "
            "visibility (visibilité), community (communauté), customer_service (service client), sales (ventes), "
            "recruitment (recrutement), reputation (réputation)",
            required=True, default=(), choices=OBJECTIVES,
        ),
        _flag(
            "content.editorial_ideas",
            "knows what it will talk about",
            "sait de quoi elle va parler",
        ),
        _flag(
            "content.can_reply_within_a_day",
            "can answer comments and messages within 24 hours",
            "peut répondre aux commentaires et messages en moins de 24 heures",
        ),
        _flag(
            "content.contests_planned",
            "intends to run games or contests",
            "prévoit d'organiser des jeux ou des concours",
        ),
        _flag(
            "content.audience_participation",
            "willing to let the public take part (polls, co-creation, events, meeting members)",
            "prête à faire participer le public (sondages, co-création, événements, rencontres avec les membres)",
        ),
        _platform_list(
            "profiles.planned",
            "platforms the owner intends to open: facebook, instagram, x (or twitter), linkedin, tiktok, youtube, pinterest",
            "plateformes que le dirigeant compte ouvrir : facebook, instagram, x (ou twitter), linkedin, tiktok, youtube, pinterest",
        ),
        _platform_list(
            "profiles.existing",
            "platforms already open",
            "plateformes déjà ouvertes",
            ordered=False,  # what is open has no order of intent, unlike what is planned
        ),
    )
}

# Sheet attributes rather than facts: they say how to read the sheet, not what the business is.
HEADER_FIELDS: dict[str, FieldSpec] = {
    "version": FieldSpec(
        "version", "number",
        "version of the fact sheet format; 1 if absent",
        "version du format de la fiche ; 1 si absente",
        default=SHEET_VERSION,
    ),
    "lang": FieldSpec(
        "lang", "choice",
        "language of the report: fr or en (the command line's --lang wins)",
        "langue du rapport : fr ou en (l'option --lang de la ligne de commande l'emporte)",
        choices=REPORT_LANGS,
    ),
}

# The shape of the sheet, derived from the field list: sections, and which are required.
_SECTIONS: dict[str, bool] = {  # section -> required (it holds a required field)
    section: any(spec.required for spec in SHEET_FIELDS.values() if spec.path[0] == section)
    for section in dict.fromkeys(spec.path[0] for spec in SHEET_FIELDS.values() if len(spec.path) == 2)
}
# Each field's path, section and key, split once (FieldSpec.path splits its name at every use).
_FIELD_PATHS: dict[str, tuple[KeyPath, KeyPath, str]] = {
    name: (spec.path, spec.path[:-1], spec.path[-1]) for name, spec in SHEET_FIELDS.items()}
_KEYS_AT: dict[KeyPath, tuple[str, ...]] = {
    (): (*HEADER_FIELDS, *dict.fromkeys(spec.path[0] for spec in SHEET_FIELDS.values())),
    **{(section,): tuple(s.path[1] for s in SHEET_FIELDS.values() if s.path[0] == section) for section in _SECTIONS},
}
# Every valid key as a dotted name, to suggest the right place for a misplaced key.
_ALL_KEYS = (*HEADER_FIELDS, *_SECTIONS, *SHEET_FIELDS)

@functools.cache
def _plain_word() -> re.Pattern[str]:
    """What an open choice may add: lower-case words joined by _ (compiled when first needed)."""
    return re.compile(r"[a-z][a-z0-9_]*")
_MISSING = object()
_INVALID = object()


class FactSheet(Record):
    """A validated sheet. `facts` holds every field, defaults applied; treat it as read-only."""

    def __init__(self,
                 path: str | None,
                 lang: str | None,
                 version: int,
                 facts: dict[str, Any],  # dotted name -> value: str, bool, float, or tuple of str
                 positions: dict[str, int],  # dotted name -> line in the sheet, for the fields it gives
                 # The fields the sheet states itself (the others take their default), with or without a
                 # line: a sheet built from a form or a mapping has none.
                 given: frozenset[str] = frozenset()) -> None:
        self.__dict__.update(path=path, lang=lang, version=version, facts=facts, positions=positions, given=given)


def load_fact_sheet(path: str | os.PathLike[str], *, display_name: str | None = None) -> FactSheet:
    """Read and validate a fact sheet file; raises FactSheetError with every problem."""
    name = display_name if display_name is not None else str(path)
    data, positions = load_yaml(path, error=FactSheetError, display_name=name)
    return parse_fact_sheet(data, filename=name, positions=positions)


def parse_fact_sheet(data: Any, *, filename: str, positions: Positions | None = None) -> FactSheet:
    """Validate already-loaded sheet data; `positions` give lines to the problems."""
    return _Validator(filename, positions or Positions()).sheet(data, path=filename)


def fact_sheet_from_mapping(mapping: Mapping[str, Any], *, filename: str = "<facts>") -> FactSheet:
    """Validate a plain nested dict shaped like a sheet (tests, what-if); lists may be tuples."""
    return _Validator(filename, Positions()).sheet(mapping, path=None)


def apply_overrides(sheet: FactSheet, assignments: list[str]) -> FactSheet:
    """A copy of `sheet` with `name=value` assignments applied, each validated like the sheet.

    Values are YAML: `6`, `true`, `[visibility, community]`. Problems name the file `--set`.
    """
    validator = _Validator(OVERRIDE_SOURCE, Positions())
    facts, lines = dict(sheet.facts), dict(sheet.positions)
    for text in assignments:
        name, sep, raw = text.partition("=")
        name = name.strip()
        if not sep or not name:
            validator.report("bad-assignment", (), None, text=text)
            continue
        spec = SHEET_FIELDS.get(name)
        if spec is None:
            validator.report("unknown-key", (), name, key=name, **did_you_mean(name, SHEET_FIELDS))
            continue
        value = validator.parse_assigned(raw, name)
        if value is not _INVALID:
            value = validator.value(spec, value, spec.path)
        if value is not _INVALID:
            facts[name] = value
            lines.pop(name, None)  # the sheet's line no longer explains this value
    validator.raise_problems()
    return replace(sheet, facts=facts, positions=lines)


class _Validator:
    """Checks one sheet (or one set of assignments), collecting every problem."""

    def __init__(self, filename: str, positions: Positions):
        self.filename = filename
        self.positions = positions
        self.problems: list[Problem] = []
        self._unknown: dict[int, tuple[str, KeyPath]] = {}  # id(problem) -> its key and where, for a hint

    def report(self, code: str, path: KeyPath, field_name: str | None, **params: Any) -> None:
        """A problem at `path` (its own position, else its nearest ancestor's line)."""
        hint_keys = {"hint": params.pop("hint", None), "hint_params": params.pop("hint_params", {})}
        mark = self.positions.of(path)
        line, column = mark if mark else (self.positions.line(path), None)
        self.problems.append(
            Problem(code, params, file=self.filename, line=line, column=column, field=field_name, **hint_keys)
        )

    def raise_problems(self) -> None:
        if not self.problems:
            return
        # An unknown key gets its did-you-mean only if the error shows it (the first
        # SHOWN_PROBLEMS, in line order): a hostile sheet may hold a million unknown keys.
        shown = {id(problem) for problem in sort_problems(self.problems)[:SHOWN_PROBLEMS]}
        raise FactSheetError([replace(problem, **_key_hint(*self._unknown[id(problem)]))
                              if id(problem) in self._unknown and id(problem) in shown else problem
                              for problem in self.problems])

    def sheet(self, data: Any, *, path: str | None) -> FactSheet:
        if type(data) is not dict and not isinstance(data, Mapping):
            self.report("not-a-mapping", (), None, found=describe(data))
            self.raise_problems()
        self.unknown_keys(data, ())
        version = self.version(data.get("version", SHEET_VERSION))
        lang = self.value(HEADER_FIELDS["lang"], data["lang"], ("lang",)) if "lang" in data else None

        containers: dict[KeyPath, Mapping[str, Any] | None] = {(): data}
        for section, required in _SECTIONS.items():
            block = data.get(section, _MISSING)
            if block is _MISSING:
                if required:
                    needed = [spec.path[-1] for spec in SHEET_FIELDS.values()
                              if spec.required and spec.path[:-1] == (section,)]
                    # what to write inside it, not only its name (same code: tools match on it)
                    hint = {"hint": "hint-section-needs", "hint_params": {"fields": _and(needed)}} if needed else {}
                    self.report("missing-field", (), section, **hint)
                # its fields take their defaults: a missing required section is reported
                # once, not once per field
                containers[(section,)] = None
            elif type(block) is dict or isinstance(block, Mapping):  # (an ABC's check: slow)
                containers[(section,)] = block
                self.unknown_keys(block, (section,))
            else:
                self.report("not-a-mapping", (section,), section, found=describe(block))
                containers[(section,)] = None

        facts: dict[str, Any] = {}
        lines: dict[str, int] = {}
        given: set[str] = set()
        marks = self.positions.marks  # a field's own line, most often (else its nearest ancestor's)
        for name, spec, check, field_path, section, key in _FIELDS:
            facts[name] = spec.default
            container = containers[section]
            if container is None:
                continue
            value = container.get(key, _MISSING)
            if value is _MISSING:
                if spec.required:
                    self.report("missing-field", section, name)
                continue
            facts[name] = check(self, spec, value, field_path)  # what self.value(spec, value, field_path) does
            given.add(name)
            mark = marks.get(field_path)
            line = mark[0] if mark is not None else self.positions.line(field_path)
            if line is not None:
                lines[name] = line
        self.raise_problems()
        return FactSheet(path=path, lang=lang, version=version, facts=facts, positions=lines, given=frozenset(given))

    def unknown_keys(self, mapping: Mapping[str, Any], parent: KeyPath) -> None:
        allowed = _KEYS_AT[parent]
        for key in mapping:
            if key not in allowed:
                dotted = ".".join((*parent, str(key)))
                self.report("unknown-key", (*parent, key), dotted, key=key)
                self._unknown[id(self.problems[-1])] = (str(key), parent)  # its hint: raise_problems

    def version(self, value: Any) -> int:
        # Only the integer 1: `true` equals 1 in Python, and "1" or 1.5 are other formats.
        if type(value) is not int or value != SHEET_VERSION:
            self.report("bad-version", ("version",), "version", value=value)
        return SHEET_VERSION

    def value(self, spec: FieldSpec, value: Any, path: KeyPath) -> Any:
        """The normalised value, or _INVALID after reporting why."""
        return _CHECKS[spec.type](self, spec, value, path)

    def _wrong_type(self, spec: FieldSpec, value: Any, path: KeyPath, expected: str, **hint: Any) -> object:
        self.report("wrong-type", path, spec.name, expected=expected, found=describe(value), **hint)
        return _INVALID

    def _bool(self, spec: FieldSpec, value: Any, path: KeyPath) -> Any:
        if isinstance(value, bool):
            return value
        return self._wrong_type(spec, value, path, "true or false")

    def _number(self, spec: FieldSpec, value: Any, path: KeyPath) -> Any:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return self._wrong_type(spec, value, path, "a number")
        try:
            number = float(value)
        except OverflowError:  # an integer beyond any float
            number = math.inf
        low, high = spec.range or (-math.inf, None)
        if not math.isfinite(number) or number < low or (high is not None and number > high):
            shown = f"{low:g}..{high:g}" if high is not None else f">= {low:g}"
            self.report("out-of-range", path, spec.name, value=value, range=shown)
            return _INVALID
        return number

    def _text(self, spec: FieldSpec, value: Any, path: KeyPath) -> Any:
        if not isinstance(value, str):
            # `name: 2024` or `name: no` is read as a number or a boolean by YAML
            hint = {"hint": "hint-quote-text"} if isinstance(value, (bool, int, float)) else {}
            return self._wrong_type(spec, value, path, "text", **hint)
        text = value.strip()
        unsafe = first_unsafe(text)  # a sheet given as a mapping (the web, --set) is checked here
        if unsafe is not None:
            code = "lone-surrogate" if "\ud800" <= unsafe[1] <= "\udfff" else "control-character"
            self.report(code, path, spec.name, character=escape_character(unsafe[1]))
            return _INVALID
        low, high = spec.length or (0, math.inf)
        if not low <= len(text) <= high:
            self.report("text-length", path, spec.name, min=low, max=high, length=len(text))
            return _INVALID
        return text

    def _choice(self, spec: FieldSpec, value: Any, path: KeyPath) -> Any:
        if not isinstance(value, str):
            return self._wrong_type(spec, value, path, "one of: " + ", ".join(spec.choices))
        name = value.strip().lower()
        name = spec.aliases.get(name, name)
        if name in spec.choices or (spec.open and _plain_word().fullmatch(name)):
            return name
        suggestion = closest(name, (*spec.choices, *spec.aliases, *spec.examples))
        suggestion = spec.examples.get(suggestion, suggestion) if suggestion else None
        hint = {"hint": "hint-did-you-mean", "hint_params": {"suggestion": suggestion}} if suggestion else {}
        self.report("bad-choice", path, spec.name, value=value, choices=", ".join(spec.choices), **hint)
        return _INVALID

    def _list(self, spec: FieldSpec, value: Any, path: KeyPath) -> Any:
        if not isinstance(value, (list, tuple)):
            if value is None:
                hint: dict[str, Any] = {"hint": "hint-empty-list"}
            elif isinstance(value, str):
                hint = {"hint": "hint-as-list", "hint_params": {"value": value}}
            else:
                hint = {}
            return self._wrong_type(spec, value, path, "a list", **hint)
        items: list[str] = []
        valid = True
        for index, item in enumerate(value):
            name = self._choice(spec, item, (*path, index))
            if name is _INVALID:
                valid = False
            elif name in items:  # after normalisation: `twitter` and `x` are the same
                self.report("duplicate-item", (*path, index), spec.name, value=name)
                valid = False
            else:
                items.append(name)
        if not valid:
            return _INVALID
        if not spec.ordered:
            items.sort(key=spec.choices.index)
        return tuple(items)

    def parse_assigned(self, raw: str, name: str) -> Any:
        """The YAML value of an assignment; `name=` alone is null, refused by the field."""
        if not raw.strip():
            return None
        try:
            value, _ = load_yaml_text(raw, filename=self.filename, error=FactSheetError)
        except FactSheetError as error:
            # Lines and columns inside a one-line value would point nowhere useful.
            self.problems += [replace(p, field=name, line=None, column=None) for p in error.problems]
            return _INVALID
        return value


_CHECKS = {"bool": _Validator._bool, "number": _Validator._number, "text": _Validator._text,
           "choice": _Validator._choice, "list": _Validator._list}
# Each field with its check, path, section and key, found once for every sheet.
_FIELDS = tuple((name, spec, _CHECKS[spec.type], *_FIELD_PATHS[name]) for name, spec in SHEET_FIELDS.items())


def _and(names: list[str]) -> Text:
    if len(names) == 1:
        return Text(names[0], fr=names[0])
    return Text(", ".join(names[:-1]) + " and " + names[-1], fr=", ".join(names[:-1]) + " et " + names[-1])


def _key_hint(key: str, parent: KeyPath) -> dict[str, Any]:
    """Did-you-mean for an unknown key: a close key here, else the right place for it."""
    here = _KEYS_AT[parent]
    prefix = "".join(f"{part}." for part in parent)
    elsewhere = [name for name in _ALL_KEYS if not name.startswith(prefix) or name.count(".") != len(parent)]
    exact = [name for name in elsewhere if name.rsplit(".", 1)[-1] == key]
    suggestion = exact[0] if exact else closest(key, here) or closest(key, elsewhere)
    if suggestion:
        return {"hint": "hint-did-you-mean", "hint_params": {"suggestion": suggestion}}
    return did_you_mean(key, here)  # the list of valid keys here


def check_open_choices(sheet: FactSheet, allowed: Mapping[str, Sequence[str]]) -> None:
    """The open choices of a sheet (business.sector) against the lists a rule base declares
    (field -> every valid value); raises FactSheetError as the sheet's own validation does."""
    filename, problems = sheet.path or "<facts>", []
    for name, values in allowed.items():
        spec = SHEET_FIELDS[name]
        value = sheet.facts.get(name)
        if value is None or value in values:
            continue
        suggestion = closest(value, (*values, *spec.examples))
        suggestion = spec.examples.get(suggestion, suggestion) if suggestion else None
        hint = {"hint": "hint-did-you-mean", "hint_params": {"suggestion": suggestion}} if suggestion else {}
        problems.append(Problem("bad-choice", {"value": value, "choices": ", ".join(values)},
                                file=filename, line=sheet.positions.get(name), field=name, **hint))
    if problems:
        raise FactSheetError(problems)
