"""Attacks on `advise batch`: links out of the input folder, hostile file names, a batch
stopped with SIGTERM or SIGKILL sent to the advise process alone, and a full disk."""

from __future__ import annotations

import errno
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from advise import batch as batch_module
from advise.batch import BatchWriteError, run_batch

ROOT = Path(__file__).resolve().parents[1]
SHEET = ROOT / "examples" / "fleuriste.yaml"
ADVISE = [sys.executable, "-m", "advise"]


def test_a_link_leading_out_of_the_input_folder_is_not_followed(tmp_path: Path) -> None:
    folder = tmp_path / "clients"
    folder.mkdir()
    shutil.copy(SHEET, folder / "fleuriste.yaml")
    secret = tmp_path / "elsewhere" / "secret.yaml"
    secret.parent.mkdir()
    shutil.copy(ROOT / "examples" / "agence-b2b.yaml", secret)
    (folder / "stolen.yaml").symlink_to(secret)
    (folder / "inside.yaml").symlink_to(folder / "fleuriste.yaml")  # inside: the same sheet, once
    result = run_batch([folder], tmp_path / "out", jobs=1)
    rows = {outcome.file.rsplit("/", 1)[-1]: outcome for outcome in result.outcomes}
    assert rows["stolen.yaml"].status == "bad-input" and "not followed" in rows["stolen.yaml"].error
    assert rows["stolen.yaml"].report is None and rows["fleuriste.yaml"].status == "ok"
    assert "Agence" not in (tmp_path / "out" / "summary.csv").read_text()
    assert result.exit_code == 2


def test_file_names_with_control_characters_are_shown_visibly(tmp_path: Path) -> None:
    folder = tmp_path / "clients"
    folder.mkdir()
    shutil.copy(SHEET, folder / "evil\x1b]52;c;aGk=\x07.yaml")
    result = run_batch([folder], tmp_path / "out", jobs=1)
    assert result.exit_code == 0
    for name in ("summary.csv", "summary.md"):
        text = (tmp_path / "out" / name).read_text()
        assert "\x1b" not in text and "\x07" not in text and "\\x1b" in text


def test_a_full_disk_stops_the_batch_as_an_io_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "clients"
    folder.mkdir()
    for index in range(3):
        shutil.copy(SHEET, folder / f"s{index}.yaml")

    def full(descriptor: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    def full_file_system(descriptor: int) -> OSError:  # the reports' group, made durable at once
        return OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr("advise.output.os.fsync", full)
    monkeypatch.setattr("advise.output.file_system_flush", lambda: full_file_system)
    with pytest.raises(BatchWriteError) as caught:
        run_batch([folder], tmp_path / "out", jobs=1)
    assert caught.value.exit_code == 1
    assert "No space left on device" in str(caught.value)
    assert not (tmp_path / "out" / "summary.csv").exists()  # no summary calling every sheet bad input
    assert not [name for name in os.listdir(tmp_path / "out") if name.endswith(".tmp")]
    assert not [name for name in os.listdir(tmp_path / "out") if name.endswith(".txt")]  # none could be whole


def _refuse_placing(monkeypatch: pytest.MonkeyPatch, name: str, code: int) -> None:
    """Renaming a report called `name` into place fails with the system error `code`."""
    real_replace = os.replace

    def replace(source: str, target: str | os.PathLike[str]) -> None:
        if Path(target).name == name:
            raise OSError(code, os.strerror(code))
        real_replace(source, target)

    monkeypatch.setattr("advise.output.os.replace", replace)


def test_a_report_that_cannot_be_placed_stops_the_batch_naming_it(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """Reports are made durable a group at a time, then renamed into place (advise.output.Writer):
    a failure there is told for its own report, the reports before it are whole, and the batch
    stops as for a full disk."""
    folder = tmp_path / "clients"
    folder.mkdir()
    for index in range(6):
        shutil.copy(SHEET, folder / f"s{index}.yaml")
    _refuse_placing(monkeypatch, "s2.txt", errno.ENOSPC)
    with pytest.raises(BatchWriteError) as caught:
        run_batch([folder], tmp_path / "out", jobs=1)
    assert "s2.txt" in str(caught.value) and "No space left on device" in str(caught.value)
    left = sorted(os.listdir(tmp_path / "out"))
    assert left[:2] == ["s0.txt", "s1.txt"] and "s2.txt" not in left and "summary.csv" not in left
    assert not [name for name in left if name.startswith(".")]  # no temporary file left
    for name in left:
        assert (tmp_path / "out" / name).read_text().endswith("\n")


def test_a_worker_stops_its_share_after_a_report_that_cannot_be_placed(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """What a worker process returns for its chunk: an outcome per sheet up to the report
    that could not be written, that one told as such, and no sheet advised after it."""
    folder = tmp_path / "clients"
    folder.mkdir()
    for index in range(8):
        shutil.copy(SHEET, folder / f"s{index}.yaml")
    (folder / "s1.yaml").write_text("business: [\n", encoding="utf-8")  # a bad sheet: no report to write
    out = tmp_path / "out"
    out.mkdir()
    _refuse_placing(monkeypatch, "s3.txt", errno.EROFS)
    sheets = batch_module.plan([folder], out, "text")
    monkeypatch.setattr(batch_module, "_WORKER", batch_module._Worker(None, None, "text", None, str(out)))
    outcomes = batch_module._advise_chunk(sheets)
    assert [(o.file.rsplit("/", 1)[-1], o.status) for o in outcomes[:4]] == [
        ("s0.yaml", "ok"), ("s1.yaml", "bad-input"), ("s2.yaml", "ok"), ("s3.yaml", batch_module.WRITE_FAILED)]
    assert len(outcomes) == 4 and "s3.txt" in outcomes[3].error and outcomes[3].report is None
    assert {"s0.txt", "s2.txt"} <= set(os.listdir(out)) and "s3.txt" not in os.listdir(out)


def _processes_with(marker: str) -> list[int]:
    """Every live process whose environment carries the marker: advise and all it started."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            environ = Path(f"/proc/{entry}/environ").read_bytes()
            state = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if marker.encode() in environ and state != "Z":
            found.append(int(entry))
    return found


@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="finds processes through /proc")
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL], ids=["SIGTERM", "SIGKILL"])
def test_a_stopped_batch_leaves_no_process_and_no_partial_report(tmp_path: Path, sig: int) -> None:
    folder = tmp_path / "clients"
    folder.mkdir()
    for index in range(400):
        shutil.copy(SHEET, folder / f"s{index:03d}.yaml")
    out = tmp_path / "out"
    marker = f"advise-batch-test-{uuid.uuid4().hex}"
    env = {**os.environ, "ADVISE_TEST_MARKER": marker}
    process = subprocess.Popen([*ADVISE, "batch", str(folder), "-o", str(out), "--jobs", "2", "--format", "json"],
                               env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(list(out.glob("*.json"))) < 10:
        time.sleep(0.05)
    assert len(list(out.glob("*.json"))) >= 10, "the batch did not start"
    assert len(_processes_with(marker)) >= 3  # advise, the fork server, workers (and the resource tracker)
    process.send_signal(sig)  # to the advise process alone
    process.wait(timeout=60)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and _processes_with(marker):
        time.sleep(0.1)
    assert _processes_with(marker) == []
    reports = sorted(os.listdir(out))
    time.sleep(1)
    assert sorted(os.listdir(out)) == reports  # nothing more is written
    assert not [name for name in reports if name.endswith(".tmp") or name.startswith(".")]
    assert "summary.csv" not in reports and len(reports) < 400
    for name in reports:  # every report is whole
        assert (out / name).read_text().rstrip().endswith("}")
