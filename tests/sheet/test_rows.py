"""Fact sheets from the rows of a CSV file (a form tool's export), and `advise batch answers.csv`."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from click.testing import CliRunner

from advise.cli.main import main
from advise.errors import FactSheetError, InputError
from advise.sheet.facts import load_fact_sheet
from advise.sheet.rows import read_rows, sheet_from_row

HEADER = ("business.name,business.size,business.audience,business.local,resources.weekly_hours,"
          "resources.monthly_budget,objectives,profiles.planned,lang\n")


def write(tmp_path: Path, text: str, name: str = "answers.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def sheets(path: Path) -> list:
    return [sheet_from_row(row) for row in read_rows(path, display_name=path.name)]


def test_each_row_is_a_sheet_with_typed_answers(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER
                 + '"Les Fleurs d\'Agathe",tpe,b2c,Oui,"2,5",50,"community, sales","Facebook; Instagram",fr\n'
                 + "\n"
                 + "Garage Martin,TPE,b2c,no,4,0,visibility,,en\n")
    first, second = sheets(path)
    assert first.facts["business.name"] == "Les Fleurs d'Agathe"
    assert first.facts["business.local"] is True
    assert first.facts["resources.weekly_hours"] == 2.5
    assert first.facts["objectives"] == ("community", "sales")
    assert first.facts["profiles.planned"] == ("facebook", "instagram")
    assert first.lang == "fr"
    assert second.facts["business.size"] == "tpe" and second.facts["business.local"] is False
    assert second.facts["profiles.planned"] == ()  # an empty cell: the default
    # The rows are named by their line, as a spreadsheet numbers them (the empty one skipped).
    assert [row.shown for row in read_rows(path, display_name="answers.csv")] == ["answers.csv:2", "answers.csv:4"]


def test_semicolons_and_the_byte_order_mark_of_french_spreadsheets(tmp_path: Path) -> None:
    path = write(tmp_path, "\ufeff" + HEADER.replace(",", ";")
                 + "Boulangerie;tpe;b2c;vrai;3;1 200;sales, community;facebook, instagram;fr\n")
    (sheet,) = sheets(path)
    assert sheet.facts["resources.monthly_budget"] == 1200
    assert sheet.facts["objectives"] == ("sales", "community")


def test_the_same_answers_give_the_same_sheet_as_yaml(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER + "Atelier,pme,b2b,false,6,300,recruitment;reputation,linkedin,en\n")
    (from_csv,) = sheets(path)
    yaml_path = tmp_path / "atelier.yaml"
    yaml_path.write_text("lang: en\nbusiness:\n  name: Atelier\n  size: pme\n  audience: b2b\n  local: false\n"
                         "resources:\n  weekly_hours: 6\n  monthly_budget: 300\n"
                         "objectives: [recruitment, reputation]\nprofiles:\n  planned: [linkedin]\n", encoding="utf-8")
    assert from_csv.facts == load_fact_sheet(yaml_path).facts


def test_a_bad_cell_is_named_by_row_and_column_with_the_yaml_message(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER + "Good,tpe,b2c,yes,3,50,sales,facebook,fr\n"
                 + "Bad,huge,b2c,peut-être,trois,50,visibilty,facebook,fr\n")
    rows = read_rows(path, display_name="answers.csv")
    sheet_from_row(rows[0])
    with pytest.raises(FactSheetError) as caught:
        sheet_from_row(rows[1])
    problems = {problem.field: problem for problem in caught.value.problems}
    assert set(problems) == {"business.size", "business.local", "resources.weekly_hours", "objectives"}
    hours = problems["resources.weekly_hours"]
    assert (hours.file, hours.line, hours.column) == ("answers.csv", 3, 5)
    assert hours.format("en") == "answers.csv:3:5 resources.weekly_hours: expected a number, found text 'trois'"
    assert problems["objectives"].hint_text("en") == "did you mean 'visibility'?"
    # The message a YAML sheet gets for the same value.
    yaml_path = tmp_path / "bad.yaml"
    yaml_path.write_text("business:\n  name: Bad\n  size: huge\n  audience: b2c\nresources:\n  weekly_hours: trois\n"
                         "  monthly_budget: 50\nobjectives: [visibilty]\n", encoding="utf-8")
    with pytest.raises(FactSheetError) as from_yaml:
        load_fact_sheet(yaml_path)
    yaml_messages = {problem.field: problem.message("fr") for problem in from_yaml.value.problems}
    for field in ("business.size", "resources.weekly_hours", "objectives"):
        assert problems[field].message("fr") == yaml_messages[field]


def test_a_missing_required_answer_and_a_shifted_row(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER + "NoHours,tpe,b2c,yes,,50,sales,facebook,fr\n"
                 + "Shifted,tpe,b2c,yes,3,50,sales,facebook,instagram,fr\n")
    first, second = read_rows(path, display_name="answers.csv")
    with pytest.raises(FactSheetError) as missing:
        sheet_from_row(first)
    assert [(p.code, p.field, p.line) for p in missing.value.problems] == [("missing-field", "resources.weekly_hours", 2)]
    with pytest.raises(FactSheetError) as shifted:
        sheet_from_row(second)
    assert "this row has 10 cells, the header 9" in shifted.value.format("en")


def test_an_unknown_or_repeated_column_refuses_the_file_naming_each(tmp_path: Path) -> None:
    path = write(tmp_path, "Horodateur,business.nom,business.name,business.name\nx,y,z,w\n")
    with pytest.raises(InputError) as caught:
        read_rows(path, display_name="answers.csv")
    text = caught.value.format("en")
    assert "answers.csv:1:1 Horodateur: unknown key 'Horodateur'" in text
    assert "answers.csv:1:2 business.nom" in text and "did you mean 'business.name'?" in text
    assert "column 'business.name' appears twice (columns 3 and 4)" in text


def test_a_file_that_is_not_utf8_or_not_csv_is_refused_clearly(tmp_path: Path) -> None:
    latin = write(tmp_path, HEADER + "Café,tpe,b2c,yes,3,50,sales,facebook,fr\n", encoding="latin-1")
    with pytest.raises(InputError) as caught:
        read_rows(latin, display_name="latin.csv")
    assert caught.value.problems[0].code == "not-utf8" and caught.value.problems[0].line == 2
    broken = write(tmp_path, HEADER + '"unclosed,tpe\n', name="broken.csv")
    with pytest.raises(InputError) as unreadable:
        read_rows(broken)
    assert unreadable.value.problems[0].code == "csv-unreadable"


def test_advise_batch_on_a_csv_gives_one_report_per_row(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER + "Les Fleurs,tpe,b2c,yes,3,50,community;sales,facebook;instagram,fr\n"
                 + "Bad,tpe,b2c,yes,trois,50,sales,facebook,fr\n"
                 + "Atelier,pme,b2b,no,6,300,recruitment,linkedin,en\n")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["batch", str(path), "-o", str(out), "--format", "json", "--jobs", "1"])
    assert result.exit_code == 2  # a row was refused
    assert sorted(p.name for p in out.iterdir()) == ["answers-2.json", "answers-4.json", "summary.csv",
                                                     "summary.md"]
    summary = list(csv.DictReader(io.StringIO((out / "summary.csv").read_text(encoding="utf-8"))))
    assert [(row["file"].rsplit("/", 1)[-1], row["status"]) for row in summary] == [
        ("answers.csv:2", "ok"), ("answers.csv:3", "bad-input"), ("answers.csv:4", "ok")]
    assert "answers.csv:3:5 resources.weekly_hours: expected a number, found text 'trois'" in summary[1]["error"]
    # Each report is the one `advise FILE` gives for the same answers.
    yaml_path = tmp_path / "atelier.yaml"
    yaml_path.write_text("lang: en\nbusiness:\n  name: Atelier\n  size: pme\n  audience: b2b\n  local: false\n"
                         "resources:\n  weekly_hours: 6\n  monthly_budget: 300\nobjectives: [recruitment]\n"
                         "profiles:\n  planned: [linkedin]\n", encoding="utf-8")
    single = CliRunner().invoke(main, [str(yaml_path), "--format", "json", "--no-hints"])
    assert (out / "answers-4.json").read_text(encoding="utf-8") == single.output


def test_a_csv_with_a_bad_header_stops_the_batch_before_any_report(tmp_path: Path) -> None:
    path = write(tmp_path, "business.nam,business.size\nx,tpe\n")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["batch", str(path), "-o", str(out)])
    assert result.exit_code == 2
    assert "business.nam" in result.output and "business.name" in result.output
    assert not out.exists()


@pytest.mark.parametrize("doc", ["docs/form-tools.md", "docs/fr/outils-de-formulaire.md"])
def test_the_google_forms_example_of_the_docs_works_as_shown(doc: str, tmp_path: Path) -> None:
    """The raw export is refused, naming its columns; the mapped one gives a report per row."""
    blocks, current = [], None
    for line in (Path(__file__).resolve().parents[2] / doc).read_text(encoding="utf-8").splitlines(keepends=True):
        if line.startswith("```"):
            if current is None:
                current = (line.strip(), [])
            else:
                blocks.append(current)
                current = None
        elif current is not None:
            current[1].append(line)
    raw, mapped = ("".join(lines) for fence, lines in blocks if fence == "```")
    refused = CliRunner().invoke(main, ["batch", str(write(tmp_path, raw, "raw.csv")), "-o", str(tmp_path / "a")])
    assert refused.exit_code == 2 and "Horodateur" in refused.output
    done = CliRunner().invoke(main, ["batch", str(write(tmp_path, mapped, "mapped.csv")), "-o", str(tmp_path / "b"),
                                     "--jobs", "1"])
    assert done.exit_code == 0, done.output
    assert sorted(p.name for p in (tmp_path / "b").glob("mapped-*.txt")) == ["mapped-2.txt", "mapped-3.txt"]


def test_an_excel_workbook_gives_the_same_sheets_and_errors_as_its_csv(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append([column for column in HEADER.strip().split(",")])
    sheet.append(["Les Fleurs", "tpe", "b2c", True, 2.5, 50, "community; sales", "Facebook, Instagram", "fr"])
    sheet.append([None] * 9)
    sheet.append(["Bad", "tpe", "b2c", "oui", "trois", 50, "sales", "facebook", "fr"])
    workbook.save(tmp_path / "answers.xlsx")
    csv_path = write(tmp_path, HEADER + 'Les Fleurs,tpe,b2c,true,2.5,50,"community; sales","Facebook, Instagram",fr\n'
                     + ",,,,,,,,\nBad,tpe,b2c,oui,trois,50,sales,facebook,fr\n")
    from_xlsx = read_rows(tmp_path / "answers.xlsx", display_name="answers.xlsx")
    from_csv = read_rows(csv_path, display_name="answers.csv")
    assert [row.line for row in from_xlsx] == [row.line for row in from_csv] == [2, 4]
    assert sheet_from_row(from_xlsx[0]).facts == sheet_from_row(from_csv[0]).facts
    with pytest.raises(FactSheetError) as caught:
        sheet_from_row(from_xlsx[1])
    assert caught.value.format("en") == \
        "answers.xlsx:4:5 resources.weekly_hours: expected a number, found text 'trois'"
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["batch", str(tmp_path / "answers.xlsx"), "-o", str(out), "--jobs", "1"])
    assert result.exit_code == 2
    assert sorted(p.name for p in out.glob("answers-*")) == ["answers-2.txt"]
    (tmp_path / "broken.xlsx").write_bytes(b"not a workbook")
    with pytest.raises(InputError) as broken:
        read_rows(tmp_path / "broken.xlsx")
    assert broken.value.problems[0].code == "xlsx-unreadable"
