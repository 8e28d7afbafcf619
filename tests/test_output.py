"""Writing files: whole or not at all, never over an input, and new files never over anything."""

from __future__ import annotations

from pathlib import Path

import pytest

from advise.errors import InputError
from advise.output import refuse_existing, write_atomically, write_new_file


def leftovers(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir() if path.name.endswith(".tmp"))


def test_a_report_replaces_the_old_one_whole(tmp_path: Path) -> None:
    target = tmp_path / "report.txt"
    target.write_text("old report\n")
    write_atomically(target, "new report\nsecond line\n")
    assert target.read_text() == "new report\nsecond line\n"
    assert leftovers(tmp_path) == []


def test_a_report_never_replaces_its_input(tmp_path: Path) -> None:
    sheet = tmp_path / "client.yaml"
    sheet.write_text("business: {name: x}\n")
    with pytest.raises(InputError) as raised:
        write_atomically(tmp_path / "." / "client.yaml", "report", inputs=[sheet])
    assert raised.value.problems[0].code == "output-is-input"
    assert sheet.read_text() == "business: {name: x}\n"


def test_a_report_in_a_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(InputError) as raised:
        write_atomically(tmp_path / "nowhere" / "report.txt", "report")
    problem = raised.value.problems[0]
    assert (problem.code, problem.field) == ("output-failed", "--output")


def test_a_new_file_is_written_once_and_never_over_another(tmp_path: Path) -> None:
    target = tmp_path / "facts.yaml"
    write_new_file(target, "first\n", option="--output")
    assert target.read_text() == "first\n"
    for attempt in (lambda: write_new_file(target, "second\n", option="--output"),
                    lambda: refuse_existing(target, "--output")):
        with pytest.raises(InputError) as raised:
            attempt()
        assert (raised.value.problems[0].code, raised.value.problems[0].field) == ("file-exists", "--output")
    assert target.read_text() == "first\n"
    assert leftovers(tmp_path) == []
