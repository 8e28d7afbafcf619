"""What a change of rules changes in the advice: `advise rules diff` and `advise replay`.

The advice is what the owner is told: the verdict, the profiles to open, the warnings and
recommendations raised, the hours available and needed, the number of profiles. Two rule
bases are run on the same sheets (files, folders, or by default every case of both rule
bases and the project's examples), and each sheet whose advice differs is listed with what
changed. A report made earlier (its JSON) can be compared the same way with a new run.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Sequence

from ..errors import AdviseError, InputError, Problem, agreeing, register_messages

register_messages({
    "diff-no-sheet": {
        "en": "no fact sheet found in {path}: give .yaml files or folders holding them",
        "fr": "aucune fiche trouvée dans {path} : donnez des fichiers .yaml ou des dossiers qui en contiennent",
    },
    "diff-missing": {"en": "no such file or folder", "fr": "fichier ou dossier introuvable"},
})

# The parts of the advice, in the order they are told.
PARTS = ("verdict", "platforms", "max_profiles", "weekly_hours_available", "weekly_hours_needed",
         "existing", "later", "warnings", "recommendations", "error")
LIST_PARTS = ("platforms", "warnings", "recommendations")
_WORDS = {
    "en": {"verdict": "verdict", "platforms": "profiles", "max_profiles": "profiles at most",
           "weekly_hours_available": "hours available a week", "weekly_hours_needed": "hours needed a week",
           "warnings": "warnings", "recommendations": "recommendations", "error": "error",
           "existing": "open profiles", "later": "profiles for later",
           "raised": "raised", "gone": "gone", "added": "added", "removed": "removed", "none": "none",
           "unchanged": "unchanged", "old": "old rules", "new": "new rules", "sheet": "sheet", "what": "what",
           "before": "before", "after": "after",
           "summary": "{changed} of {total} {total:sheet changes|sheets change}", "nothing": "no sheet changes",
           "by_part": "{part}: {count}"},
    "fr": {"verdict": "verdict", "platforms": "profils", "max_profiles": "profils au plus",
           "weekly_hours_available": "heures disponibles par semaine",
           "weekly_hours_needed": "heures nécessaires par semaine",
           "warnings": "alertes", "recommendations": "recommandations", "error": "erreur",
           "existing": "profils déjà ouverts", "later": "profils pour plus tard",
           "raised": "apparue(s)", "gone": "disparue(s)", "added": "ajouté(s)", "removed": "retiré(s)",
           "none": "aucun", "unchanged": "inchangé", "old": "anciennes règles", "new": "nouvelles règles",
           "sheet": "fiche", "what": "quoi", "before": "avant", "after": "après",
           "summary": "{changed} {changed:fiche|fiches} sur {total} {changed:change|changent}", "nothing": "aucune fiche ne change",
           "by_part": "{part} : {count}"},
}


@dataclass(frozen=True)
class Advice:
    """What one run told the owner; `error` when the run stopped instead."""

    verdict: str | None = None
    platforms: tuple[str, ...] = ()
    max_profiles: int | None = None
    weekly_hours_available: float | None = None
    weekly_hours_needed: float | None = None
    existing: tuple[str, ...] = ()  # what to do with each open profile: "linkedin (minimal)", in the sheet's order
    later: tuple[str, ...] = ()  # profiles to open when ready, when nothing is animated now
    warnings: tuple[str, ...] = ()
    recommendations: tuple[str, ...] = ()
    error: str | None = None

    @classmethod
    def of_result(cls, result: Any) -> "Advice":
        from ..explain.existing import existing_actions, later_platforms
        from ..explain.steps import raised

        facts = result.trace.facts
        existing = existing_actions(result.rulebook, result.trace, lambda rule: "", str)
        return cls(verdict=facts.get("verdict"), platforms=tuple(facts.get("platforms", ())),
                   max_profiles=_number(facts.get("max_profiles")),
                   weekly_hours_available=_number(facts.get("weekly_hours_available")),
                   weekly_hours_needed=_number(facts.get("weekly_hours_needed")),
                   existing=tuple(f"{item.platform} ({item.action})" for item in existing),
                   later=later_platforms(result.trace),
                   warnings=tuple(sorted(item for item, _ in raised(result.trace, "warnings."))),
                   recommendations=tuple(sorted(item for item, _ in raised(result.trace, "recommendations."))))

    @classmethod
    def of_json(cls, data: dict[str, Any]) -> "Advice":
        """From a JSON report (advise FILE --format json)."""
        def ids(key: str) -> tuple[str, ...]:
            return tuple(sorted(str(item.get("id")) for item in data.get(key) or () if isinstance(item, dict)))

        later = data.get("later")
        existing = [item for item in data.get("existing") or () if isinstance(item, dict)]

        return cls(verdict=data.get("verdict"), platforms=tuple(data.get("platforms") or ()),
                   max_profiles=_number(data.get("max_profiles")),
                   weekly_hours_available=_number(data.get("weekly_hours_available")),
                   weekly_hours_needed=_number(data.get("weekly_hours_needed")),
                   existing=tuple(f"{item.get('platform')} ({item.get('action')})" for item in existing),
                   later=tuple(str(p) for p in (later.get("platforms") or ())) if isinstance(later, dict) else (),
                   warnings=ids("warnings"), recommendations=ids("recommendations"))

    @classmethod
    def of_error(cls, error: AdviseError) -> "Advice":
        problem = error.problems[0]
        where = problem.location()
        return cls(error=(f"{where}: " if where else "") + problem.message("en"))


def _number(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


@dataclass(frozen=True)
class Change:
    """One part of the advice that differs: before and after, and for lists what came and went."""

    part: str
    before: Any
    after: Any
    raised: tuple[str, ...] = ()
    gone: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"part": self.part, "before": _json(self.before), "after": _json(self.after)}
        if self.part in LIST_PARTS:
            data.update(raised=list(self.raised), gone=list(self.gone))
        return data


def _json(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


def compare(before: Advice, after: Advice) -> list[Change]:
    changes = []
    for part in PARTS:
        old, new = getattr(before, part), getattr(after, part)
        if old == new:
            continue
        if part in LIST_PARTS:
            changes.append(Change(part, old, new, raised=tuple(i for i in new if i not in old),
                                  gone=tuple(i for i in old if i not in new)))
        else:
            changes.append(Change(part, old, new))
    return changes


@dataclass(frozen=True)
class SheetDiff:
    name: str
    before: Advice
    after: Advice
    changes: tuple[Change, ...]

    def as_dict(self) -> dict[str, Any]:
        return {"sheet": self.name, "changed": bool(self.changes),
                "verdict": {"before": self.before.verdict, "after": self.after.verdict},
                "changes": [change.as_dict() for change in self.changes]}


@dataclass
class DiffReport:
    """Every sheet run on both sides, and what changed."""

    old: str  # how each side is named: a folder, or a report
    new: str
    old_digest: str
    new_digest: str
    sheets: list[SheetDiff] = field(default_factory=list)

    @property
    def changed(self) -> list[SheetDiff]:
        return [sheet for sheet in self.sheets if sheet.changes]

    @property
    def exit_code(self) -> int:
        return 1 if self.changed else 0

    def counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for sheet in self.changed:
            for change in sheet.changes:
                counts[change.part] = counts.get(change.part, 0) + 1
        return {part: counts[part] for part in PARTS if part in counts}

    def as_dict(self) -> dict[str, Any]:
        return {"old": {"rules": self.old, "rules_digest": self.old_digest},
                "new": {"rules": self.new, "rules_digest": self.new_digest},
                "sheets": len(self.sheets), "changed": len(self.changed), "by_part": self.counts(),
                "changes": [sheet.as_dict() for sheet in self.changed]}

    def summary(self, lang: str = "en") -> str:
        words = _WORDS[lang]
        if not self.changed:
            return f"{words['nothing']} ({len(self.sheets)})"
        parts = ", ".join(words["by_part"].format(part=words[part], count=count) for part, count in self.counts().items())
        return agreeing(words["summary"], lang, changed=len(self.changed), total=len(self.sheets)) + f" ({parts})"

    def format_text(self, lang: str = "en") -> str:
        words = _WORDS[lang]
        colon = " :" if lang == "fr" else ":"
        lines = [f"{words['old']}{colon} {self.old} ({self.old_digest})",
                 f"{words['new']}{colon} {self.new} ({self.new_digest})", ""]
        for sheet in self.changed:
            lines.append(sheet.name)
            for change in sheet.changes:
                lines.append("  " + change_line(change, lang))
            lines.append("")
        lines.append(self.summary(lang))
        return "\n".join(lines) + "\n"

    def format_markdown(self, lang: str = "en") -> str:
        words = _WORDS[lang]
        colon = " :" if lang == "fr" else ":"
        lines = [f"- **{words['old']}**{colon} `{self.old}` ({self.old_digest})",
                 f"- **{words['new']}**{colon} `{self.new}` ({self.new_digest})", ""]
        if self.changed:
            lines += [f"| {words['sheet']} | {words['what']} | {words['before']} | {words['after']} |",
                      "| --- | --- | --- | --- |"]
            for sheet in self.changed:
                for index, change in enumerate(sheet.changes):
                    name = _md(sheet.name) if index == 0 else ""
                    lines.append(f"| {name} | {_md(words[change.part])} | {_md(_shown(change.before, lang))} | "
                                 f"{_md(_shown(change.after, lang))} |")
            lines.append("")
        lines.append(self.summary(lang))
        return "\n".join(lines) + "\n"

    def format(self, fmt: str, lang: str = "en") -> str:
        if fmt == "json":
            return json.dumps(self.as_dict(), ensure_ascii=False, indent=2) + "\n"
        if fmt == "markdown":
            return self.format_markdown(lang)
        return self.format_text(lang)


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _shown(value: Any, lang: str) -> str:
    if value is None or value == ():
        return "-"
    if isinstance(value, tuple):
        return ", ".join(value)
    return str(value)


def change_line(change: Change, lang: str) -> str:
    words = _WORDS[lang]
    colon = " :" if lang == "fr" else ":"
    label = words[change.part]
    if change.part in ("warnings", "recommendations"):
        parts = []
        if change.raised:
            parts.append(f"{words['raised']} {', '.join(change.raised)}")
        if change.gone:
            parts.append(f"{words['gone']} {', '.join(change.gone)}")
        return f"{label}{colon} " + "; ".join(parts)
    return f"{label}{colon} {_shown(change.before, lang)} -> {_shown(change.after, lang)}"


# ---------------------------------------------------------------- the sheets


@dataclass(frozen=True)
class NamedSheet:
    name: str  # as shown: a path, or cases-file::case
    sheet: Any  # advise.sheet.facts.FactSheet


def sheets_from(sources: Sequence[str | Path]) -> list[NamedSheet]:
    """The fact sheets in files and folders (every *.yaml / *.yml below a folder, case files
    left out); every unreadable sheet is reported at once (InputError)."""
    from ..sheet.facts import load_fact_sheet

    found: list[NamedSheet] = []
    problems: list[Problem] = []
    for source in sources:
        path = Path(source)
        if path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file()
                           and not p.name.endswith((".cases.yaml", ".cases.yml")))
            if not files:
                problems.append(Problem("diff-no-sheet", {"path": str(path)}, file=str(path)))
        elif path.is_file():
            files = [path]
        else:
            problems.append(Problem("diff-missing", file=str(path)))
            continue
        for file in files:
            try:
                found.append(NamedSheet(file.as_posix(), load_fact_sheet(file)))
            except AdviseError as error:
                problems.extend(error.problems)
    if problems:
        raise InputError(problems)
    return found


def default_sheets(rulebooks: Iterable[Any]) -> list[NamedSheet]:
    """Every case of the rule bases (each read against its own rule base), then the
    project's example sheets when they are at hand."""
    from .cases import load_cases
    from .casework import case_files

    found: dict[str, NamedSheet] = {}
    for rulebook in rulebooks:
        if not case_files(rulebook.directory):
            continue
        for case in load_cases(rulebook.directory, rulebook):
            found.setdefault(case.id, NamedSheet(case.id, case.sheet))
    sheets = sorted(found.values(), key=lambda named: named.name)
    examples = examples_dir()
    if examples is not None:
        sheets += sheets_from([examples])
    return sheets


def examples_dir() -> Path | None:
    """The examples/ folder beside the shipped rules/ of a source checkout, shown relative
    to the current folder when inside it."""
    from ..advisor import default_rules_dir

    folder = default_rules_dir().resolve().parent / "examples"
    if not folder.is_dir():
        return None
    try:
        return folder.relative_to(Path.cwd().resolve())
    except ValueError:
        return folder


def run_advice(advisor: Any, sheet: Any) -> Advice:
    try:
        return Advice.of_result(advisor.run(sheet))
    except AdviseError as error:
        return Advice.of_error(error)


def diff_rule_bases(old_dir: str | Path, new_dir: str | Path, sources: Sequence[str | Path] = ()) -> DiffReport:
    """Run both rule bases on the sheets of `sources` (default: see default_sheets)."""
    from ..advisor import Advisor

    old, new = Advisor(old_dir), Advisor(new_dir)
    sheets = sheets_from(sources) if sources else default_sheets([old.rulebook, new.rulebook])
    report = DiffReport(str(old_dir), str(new_dir), old.rulebook.digest, new.rulebook.digest)
    for named in sheets:
        before, after = run_advice(old, named.sheet), run_advice(new, named.sheet)
        report.sheets.append(SheetDiff(named.name, before, after, tuple(compare(before, after))))
    return report


__all__ = ["Advice", "Change", "SheetDiff", "DiffReport", "compare", "diff_rule_bases", "sheets_from",
           "default_sheets", "run_advice", "examples_dir"]
