"""What a batch made: each sheet's outcome, the batch's result, and its two summaries.

advise.batch advises the sheets; this module holds the records it hands back and writes
them out for a reader:

* `Outcome`: what became of one sheet (a report, or the error that stopped it) and its
  `status`, one of OK, BAD_INPUT, INTERNAL (WRITE_FAILED is never in a summary: it stops
  the batch). `BatchResult`: every outcome, the rule base they were made with, and the
  exit status of the batch.
* `summary_csv` (summary.csv, CSV_COLUMNS) and `summary_markdown` (summary.md,
  SUMMARY_COLUMNS): one row per sheet, in the order given. Cells are shown without control
  characters (advise.safetext); a CSV cell that a spreadsheet would run as a formula is
  quoted, and Markdown's special characters are escaped.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

from .safetext import visible

SUMMARY_CSV, SUMMARY_MD = "summary.csv", "summary.md"
SUMMARY_COLUMNS = ("business", "file", "report", "verdict", "max_profiles", "platforms", "warnings",
                   "status", "error")
# summary.csv adds, on every row, what made the reports (summary.md says it once, at the top):
# a row copied into a client's spreadsheet still says which version and rule base advised it.
CSV_COLUMNS = SUMMARY_COLUMNS + ("advise", "rules")
OK, BAD_INPUT, INTERNAL = "ok", "bad-input", "internal-error"
WRITE_FAILED = "write-failed"  # never in a summary: it stops the batch
EXIT_OK, EXIT_INTERNAL, EXIT_BAD_INPUT = 0, 1, 2


@dataclass(frozen=True)
class Outcome:
    """What became of one sheet: a report, or the error that stopped it."""

    file: str
    report: str | None  # None when no report was written
    status: str  # ok | bad-input | internal-error
    business: str = ""
    verdict: str | None = None
    max_profiles: int | None = None
    platforms: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    error: str = ""

    def row(self) -> dict[str, str]:
        """The outcome as the summaries show it (SUMMARY_COLUMNS): every cell a text, empty
        when unknown."""
        return {
            "business": self.business,
            "file": self.file,
            "report": self.report or "",
            "verdict": self.verdict or "",
            "max_profiles": "" if self.max_profiles is None else str(self.max_profiles),
            "platforms": " ".join(self.platforms),
            "warnings": " ".join(self.warnings),
            "status": self.status,
            "error": self.error,
        }


@dataclass
class BatchResult:
    out_dir: Path
    outcomes: list[Outcome] = field(default_factory=list)
    rules_digest: str = ""  # the rule base every report was made with

    @property
    def counts(self) -> dict[str, int]:
        return _counts(self.outcomes)

    @property
    def exit_code(self) -> int:
        """2 if any sheet was refused as bad input, else 1 if any failed inside advise, else 0."""
        counts = self.counts
        if counts[BAD_INPUT]:
            return EXIT_BAD_INPUT
        if counts[INTERNAL]:
            return EXIT_INTERNAL
        return EXIT_OK

    @property
    def summary_paths(self) -> tuple[Path, Path]:
        return self.out_dir / SUMMARY_CSV, self.out_dir / SUMMARY_MD


def _counts(outcomes: Iterable[Outcome]) -> dict[str, int]:
    statuses = [outcome.status for outcome in outcomes]
    return {status: statuses.count(status) for status in (OK, BAD_INPUT, INTERNAL)}


# ---------------------------------------------------------------- summary.csv


def _csv_cell(value: str) -> str:
    # A spreadsheet would run a cell starting with one of these as a formula.
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def summary_csv(outcomes: Iterable[Outcome], *, rules_digest: str = "") -> str:
    """The summary as CSV (CSV_COLUMNS); `rules_digest`: the rule base of the batch."""
    from .version import __version__

    made_with = [__version__, rules_digest]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    cells: dict[str, str] = {}  # each text's cell, made once: most columns repeat a few values
    for outcome in outcomes:  # row() gives SUMMARY_COLUMNS in order; CSV_COLUMNS adds made_with's two
        writer.writerow([cells[value] if value in cells else cells.setdefault(value, _csv_text(value))
                         for value in outcome.row().values()] + made_with)
    return buffer.getvalue()


def _csv_text(value: str) -> str:
    return _csv_cell(visible(value, one_line=True))


# ---------------------------------------------------------------- summary.md


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|#~])")


def _md_cell(value: str) -> str:
    # A printable text (no control, no separator but the space: str.isprintable) with no
    # space to fold and no special character is its own cell: most cells of a summary.
    if value.isprintable() and "  " not in value and value[:1] != " " and value[-1:] != " " \
            and not _MD_SPECIAL.search(value):
        return value
    return _MD_SPECIAL.sub(r"\\\1", visible(" ".join(value.split()), one_line=True))


_MD_TITLES = {"en": "Batch summary", "fr": "Résumé du lot"}

# Each count with its noun: (singular, plural), as "1 report", "2 reports". In French 0 and 1
# take the singular (CLDR's rule for fr): "0 rapport", "1 rapport", "2 rapports".
_COUNTED = {
    "en": {"sheets": ("sheet", "sheets"), "reports": ("report", "reports"),
           "refused": ("refused", "refused"), "refused_long": ("refused as bad input", "refused as bad input"),
           "internal": ("internal error", "internal errors")},
    "fr": {"sheets": ("fiche", "fiches"), "reports": ("rapport", "rapports"),
           "refused": ("refusée", "refusées"), "refused_long": ("refusée (entrée invalide)", "refusées (entrée invalide)"),
           "internal": ("erreur interne", "erreurs internes")},
}


def counted(count: int, noun: str, lang: str) -> str:
    """`count` and its noun of _COUNTED, singular or plural as the language says."""
    words = _COUNTED.get(lang, _COUNTED["en"])[noun]
    one = count in (0, 1) if lang == "fr" else count == 1
    return f"{count} {words[0] if one else words[1]}"


def counts_line(total: int, counts: dict[str, int], lang: str, *, long: bool = False) -> str:
    """"12 sheets: 10 reports, 1 refused, 1 internal error", in `lang` (`long`: "refused as
    bad input", as the Markdown summary says it)."""
    lang = lang if lang in _COUNTED else "en"
    colon = " : " if lang == "fr" else ": "
    return (counted(total, "sheets", lang) + colon + ", ".join([
        counted(counts[OK], "reports", lang), counted(counts[BAD_INPUT], "refused_long" if long else "refused", lang),
        counted(counts[INTERNAL], "internal", lang)]))


_MD_MADE_WITH = {"en": "advise {version} · rules {digest}", "fr": "advise {version} · règles {digest}"}


def summary_markdown(outcomes: Sequence[Outcome], lang: str = "en", *, rules_digest: str | None = None) -> str:
    """The summary as a Markdown table; `rules_digest`, the rule base every report of the
    batch was made with, is said once at the top (advise.rulebase.digest)."""
    from .version import __version__

    title = _MD_TITLES.get(lang, _MD_TITLES["en"])
    counts = _counts(outcomes)
    lines = [f"# {title}", ""]
    if rules_digest:
        lines += [_MD_MADE_WITH.get(lang, _MD_MADE_WITH["en"]).format(version=__version__, digest=rules_digest), ""]
    lines += [counts_line(len(outcomes), counts, lang, long=True) + ".", ""]
    lines.append("| " + " | ".join(SUMMARY_COLUMNS) + " |")
    lines.append("|" + "|".join(" --- " for _ in SUMMARY_COLUMNS) + "|")
    cells: dict[str, str] = {}  # each text's cell, made once: most columns repeat a few values
    for outcome in outcomes:
        row = outcome.row()
        lines.append("| " + " | ".join([
            cells[value] if value in cells else cells.setdefault(value, _md_cell(value))
            for value in map(row.__getitem__, SUMMARY_COLUMNS)]) + " |")
    return "\n".join(lines) + "\n"


__all__ = ["summary_csv", "summary_markdown", "counts_line", "BatchResult", "Outcome", "SUMMARY_COLUMNS", "CSV_COLUMNS",
           "SUMMARY_CSV", "SUMMARY_MD", "OK", "BAD_INPUT", "INTERNAL", "WRITE_FAILED"]
