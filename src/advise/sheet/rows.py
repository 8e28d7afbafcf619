"""Fact sheets from a spreadsheet: one sheet per row of a CSV or Excel (.xlsx) file, as form
tools export.

Columns are named by the sheet's dotted paths (`business.name`, `resources.weekly_hours`,
`objectives`, `profiles.planned`, ...), plus `lang` and `version` if wanted; every column
needs a known name, as every key of a YAML sheet does. Cells are read as typed answers
(advise.sheet.answers): yes/no words, numbers with a decimal comma, lists separated by `;`
or `,`; an empty cell leaves the field unstated (its default, or a "missing" problem if
it is required). Each row is then validated as a YAML sheet is, and its problems name the
file, the row (the line of the file, as a spreadsheet numbers it: the header is row 1)
and the column.

CSV files are UTF-8, with or without the byte-order mark that spreadsheets write,
separated by commas or semicolons (French spreadsheets use semicolons), found from the
header. An .xlsx workbook is read from its first worksheet, with openpyxl (a well-kept,
pure-Python reader of Excel files); its cells become the text they show: a number 2.5
reads `2.5`, a true/false cell `true`/`false`.
"""

from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass

from ..errors import FactSheetError, InputError, Problem, did_you_mean, register_messages
from .answers import MISSING, cell_value
from .facts import HEADER_FIELDS, SHEET_FIELDS, FactSheet, parse_fact_sheet
from .yamlload import Positions

register_messages({
    "csv-empty": {"en": "the file has no header row", "fr": "le fichier n'a pas de ligne d'en-tête"},
    "csv-duplicate-column": {
        "en": "column '{column}' appears twice (columns {first} and {second})",
        "fr": "la colonne « {column} » apparaît deux fois (colonnes {first} et {second})",
    },
    "csv-unnamed-column": {
        "en": "column {index} has no name but holds answers; name it by a field of the sheet",
        "fr": "la colonne {index} n'a pas de nom mais contient des réponses ; nommez-la d'après un champ de la fiche",
    },
    "csv-extra-cells": {
        "en": "this row has {found} cells, the header {expected}",
        "fr": "cette ligne a {found} cellules, l'en-tête {expected}",
    },
    "csv-unreadable": {"en": "not a readable CSV file: {reason}", "fr": "fichier CSV illisible : {reason}"},
    "xlsx-unreadable": {"en": "not a readable Excel (.xlsx) file: {reason}",
                        "fr": "fichier Excel (.xlsx) illisible : {reason}"},
    "csv-too-large": {
        "en": "the file is larger than {limit} MiB",
        "fr": "le fichier dépasse {limit} Mio",
    },
})

CSV_SUFFIXES = (".csv", ".xlsx")  # the files `advise batch` reads as rows of answers
MAX_CSV_BYTES = 64 * 1024 * 1024  # some ten thousand rows of answers, with room to spare
_KNOWN = (*HEADER_FIELDS, *SHEET_FIELDS)


@dataclass(frozen=True)
class Row:
    """One row of answers: where it is, and its cells by column (name, column number, text)."""

    file: str  # as shown
    line: int  # the row's first line in the file (the header is line 1)
    cells: tuple[tuple[str, int, str], ...]
    width: int = 0  # how many cells the row has
    columns: int = 0  # how many columns the header has

    @property
    def shown(self) -> str:
        return f"{self.file}:{self.line}"


def read_rows(path: str | os.PathLike[str], *, display_name: str | None = None) -> list[Row]:
    """The rows of answers of a CSV file. Raises InputError for what concerns the whole file
    (it cannot be read, a column has an unknown name): no row could be read right then."""
    name = display_name if display_name is not None else str(path)
    try:
        with open(path, "rb") as handle:
            raw = handle.read(MAX_CSV_BYTES + 1)
    except OSError as error:
        raise InputError(Problem("csv-unreadable", {"reason": error.strerror or str(error)}, file=name)) from None
    if len(raw) > MAX_CSV_BYTES:
        raise InputError(Problem("csv-too-large", {"limit": MAX_CSV_BYTES // (1024 * 1024)}, file=name))
    if name.lower().endswith(".xlsx"):
        header, body = _xlsx_table(raw, name)
        return rows_from_table(header, body, name)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[:error.start].count(b"\n") + 1
        raise InputError(Problem("not-utf8", {"offset": error.start}, file=name, line=line)) from None
    return rows_from_text(text, name)


def rows_from_text(text: str, name: str) -> list[Row]:
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = next(reader, None)
        if header is None or not any(cell.strip() for cell in header):
            raise InputError(Problem("csv-empty", file=name, line=1))
        body = []
        start = reader.line_num + 1
        for cells in reader:
            body.append((start, cells))
            start = reader.line_num + 1
    except csv.Error as error:
        raise InputError(Problem("csv-unreadable", {"reason": str(error)}, file=name, line=reader.line_num)) from None
    return rows_from_table(header, [(line, cells, len(cells)) for line, cells in body], name)


def _xlsx_table(raw: bytes, name: str) -> tuple[list[str], list[tuple[int, list[str], int]]]:
    """The first worksheet's header and rows, each cell as the text it shows."""
    try:
        import openpyxl

        workbook = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
        try:
            sheet = workbook.worksheets[0]
            table = [(number, [_cell_text(value) for value in values])
                     for number, values in enumerate(sheet.iter_rows(values_only=True), start=1)]
        finally:
            workbook.close()
    except Exception as error:  # not a workbook, a damaged one: openpyxl raises many kinds
        raise InputError(Problem("xlsx-unreadable", {"reason": f"{type(error).__name__}: {error}"[:200]},
                                 file=name)) from None
    if not table or not any(cell.strip() for cell in table[0][1]):
        raise InputError(Problem("csv-empty", file=name, line=1))
    header = table[0][1]
    while header and not header[-1].strip():
        header.pop()
    body = []
    for number, cells in table[1:]:
        width = max((index for index, cell in enumerate(cells, start=1) if cell.strip()), default=0)
        body.append((number, cells, width))
    return header, body


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return value.isoformat()  # type: ignore[no-any-return]
    return str(value)


def rows_from_table(header: list[str], body: list[tuple[int, list[str], int]], name: str) -> list[Row]:
    """The rows of a table: `body` holds (line, cells, how many cells the row fills)."""
    columns = [column.strip() for column in header]
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    for index, column in enumerate(columns, start=1):
        if not column:
            if any(index <= len(cells) and cells[index - 1].strip() for _, cells, _ in body):
                problems.append(Problem("csv-unnamed-column", {"index": index}, file=name, line=1, column=index))
            continue
        if column not in _KNOWN:
            problems.append(Problem("unknown-key", {"key": column}, file=name, line=1, column=index, field=column,
                                    **did_you_mean(column, _KNOWN)))
        elif column in seen:
            problems.append(Problem("csv-duplicate-column", {"column": column, "first": seen[column],
                                                             "second": index}, file=name, line=1, column=index,
                                    field=column))
        else:
            seen[column] = index
    if problems:
        raise InputError(problems)
    rows = []
    for line, cells, width in body:
        if not any(cell.strip() for cell in cells):
            continue  # an empty row: no answers, no sheet
        named = tuple((column, index, cells[index - 1] if index <= len(cells) else "")
                      for column, index in seen.items())
        rows.append(Row(name, line, named, width, len(columns)))
    return rows


def sheet_from_row(row: Row) -> FactSheet:
    """The row's sheet, validated; FactSheetError names the row (line) and the column (field)."""
    data: dict = {}
    marks: dict[tuple[str, ...], tuple[int, int]] = {(): (row.line, 1)}
    problems = []
    if row.width > row.columns:
        # more cells than the header has columns: a shifted row would give wrong answers
        problems.append(Problem("csv-extra-cells", {"found": row.width, "expected": row.columns},
                                file=row.file, line=row.line, column=row.columns + 1))
    for column, index, text in row.cells:
        spec = SHEET_FIELDS.get(column) or HEADER_FIELDS[column]
        value = cell_value(spec, text)
        if value is MISSING:
            continue
        parts = spec.path
        target = data
        for depth, part in enumerate(parts[:-1], start=1):
            target = target.setdefault(part, {})
            marks.setdefault(parts[:depth], (row.line, index))
        target[parts[-1]] = value
        marks[parts] = (row.line, index)
    try:
        sheet = parse_fact_sheet(data, filename=row.file, positions=Positions(marks))
    except FactSheetError as error:
        raise FactSheetError([*problems, *error.problems]) from None
    if problems:
        raise FactSheetError(problems)
    return sheet
