"""Reading vocabulary.yaml: the derived facts, warnings, recommendations, verdicts,
platforms, objectives, themes, units, glossary, and the labels of the sheet's fields."""

from __future__ import annotations

from typing import Any

from ..errors import did_you_mean
from ..records import replace
from ..sheet.facts import OBJECTIVES, PLATFORMS, SECTORS, SHEET_FIELDS
from ..sheet.yamlload import Positions, describe
from .model import ADVICE_FOR, FACT_TYPES, ITEM_KINDS, NAME, UNITS, FactType, Theme, Vocabulary, value_fits
from .operators import BOOL, LIST, NUMBER, TEXT
from .problems import Collector, language_texts, unknown_keys


class VocabularyReader:
    SECTIONS = ("facts", "warnings", "recommendations", "verdicts", "platforms", "objectives", "sectors", "themes",
                "units", "glossary", "sheet")

    def __init__(self, file: str, data: Any, positions: Positions, problems: Collector):
        self.file, self.data, self.positions, self.problems = file, data, positions, problems

    def line(self, *path: Any) -> int | None:
        return self.positions.line(tuple(path))

    def read(self) -> Vocabulary | None:
        if not isinstance(self.data, dict):
            self.problems.add("not-a-mapping", file=self.file, line=1, found=describe(self.data))
            return None
        unknown_keys(self.data, self.SECTIONS, file=self.file, positions=self.positions, path=(),
                      problems=self.problems)
        facts: dict[str, FactType] = {}
        sheet_labels = self.section("sheet")
        for name, spec in SHEET_FIELDS.items():
            entry = sheet_labels.get(name, {})
            label = language_texts(entry.get("label") if isinstance(entry, dict) else None, where=f"sheet.{name}.label",
                           file=self.file, line=self.line("sheet", name) or self.line("sheet"),
                           problems=self.problems)
            facts[name] = sheet_fact_type(name, spec, label)
        for name in sheet_labels:
            if name not in SHEET_FIELDS:
                self.problems.add("unknown-fact", file=self.file, line=self.line("sheet", name),
                                  field=f"sheet.{name}", name=name, _hint=did_you_mean(name, SHEET_FIELDS))

        def titled(section: str, extra: tuple[str, ...] = (), choices: dict[str, tuple[Any, ...]] | None = None,
                   optional: tuple[str, ...] = ()) -> dict[str, dict[str, Any]]:
            """Entries with a title (and `extra` texts); `choices`: optional keys with a closed
            set of values, the first being the default; `optional`: texts that may be left out."""
            choices = choices or {}
            result: dict[str, dict[str, Any]] = {}
            for key, entry in self.section(section).items():
                where = f"{section}.{key}"
                if not NAME.match(str(key)):
                    self.problems.add("bad-name", file=self.file, line=self.line(section, key), field=where, name=key)
                if not isinstance(entry, dict):
                    self.problems.add("not-a-mapping", file=self.file, line=self.line(section, key), field=where,
                                      found=describe(entry))
                    continue
                unknown_keys(entry, ("title",) + extra + tuple(choices) + optional, file=self.file,
                             positions=self.positions,
                              path=(section, key), problems=self.problems)
                item = {"title": language_texts(entry.get("title"), where=f"{where}.title", file=self.file,
                                        line=self.line(section, key), problems=self.problems)}
                for name in extra:
                    item[name] = language_texts(entry.get(name), where=f"{where}.{name}", file=self.file,
                                        line=self.line(section, key), problems=self.problems)
                for name, allowed in choices.items():
                    value = entry.get(name, allowed[0])
                    if value not in allowed or isinstance(value, bool) != isinstance(allowed[0], bool):
                        shown = [str(choice).lower() for choice in allowed]
                        self.problems.add("bad-choice", file=self.file, line=self.line(section, key, name)
                                          or self.line(section, key), field=f"{where}.{name}", value=value,
                                          choices=", ".join(shown), _hint=did_you_mean(str(value), shown))
                        value = allowed[0]
                    item[name] = value
                for name in optional:  # `why`: the reason in a few words, for the report's summary
                    if entry.get(name) is not None:
                        item[name] = language_texts(entry.get(name), where=f"{where}.{name}", file=self.file,
                                                    line=self.line(section, key), problems=self.problems)
                result[key] = item
            return result

        warnings = titled("warnings", choices={"advice_for": ADVICE_FOR}, optional=("why",))
        recommendations = titled("recommendations", choices={"advice_for": ADVICE_FOR}, optional=("why",))
        verdicts = titled("verdicts", ("meaning",), choices={"animates": (True, False)})
        for key in warnings:
            facts[f"warnings.{key}"] = FactType(f"warnings.{key}", BOOL, default=False, has_default=True,
                                                label=warnings[key]["title"], file=self.file,
                                                line=self.line("warnings", key))
        for key in recommendations:
            facts[f"recommendations.{key}"] = FactType(
                f"recommendations.{key}", BOOL, default=False, has_default=True,
                label=recommendations[key]["title"], file=self.file, line=self.line("recommendations", key))
        platforms = self.names("platforms", PLATFORMS)
        objectives = self.names("objectives", OBJECTIVES)
        # Optional: without it, reports show the sectors' identifiers.
        # A key beyond the contract's adds a trade: business.sector then accepts it (check_open_choices).
        sectors = self.names("sectors", tuple(SECTORS), extensible=True) if "sectors" in self.data else {}
        added = tuple(key for key in sectors if key not in SECTORS)  # listed before `other`, the last
        if added and "business.sector" in facts:
            facts["business.sector"] = replace(facts["business.sector"],
                                                           choices=(*tuple(SECTORS)[:-1], *added, "other"))
        families: dict[str, tuple[str, ...]] = {}
        for name, entry in self.section("facts").items():
            declared = self.derived_fact(name, entry, tuple(verdicts))
            if declared is None:
                continue
            if declared.family:
                members = PLATFORMS if declared.family == "platform" else tuple(objectives)
                families[name] = tuple(f"{name}.{member}" for member in members)
                for member in families[name]:
                    facts[member] = FactType(member, declared.kind, integer=declared.integer, family=name,
                                             default=declared.default, has_default=declared.has_default,
                                             unit=declared.unit, label=declared.label, file=self.file,
                                             line=declared.line)
            elif name in facts:
                self.problems.add("set-sheet-fact", file=self.file, line=self.line("facts", name),
                                  field=f"facts.{name}", name=name)
            else:
                facts[name] = declared
        themes: dict[str, Theme] = {}
        raw_themes = self.data.get("themes", [])
        if not isinstance(raw_themes, list):
            self.problems.add("not-a-list", file=self.file, line=self.line("themes"), field="themes",
                              found=describe(raw_themes))
            raw_themes = []
        for index, entry in enumerate(raw_themes):
            if not isinstance(entry, dict) or "id" not in entry:
                self.problems.add("condition-shape", file=self.file, line=self.line("themes", index),
                                  field=f"themes[{index}]", found=describe(entry))
                continue
            unknown_keys(entry, ("id", "title"), file=self.file, positions=self.positions,
                          path=("themes", index), problems=self.problems)
            themes[str(entry["id"])] = Theme(str(entry["id"]), language_texts(
                entry.get("title"), where=f"themes[{index}].title", file=self.file,
                line=self.line("themes", index), problems=self.problems), index)
        units: dict[str, dict[str, str]] = {}
        for unit, entry in self.section("units").items():
            if unit not in UNITS:
                self.problems.add("bad-choice", file=self.file, line=self.line("units", unit), field=f"units.{unit}",
                                  value=unit, choices=", ".join(UNITS), _hint=did_you_mean(unit, UNITS))
            units[unit] = language_texts(entry, where=f"units.{unit}", file=self.file, line=self.line("units", unit),
                                 problems=self.problems)
        glossary: dict[str, dict[str, Any]] = {}
        for term, entry in self.section("glossary").items():
            if not isinstance(entry, dict):
                self.problems.add("not-a-mapping", file=self.file, line=self.line("glossary", term),
                                  field=f"glossary.{term}", found=describe(entry))
                continue
            unknown_keys(entry, ("term", "meaning"), file=self.file, positions=self.positions,
                          path=("glossary", term), problems=self.problems)
            glossary[term] = {key: language_texts(entry.get(key), where=f"glossary.{term}.{key}", file=self.file,
                                          line=self.line("glossary", term), problems=self.problems)
                              for key in ("term", "meaning")}
        return Vocabulary(facts=facts, families=families, warnings=warnings, recommendations=recommendations,
                          verdicts=verdicts, platforms=platforms, objectives=objectives, themes=themes,
                          units=units, glossary=glossary, file=self.file, sectors=sectors)

    def section(self, name: str) -> dict[str, Any]:
        value = self.data.get(name, {})
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.problems.add("not-a-mapping", file=self.file, line=self.line(name), field=name,
                              found=describe(value))
            return {}
        return value

    def names(self, section: str, expected: tuple[str, ...], *, extensible: bool = False) -> dict[str, dict[str, str]]:
        """Display names of platforms/objectives/sectors: each one of the contract's, in every
        language; `extensible`: more keys are new members (sectors a consultant adds)."""
        entries = self.section(section)
        result: dict[str, dict[str, str]] = {}
        for key in expected:
            result[key] = language_texts(entries.get(key), where=f"{section}.{key}", file=self.file,
                                 line=self.line(section, key) or self.line(section), problems=self.problems)
        for key in entries:
            if key in expected:
                continue
            if extensible and NAME.match(str(key)):
                result[key] = language_texts(entries.get(key), where=f"{section}.{key}", file=self.file,
                                             line=self.line(section, key), problems=self.problems)
            elif extensible:
                self.problems.add("bad-name", file=self.file, line=self.line(section, key), field=f"{section}.{key}",
                                  name=key)
            else:
                self.problems.add("unknown-key", file=self.file, line=self.line(section, key),
                                  field=f"{section}.{key}", key=key, _hint=did_you_mean(key, expected))
        return result

    def derived_fact(self, name: str, entry: Any, verdicts: tuple[str, ...]) -> FactType | None:
        where = f"facts.{name}"
        line = self.line("facts", name)
        if not NAME.match(str(name)):
            self.problems.add("bad-name", file=self.file, line=line, field=where, name=name)
            return None
        if not isinstance(entry, dict):
            self.problems.add("not-a-mapping", file=self.file, line=line, field=where, found=describe(entry))
            return None
        unknown_keys(entry, ("type", "choices", "items", "per", "default", "unit", "label"), file=self.file,
                      positions=self.positions, path=("facts", name), problems=self.problems)
        label = language_texts(entry.get("label"), where=f"{where}.label", file=self.file, line=line,
                       problems=self.problems)
        type_name = entry.get("type")
        if type_name not in FACT_TYPES:
            self.problems.add("bad-choice", file=self.file, line=line, field=f"{where}.type", value=type_name,
                              choices=", ".join(FACT_TYPES), _hint=did_you_mean(str(type_name), FACT_TYPES))
            return None
        unit = entry.get("unit", "none")
        if unit not in UNITS:
            self.problems.add("bad-choice", file=self.file, line=line, field=f"{where}.unit", value=unit,
                              choices=", ".join(UNITS), _hint=did_you_mean(str(unit), UNITS))
        kind = {"number": NUMBER, "integer": NUMBER, "bool": BOOL, "text": TEXT, "choice": TEXT,
                "list": LIST}[type_name]
        choices: tuple[str, ...] = ()
        items = None
        if type_name == "choice":
            raw = entry.get("choices", "verdicts")
            if raw == "verdicts":
                choices = verdicts
            elif isinstance(raw, list) and all(isinstance(c, str) for c in raw) and raw:
                choices = tuple(raw)
            else:
                self.problems.add("wrong-type", file=self.file, line=line, field=f"{where}.choices",
                                  expected="a list of words, or 'verdicts'", found=describe(raw))
        if type_name == "list":
            items = entry.get("items", "text")
            if items not in ITEM_KINDS:
                self.problems.add("bad-choice", file=self.file, line=line, field=f"{where}.items", value=items,
                                  choices=", ".join(ITEM_KINDS), _hint=did_you_mean(str(items), ITEM_KINDS))
                items = "text"
            choices = {"platform": PLATFORMS, "objective": OBJECTIVES}.get(items, ())
        family = entry.get("per")
        if family is not None and family not in ("platform", "objective"):
            self.problems.add("bad-choice", file=self.file, line=line, field=f"{where}.per", value=family,
                              choices="platform, objective", _hint=did_you_mean(str(family), ("platform", "objective")))
            family = None
        has_default = "default" in entry
        default = entry.get("default")
        if has_default and not value_fits(default, kind, type_name == "integer", choices):
            self.problems.add("bad-value", file=self.file, line=line, field=f"{where}.default", value=default,
                              fact=name, expected=type_name)
        if has_default and isinstance(default, list):
            default = tuple(default)
        return FactType(name, kind, integer=type_name == "integer", choices=choices, items=items, family=family,
                        default=default, has_default=has_default, unit=unit, label=label, file=self.file,
                        line=line)


def sheet_fact_type(name: str, spec: Any, label: dict[str, str]) -> FactType:
    kind = {"number": NUMBER, "bool": BOOL, "text": TEXT, "choice": TEXT, "list": LIST}[spec.type]
    choices = tuple(spec.choices or ())
    items = None
    if spec.type == "list":
        items = {PLATFORMS: "platform", OBJECTIVES: "objective"}.get(choices, "text")
    elif choices == tuple(SECTORS):
        items = "sector"  # a choice shown by its name in the vocabulary's `sectors`
    unit = {"resources.weekly_hours": "hours_per_week", "resources.monthly_budget": "euros_per_month"}.get(name, "none")
    return FactType(name, kind, choices=choices, items=items, derived=False, unit=unit, label=label)


