"""`advise replay REPORT.json`: is the advice of an earlier report still what the rules say?

A JSON report carries the validated answers it was made from (`sheet`, unless it was made
with --no-sheet) and the digests of its rule base and answers. Replaying runs those answers
again through a rule base, today's by default, and compares the advice with the report's,
part by part, as `advise rules diff` does. When the report has no `sheet`, the sheet is
looked for beside it (same name, .yaml or .yml) or given with --sheet.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import AdviseError, InputError, Problem, register_messages
from .diff import Advice, DiffReport, SheetDiff, compare, run_advice

MAX_REPORT_BYTES = 16 * 1024 * 1024

register_messages({
    "replay-not-json": {
        "en": "not a JSON report of advise ({reason})", "fr": "pas un rapport JSON d'advise ({reason})",
    },
    "replay-no-sheet": {
        "en": "the report carries no answers (it was made with --no-sheet) and no sheet was found beside it "
              "({tried})",
        "fr": "le rapport ne contient pas les réponses (il a été fait avec --no-sheet) et aucune fiche n'a été "
              "trouvée à côté ({tried})",
    },
    "replay-no-sheet-hint": {
        "en": "give the sheet with --sheet FILE", "fr": "donnez la fiche avec --sheet FICHIER",
    },
    "replay-too-big": {
        "en": "the report is larger than {limit} bytes", "fr": "le rapport dépasse {limit} octets",
    },
})

_WORDS = {
    "en": {"rules": "rules", "answers": "answers", "advise": "advise", "report": "in the report", "now": "now",
           "same": "same", "different": "different", "unknown": "not recorded",
           "unchanged": "The advice is unchanged.", "changed": "The advice has changed:",
           "sheet_differs": "the sheet used is not the one the report was made from"},
    "fr": {"rules": "règles", "answers": "réponses", "advise": "advise", "report": "dans le rapport",
           "now": "maintenant", "same": "identiques", "different": "différentes", "unknown": "non indiqué",
           "unchanged": "Le conseil est inchangé.", "changed": "Le conseil a changé :",
           "sheet_differs": "la fiche utilisée n'est pas celle dont le rapport a été tiré"},
}


@dataclass
class Replay:
    report_file: str
    recorded: dict[str, Any]  # advise_version, rules_digest, sheet_digest of the report (None if absent)
    current: dict[str, Any]  # the same, now
    diff: DiffReport

    @property
    def unchanged(self) -> bool:
        return not self.diff.changed

    @property
    def exit_code(self) -> int:
        return 0 if self.unchanged else 1

    def as_dict(self) -> dict[str, Any]:
        sheet = self.diff.sheets[0]
        return {"report": self.report_file, "unchanged": self.unchanged, "recorded": self.recorded,
                "current": self.current, "changes": [change.as_dict() for change in sheet.changes]}

    def format(self, fmt: str = "text", lang: str = "en") -> str:
        if fmt == "json":
            return json.dumps(self.as_dict(), ensure_ascii=False, indent=2) + "\n"
        from .diff import change_line

        words = _WORDS[lang]
        colon = " :" if lang == "fr" else ":"
        lines = []
        for key, label in (("advise_version", words["advise"]), ("rules_digest", words["rules"]),
                           ("sheet_digest", words["answers"])):
            before, now = self.recorded.get(key), self.current.get(key)
            verdict = words["unknown"] if before is None else words["same"] if before == now else words["different"]
            lines.append(f"{label}{colon} {before or '-'} ({words['report']}), {now} ({words['now']}){colon} {verdict}")
        if self.recorded.get("sheet_digest") and self.recorded["sheet_digest"] != self.current["sheet_digest"]:
            lines.append(f"  {words['sheet_differs']}")
        lines.append("")
        if self.unchanged:
            lines.append(words["unchanged"])
        else:
            lines.append(words["changed"])
            lines += ["  " + change_line(change, lang) for change in self.diff.sheets[0].changes]
        return "\n".join(lines) + "\n"


def read_report(path: str | Path) -> dict[str, Any]:
    file = Path(path)
    try:
        size = file.stat().st_size
        if size > MAX_REPORT_BYTES:
            raise InputError(Problem("replay-too-big", {"limit": MAX_REPORT_BYTES}, file=str(path)))
        data = json.loads(file.read_text(encoding="utf-8"))
    except OSError as error:
        raise InputError(Problem("replay-not-json", {"reason": error.strerror or str(error)}, file=str(path))) from None
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        line = getattr(error, "lineno", None)
        reason = getattr(error, "msg", None) or str(error)
        raise InputError(Problem("replay-not-json", {"reason": reason}, file=str(path), line=line)) from None
    if not isinstance(data, dict) or "verdict" not in data or "trace" not in data:
        raise InputError(Problem("replay-not-json", {"reason": "no verdict and trace"}, file=str(path)))
    return data


def _sheet(data: dict[str, Any], report: Path, sheet_file: str | None) -> Any:
    from ..sheet.facts import fact_sheet_from_mapping, load_fact_sheet

    if sheet_file is not None:
        return load_fact_sheet(sheet_file)
    if isinstance(data.get("sheet"), dict):
        return fact_sheet_from_mapping(data["sheet"], filename=f"{report}#sheet")
    tried = [report.with_suffix(suffix) for suffix in (".yaml", ".yml")]
    for candidate in tried:
        if candidate.is_file():
            return load_fact_sheet(candidate)
    raise InputError(Problem("replay-no-sheet", {"tried": ", ".join(str(p) for p in tried)}, file=str(report),
                             hint="replay-no-sheet-hint"))


def replay(report_path: str | Path, rules_dir: str | Path | None = None, *, sheet_file: str | None = None) -> Replay:
    from ..version import __version__
    from ..advisor import Advisor
    from ..rulebase.digest import sheet_answers, sheet_digest

    report = Path(report_path)
    data = read_report(report)
    sheet = _sheet(data, report, sheet_file)
    advisor = Advisor(rules_dir, cache=True)
    before = Advice.of_json(data)
    after = run_advice(advisor, sheet)
    diff = DiffReport(str(report), str(advisor.rules_dir), str(data.get("rules_digest") or "-"),
                      advisor.rulebook.digest)
    diff.sheets.append(SheetDiff(str(report), before, after, tuple(compare(before, after))))
    recorded = {key: data.get(key) if isinstance(data.get(key), str) else None
                for key in ("advise_version", "rules_digest", "sheet_digest")}
    current = {"advise_version": __version__, "rules_digest": advisor.rulebook.digest,
               "sheet_digest": sheet_digest(sheet_answers(sheet.facts, sheet.lang, sheet.version))}
    return Replay(str(report), recorded, current, diff)


__all__ = ["Replay", "replay", "read_report"]
