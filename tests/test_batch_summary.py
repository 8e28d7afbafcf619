"""advise.batch_summary: what became of each sheet of a batch, its exit status, and the
summaries (summary.csv, summary.md) as a spreadsheet and a reader see them."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

import advise.batch
from advise import batch_summary
from advise.batch_summary import (
    BAD_INPUT,
    CSV_COLUMNS,
    INTERNAL,
    OK,
    BatchResult,
    Outcome,
    counts_line,
    summary_csv,
    summary_markdown,
)
from advise.version import __version__

GOOD = Outcome("a.yaml", "a.txt", OK, business="Atelier", verdict="launch_gradually", max_profiles=2,
               platforms=("instagram", "facebook"), warnings=("time_shortfall",))
BAD = Outcome("b.yaml", None, BAD_INPUT, error="b.yaml:2:1 business.size: 'huge' is not one of ...")


def test_summary_cells_are_safe_in_a_spreadsheet_and_in_markdown() -> None:
    outcome = Outcome("x.yaml", "x.txt", OK, business="=HYPERLINK(1)|*a*")
    assert "'=HYPERLINK(1)|*a*" in summary_csv([outcome])
    assert "=HYPERLINK(1)\\|\\*a\\*" in summary_markdown([outcome])


def test_a_row_shows_every_column_as_text_and_unknowns_empty() -> None:
    rows = list(csv.DictReader(io.StringIO(summary_csv([GOOD, BAD], rules_digest="sha256:abc"))))
    assert list(rows[0]) == list(CSV_COLUMNS)
    assert rows[0] == {"business": "Atelier", "file": "a.yaml", "report": "a.txt", "verdict": "launch_gradually",
                       "max_profiles": "2", "platforms": "instagram facebook", "warnings": "time_shortfall",
                       "status": "ok", "error": "", "advise": __version__, "rules": "sha256:abc"}
    assert (rows[1]["report"], rows[1]["verdict"], rows[1]["max_profiles"], rows[1]["status"]) == ("", "", "", "bad-input")


def test_the_markdown_summary_counts_the_sheets_in_the_language_asked() -> None:
    failed = Outcome("c.yaml", None, INTERNAL, error="internal error: KeyError: 'x'")
    english = summary_markdown([GOOD, BAD, failed], rules_digest="sha256:abc")
    assert "3 sheets: 1 report, 1 refused as bad input, 1 internal error." in english
    assert f"advise {__version__} · rules sha256:abc" in english
    french = summary_markdown([GOOD, BAD, failed], "fr")
    assert french.startswith("# Résumé du lot\n")
    assert "3 fiches : 1 rapport, 1 refusée (entrée invalide), 1 erreur interne." in french


@pytest.mark.parametrize("lang, counts, said", [
    ("en", (2, 0, 0), "2 sheets: 2 reports, 0 refused, 0 internal errors"),
    ("en", (1, 0, 0), "1 sheet: 1 report, 0 refused, 0 internal errors"),
    ("en", (3, 2, 1), "6 sheets: 3 reports, 2 refused, 1 internal error"),
    ("fr", (1, 0, 0), "1 fiche : 1 rapport, 0 refusée, 0 erreur interne"),  # French: 0 and 1 are singular
    ("fr", (2, 2, 2), "6 fiches : 2 rapports, 2 refusées, 2 erreurs internes"),
    ("de", (1, 1, 0), "2 sheets: 1 report, 1 refused, 0 internal errors"),  # another language: English
])
def test_counts_agree_with_their_number(lang: str, counts: tuple[int, int, int], said: str) -> None:
    ok, bad, internal = counts
    assert counts_line(ok + bad + internal, {OK: ok, BAD_INPUT: bad, INTERNAL: internal}, lang) == said


def test_the_exit_status_is_the_worst_outcome(tmp_path: Path) -> None:
    failed = Outcome("c.yaml", None, INTERNAL)
    assert BatchResult(tmp_path, [GOOD]).exit_code == 0
    assert BatchResult(tmp_path, [GOOD, failed]).exit_code == 1
    assert BatchResult(tmp_path, [failed, BAD, GOOD]).exit_code == 2
    assert BatchResult(tmp_path).summary_paths == (tmp_path / "summary.csv", tmp_path / "summary.md")


def test_its_names_are_still_imported_from_advise_batch() -> None:
    for name in ("summary_csv", "summary_markdown", "BatchResult", "Outcome", "CSV_COLUMNS", "SUMMARY_COLUMNS",
                 "OK", "BAD_INPUT", "INTERNAL", "WRITE_FAILED"):
        assert getattr(advise.batch, name) is getattr(batch_summary, name), name


def test_a_markdown_cell_taken_as_it_is_is_the_one_escaped_afresh() -> None:
    """_md_cell returns a printable cell with nothing to fold or escape as it is: the same
    cell as folding, writing out and escaping it."""
    import random
    import re

    from advise.batch_summary import _md_cell
    from advise.safetext import visible

    special = re.compile(r"([\\`*_\[\]<>|#~])")
    rng = random.Random(16)
    alphabet = list("ab é1.-: ") + ["  ", "\t", "\n", "\x1b", "\u00a0", "\u202e", "\u2028", "|", "*", "_", "#", "\\", "`"]
    for _ in range(20000):
        value = "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 8)))
        assert _md_cell(value) == special.sub(r"\\\1", visible(" ".join(value.split()), one_line=True)), repr(value)


def test_the_csv_summary_has_every_column_in_order() -> None:
    from advise.version import __version__

    outcomes = [Outcome("a.yaml", "a.txt", OK, business="=Caf\u00e9, \"Le\"", verdict="go", max_profiles=2,
                        platforms=("facebook", "instagram"), warnings=("w1",)),
                Outcome("b.yaml", None, BAD_INPUT, error="line 1\nline 2")]
    rows = list(csv.DictReader(io.StringIO(summary_csv(outcomes, rules_digest="sha256:0123"))))
    assert list(rows[0]) == list(CSV_COLUMNS)
    assert rows[0]["business"] == "'=Caf\u00e9, \"Le\"" and rows[0]["platforms"] == "facebook instagram"
    assert rows[0]["max_profiles"] == "2" and rows[1]["max_profiles"] == "" and rows[1]["error"] == "line 1\\x0aline 2"
    assert {row["advise"] for row in rows} == {__version__} and {row["rules"] for row in rows} == {"sha256:0123"}


def test_a_cell_made_once_for_its_text_reads_as_made_afresh_in_every_row() -> None:
    """Each summary makes a text's cell once (most columns repeat a few values): every row
    reads as its own cells made afresh, special and control characters, formulas included."""
    from advise.batch_summary import SUMMARY_COLUMNS, _csv_cell, _md_cell
    from advise.safetext import visible

    texts = ["", "ok", "=SUM(A1)", "a|b *c*", "tab\there", "  spaced  out ", "x\x1b[31m", "é « »"]
    outcomes = [Outcome(f"s{index}.yaml", texts[index % 5] or None, texts[index % 3] or OK,
                        business=texts[index % len(texts)], verdict=texts[(index + 1) % len(texts)] or None,
                        max_profiles=index % 2 or None, platforms=(texts[index % 4], "instagram"),
                        warnings=tuple(texts[:index % 3]), error=texts[(index + 2) % len(texts)])
                for index in range(40)]
    markdown = summary_markdown(outcomes).splitlines()
    table = markdown[markdown.index("| " + " | ".join(SUMMARY_COLUMNS) + " |") + 2:]
    assert table == ["| " + " | ".join(_md_cell(outcome.row()[key]) for key in SUMMARY_COLUMNS) + " |"
                     for outcome in outcomes]
    rows = list(csv.reader(io.StringIO(summary_csv(outcomes, rules_digest="sha256:abc"))))[1:]
    assert rows == [[_csv_cell(visible(value, one_line=True)) for value in outcome.row().values()]
                    + [__version__, "sha256:abc"] for outcome in outcomes]
