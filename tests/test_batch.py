"""`advise batch`: reports and summaries for many sheets, bad sheets kept apart, atomic
writes, deterministic names, parallel workers, and the 1,024-live-sheets limit of durable."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import advise.batch as batch_module
from advise.advisor import Advisor
from advise.batch import (
    BAD_INPUT,
    INTERNAL,
    OK,
    CSV_COLUMNS,
    SUMMARY_COLUMNS,
    find_sheets,
    plan,
    report_names,
    run_batch,
)
from advise.cli.main import main
from advise.errors import InputError, RuleBookError
from advise.sheet.facts import fact_sheet_from_mapping
from advise.version import __version__

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
RULES = ROOT / "rules"

BAD_SHEET = "business:\n  name: Broken\n  size: huge\n"


@pytest.fixture
def sheets(tmp_path: Path) -> Path:
    """The examples, a bad sheet, and a second fleuriste.yaml in a subfolder."""
    folder = tmp_path / "in"
    folder.mkdir()
    for example in sorted(EXAMPLES.glob("*.yaml")):
        shutil.copy(example, folder / example.name)
    (folder / "bad.yaml").write_text(BAD_SHEET, encoding="utf-8")
    (folder / "sub").mkdir()
    shutil.copy(EXAMPLES / "fleuriste.yaml", folder / "sub" / "fleuriste.yaml")
    (folder / ".hidden.yaml").write_text(BAD_SHEET, encoding="utf-8")
    (folder / "notes.txt").write_text("not a sheet", encoding="utf-8")
    return folder


def rows(out: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO((out / "summary.csv").read_text(encoding="utf-8"))))


def single_report(sheet: Path, fmt: str, tmp_path: Path, *options: str) -> str:
    result = CliRunner().invoke(main, [str(sheet), "--format", fmt, *options])
    assert result.exit_code == 0, result.output
    return result.output


def test_batch_writes_a_report_per_sheet_and_a_summary(sheets: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["batch", str(sheets), "-o", str(out), "--jobs", "1"])
    assert result.exit_code == 2, result.output  # one sheet is bad input
    assert "Traceback" not in result.output
    examples = sorted(p.stem for p in EXAMPLES.glob("*.yaml"))
    expected = {f"{stem}.txt" for stem in examples} | {"fleuriste-2.txt", "summary.csv", "summary.md"}
    assert {p.name for p in out.iterdir()} == expected
    table = rows(out)
    assert list(table[0]) == list(CSV_COLUMNS) == [*SUMMARY_COLUMNS, "advise", "rules"]
    # every row says what advised it, as the reports do: the version and the rule base's digest
    digest = Advisor().rulebook.digest
    assert digest.startswith("sha256:") and {(row["advise"], row["rules"]) for row in table} == {(__version__, digest)}
    assert [row["file"] for row in table] == sorted(row["file"] for row in table)
    assert len(table) == len(examples) + 2  # the hidden sheet and notes.txt are skipped
    by_file = {Path(row["file"]).relative_to(sheets).as_posix(): row for row in table}
    bad = by_file["bad.yaml"]
    assert bad["status"] == BAD_INPUT and bad["report"] == "" and "huge" in bad["error"]
    florist = by_file["fleuriste.yaml"]
    assert florist["status"] == OK and florist["report"] == "fleuriste.txt"
    assert florist["business"] == "Les Fleurs d'Agathe"
    assert florist["verdict"] and florist["max_profiles"].isdigit()
    assert by_file["sub/fleuriste.yaml"]["report"] == "fleuriste-2.txt"
    markdown = (out / "summary.md").read_text(encoding="utf-8")
    assert "| business | file |" in markdown and "bad\\_input" not in markdown
    assert markdown.count("\n|") == len(table) + 2
    # Each report is the very report `advise FILE` prints.
    assert (out / "fleuriste.txt").read_text(encoding="utf-8") == single_report(sheets / "fleuriste.yaml", "text",
                                                                                tmp_path, "--no-hints")


def test_with_hints_each_report_is_the_one_advise_file_prints(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["batch", str(EXAMPLES / "fleuriste.yaml"), str(EXAMPLES / "agence-b2b.yaml"),
                                       "-o", str(out), "--hints", "--jobs", "2"])
    assert result.exit_code == 0, result.output
    for name in ("fleuriste", "agence-b2b"):
        assert (out / f"{name}.txt").read_text(encoding="utf-8") == single_report(EXAMPLES / f"{name}.yaml", "text",
                                                                                  tmp_path)


def test_all_good_sheets_exit_zero_and_progress_bar_stays_off_the_pipe(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["batch", str(EXAMPLES), "-o", str(out), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert "Advising" not in result.output  # not a terminal: no progress bar
    assert all(row["status"] == OK for row in rows(out))
    for path in EXAMPLES.glob("*.yaml"):
        assert (out / f"{path.stem}.json").read_text(encoding="utf-8") == single_report(path, "json", tmp_path,
                                                                                        "--no-hints")


def test_parallel_workers_give_the_same_bytes_as_one(sheets: Path, tmp_path: Path) -> None:
    one, two = tmp_path / "one", tmp_path / "two"
    first = run_batch([sheets], one, fmt="markdown", jobs=1)
    second = run_batch([sheets], two, fmt="markdown", jobs=2)
    assert first.outcomes == second.outcomes
    assert first.exit_code == second.exit_code == 2
    names = sorted(p.name for p in one.iterdir())
    assert names == sorted(p.name for p in two.iterdir())
    for name in names:
        assert (one / name).read_bytes() == (two / name).read_bytes(), name


_FORKED_WORKERS = r"""
import json, multiprocessing, os, sys
import advise.batch as batch
from advise.errors import InputError

seen = {}
real_plan, real_chunk = batch.plan, batch._advise_chunk

def plan(*args, **kwargs):
    seen.setdefault("workers when the sheets are listed", sorted(p.pid for p in multiprocessing.active_children()))
    return real_plan(*args, **kwargs)

def chunk(sheets):  # runs in a worker, which has this patch too: it was forked from here
    with open(os.path.join(sys.argv[3], str(os.getpid())), "w") as record:
        record.write(str(os.getppid()))
    return real_chunk(sheets)

batch.plan, batch._advise_chunk = plan, chunk
result = batch.run_batch([sys.argv[1]], sys.argv[2], jobs=2)
try:
    batch.run_batch([sys.argv[3]], sys.argv[2], jobs=2)  # no sheet there: refused after the fork
except InputError as error:
    seen["error"] = error.problems[0].code
seen["left"] = [p.pid for p in multiprocessing.active_children()]
print(json.dumps({**seen, "pid": os.getpid(), "exit": result.exit_code}))
"""


def test_workers_are_forked_from_the_batch_before_its_sheets_are_listed(sheets: Path, tmp_path: Path) -> None:
    """In a process with no other thread, on Linux: the workers are forked from the batch's
    process once the rule base is checked and before the sheets are listed (their memory
    cannot hold the list), with no server process; a batch refused after that (no sheet)
    leaves no worker behind."""
    if not sys.platform.startswith("linux"):
        pytest.skip("workers are forked on Linux only")
    records = tmp_path / "records"
    records.mkdir()
    done = subprocess.run([sys.executable, "-c", _FORKED_WORKERS, str(sheets), str(tmp_path / "out"), str(records)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout.strip().splitlines()[-1])
    workers = sorted(int(name) for name in os.listdir(records))
    assert workers and set(workers) <= set(found["workers when the sheets are listed"])
    assert {int((records / str(pid)).read_text()) for pid in workers} == {found["pid"]}
    assert len(found["workers when the sheets are listed"]) == 2  # the workers only: no fork server
    assert found["exit"] == 2 and found["error"] == "batch-no-sheets" and found["left"] == []
    assert rows(tmp_path / "out") == rows(run_batch([sheets], tmp_path / "one", jobs=1).out_dir)


def test_with_another_thread_running_workers_start_from_a_fork_server(sheets: Path, tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """Forking a process that runs other threads could copy a lock they hold: then the
    workers start from the fork server, and the reports are the same."""
    import threading

    def no_fork(*args: object) -> None:
        raise AssertionError("forked while another thread runs")

    monkeypatch.setattr(batch_module, "_fork_pool", no_fork)
    release = threading.Event()
    other = threading.Thread(target=release.wait, daemon=True)
    other.start()
    try:
        two = run_batch([sheets], tmp_path / "two", fmt="json", jobs=2)
    finally:
        release.set()
    one = run_batch([sheets], tmp_path / "one", fmt="json", jobs=1)
    assert two.outcomes == one.outcomes
    for outcome in one.outcomes:
        if outcome.report:
            assert (tmp_path / "two" / outcome.report).read_bytes() == (tmp_path / "one" / outcome.report).read_bytes()


def test_names_do_not_depend_on_argument_order(sheets: Path, tmp_path: Path) -> None:
    files = [sheets / "sub" / "fleuriste.yaml", sheets / "fleuriste.yaml", sheets / "agence-b2b.yaml"]
    first = plan(files, tmp_path / "out", "text")
    second = plan(list(reversed(files)), tmp_path / "out", "text")
    assert first == second
    assert [sheet.report for sheet in first] == ["agence-b2b.txt", "fleuriste.txt", "fleuriste-2.txt"]


def test_report_names_collisions_and_reserved_names() -> None:
    names = report_names(["a/x.yaml", "b/X.yaml", "c/x.yml", "summary.yaml", "d/.yaml", "e/a b.yaml"], ".md",
                         reserved=["x-2.md"])
    assert names == ["x.md", "X-3.md", "x-4.md", "summary-2.md", "yaml.md", "a_b.md"]


def test_a_folder_lists_each_sheet_by_its_shown_name_and_real_path(sheets: Path, tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    (sheets / "sub" / "inner").mkdir()
    (sheets / "sub" / "inner" / "c.YML").write_text(BAD_SHEET, encoding="utf-8")
    (sheets / "within.yaml").symlink_to(sheets / "sub" / "inner" / "c.YML")  # the same sheet: listed once
    outside = tmp_path / "elsewhere.yaml"
    outside.write_text(BAD_SHEET, encoding="utf-8")
    (sheets / "sub" / "out.yaml").symlink_to(outside)
    linked = tmp_path / "linked"
    linked.symlink_to(sheets, target_is_directory=True)  # a folder given through a link
    monkeypatch.chdir(sheets)
    for source, prefix in ((".", ""), ("./", ""), (str(sheets) + "//", str(sheets) + "/"),
                           (str(linked), str(linked) + "/")):
        links: dict[str, str] = {}
        found = find_sheets([source], outside_links=links)
        # What Path(folder) / name and os.path.realpath give, file by file.
        expected = {}
        for directory, _, files in os.walk(source):
            for name in files:
                full = Path(directory) / name
                if not name.startswith(".") and name.lower().endswith((".yaml", ".yml")):
                    real = os.path.realpath(full)
                    if real == str(outside):
                        real = os.path.abspath(full)
                    expected.setdefault(real, full.as_posix())
        assert found == sorted(expected.items(), key=lambda pair: (pair[1], pair[0]))
        assert {shown for _, shown in found} >= {prefix + "within.yaml", prefix + "sub/fleuriste.yaml"}
        assert list(links.values()) == [str(outside)]


def test_the_walk_lists_what_os_walk_lists_with_each_file_s_link(tmp_path: Path) -> None:
    """advise.batch._walk: os.walk's folders, subfolders and files, in the same order, a link
    to a folder listed and not entered, each file told a link as os.path.islink tells it."""
    from advise.batch import _walk

    top = tmp_path / "top"
    (top / "a" / "deep" / "deeper").mkdir(parents=True)
    (top / ".hidden").mkdir()
    (top / "a" / "deep" / "deeper" / "x.yaml").write_text("x")
    (top / "a" / "s.yml").write_text("x")
    (top / ".hidden" / "h.yaml").write_text("x")
    (top / "to-a").symlink_to(top / "a", target_is_directory=True)
    (top / "to-s.yaml").symlink_to(top / "a" / "s.yml")
    (top / "nowhere.yaml").symlink_to(top / "missing.yaml")
    (top / "looping").symlink_to(top / "looping")
    (top / "file.yaml").write_text("x")
    walked = [(directory, sorted(subdirs), sorted(files)) for directory, subdirs, files in _walk(str(top))]
    expected = [(directory, sorted(subdirs), sorted((name, os.path.islink(os.path.join(directory, name)))
                                                    for name in files))
                for directory, subdirs, files in os.walk(str(top))]
    assert walked == expected
    assert ("to-s.yaml", True) in walked[0][2] and ("file.yaml", False) in walked[0][2]
    assert "to-a" in walked[0][1] and not any(directory.endswith("to-a") for directory, _, _ in walked)
    pruned = []
    for directory, subdirs, _ in _walk(str(top)):  # the caller prunes subfolders as with os.walk
        subdirs[:] = [name for name in subdirs if not name.startswith(".")]
        pruned.append(directory)
    assert str(top / ".hidden") not in pruned and str(top / "a" / "deep" / "deeper") in pruned


def test_report_stems_are_those_of_their_paths() -> None:
    from itertools import product

    from advise.batch import _stem

    for parts in product(["", "a", ".", "..", "/", "b.c", " d.yaml", "e."], repeat=3):
        shown = "".join(parts)
        assert _stem(shown) == Path(shown).stem, shown


def test_the_last_chunks_are_smaller_and_every_sheet_is_in_one_in_order() -> None:
    from advise.batch import _chunks

    for count in (1, 2, 7, 64, 65, 130, 1000, 5000):
        for workers in (1, 2, 3, 8):
            sheets = list(range(count))
            chunks = _chunks(sheets, workers)  # type: ignore[arg-type]
            assert [sheet for chunk in chunks for sheet in chunk] == sheets
            sizes = [len(chunk) for chunk in chunks]
            assert sizes == sorted(sizes, reverse=True) or sizes[:-1] == sorted(sizes[:-1], reverse=True)
            assert max(sizes) <= 64
            assert len(chunks) == 1 or sizes[-2] <= 2  # the last ones leave no core idle for long
    sizes = [len(chunk) for chunk in _chunks(list(range(1000)), 2)]  # type: ignore[arg-type]
    assert sizes[0] == 64 and max(sizes[-4:]) <= 2 and len(sizes) <= 32  # few: each costs CPU


def test_a_worker_prepares_what_its_first_sheet_imports(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from advise.batch import _Worker, plan\n"
        f"for fmt in ('json', 'text'):\n"
        f"    worker = _Worker(None, None, fmt, None, {str(tmp_path)!r})\n"
        "    worker.prepare()\n"
        "    before = set(sys.modules)\n"
        f"    worker.advise_all(plan([{str(EXAMPLES / 'fleuriste.yaml')!r}], {str(tmp_path)!r}, fmt), lambda o: None)\n"
        "    print(fmt, sorted(name for name in set(sys.modules) - before if name.startswith('advise')))\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.splitlines() == ["json []", "text []"], done.stdout + done.stderr


def test_a_report_is_never_written_over_an_input(tmp_path: Path) -> None:
    folder = tmp_path / "both"
    folder.mkdir()
    # A JSON file is YAML too: a sheet named like the report it would get.
    shutil.copy(EXAMPLES / "fleuriste.yaml", folder / "fleuriste.json")
    original = (folder / "fleuriste.json").read_bytes()
    result = run_batch([folder / "fleuriste.json"], folder, fmt="json", jobs=1)
    assert result.exit_code == 0
    assert (folder / "fleuriste.json").read_bytes() == original
    assert result.outcomes[0].report == "fleuriste-2.json"
    assert (folder / "fleuriste-2.json").exists()


def test_a_report_refused_when_written_is_told_for_its_sheet_and_the_batch_goes_on(tmp_path: Path) -> None:
    """The report's name is a hard link to its own sheet: refused when written (in the
    writer's thread), told as that sheet's bad input; the sheets after it get their reports."""
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("a", "b", "c"):
        shutil.copy(EXAMPLES / "fleuriste.yaml", folder / f"{name}.yaml")
    out = tmp_path / "out"
    out.mkdir()
    os.link(folder / "b.yaml", out / "b.txt")
    original = (folder / "b.yaml").read_bytes()
    result = run_batch([folder], out, jobs=1)
    assert [(o.file.rsplit("/", 1)[-1], o.status) for o in result.outcomes] == [
        ("a.yaml", OK), ("b.yaml", BAD_INPUT), ("c.yaml", OK)]
    assert "b.txt" in result.outcomes[1].error and result.outcomes[1].report is None
    assert (folder / "b.yaml").read_bytes() == original and (out / "c.txt").exists()
    assert result.exit_code == 2 and [row["status"] for row in rows(out)] == [OK, BAD_INPUT, OK]


def test_output_folder_inside_the_input_folder_is_not_read_back(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(EXAMPLES / "fleuriste.yaml", folder / "fleuriste.yaml")
    out = folder / "reports"
    out.mkdir()
    (out / "old.yaml").write_text(BAD_SHEET, encoding="utf-8")  # would fail if it were read
    assert [shown for _, shown in find_sheets([folder], skip=out)] == [(folder / "fleuriste.yaml").as_posix()]
    assert run_batch([folder], out, jobs=1).exit_code == 0


def test_missing_file_is_a_bad_sheet_and_no_sheet_at_all_is_an_error(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run_batch([EXAMPLES / "fleuriste.yaml", tmp_path / "nope.yaml"], out, jobs=1)
    assert {Path(o.file).name: o.status for o in result.outcomes} == {"fleuriste.yaml": OK, "nope.yaml": BAD_INPUT}
    assert "file not found" in result.outcomes[[o.status for o in result.outcomes].index(BAD_INPUT)].error
    assert result.exit_code == 2
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(InputError) as caught:
        run_batch([empty], out)
    assert caught.value.codes == ["batch-no-sheets"]
    cli = CliRunner().invoke(main, ["batch", str(empty), "-o", str(out)])
    assert cli.exit_code == 2 and "no fact sheet" in cli.output and "Traceback" not in cli.output


def test_broken_rule_base_stops_the_batch_before_any_report(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(RULES, rules)
    (rules / "10-time.yaml").write_text("theme: time\nrules:\n  - id: Broken Id\n", encoding="utf-8")
    out = tmp_path / "out"
    with pytest.raises(RuleBookError):
        run_batch([EXAMPLES], out, rules_dir=rules, jobs=2)
    assert not out.exists() or not any(out.iterdir())
    cli = CliRunner().invoke(main, ["batch", str(EXAMPLES), "-o", str(out), "--rules", str(rules)])
    assert cli.exit_code == 2 and "10-time.yaml" in cli.output and "Traceback" not in cli.output


def test_an_internal_error_in_one_sheet_is_recorded_and_exits_one(monkeypatch: pytest.MonkeyPatch,
                                                                  tmp_path: Path) -> None:
    real = batch_module._Worker.advise

    def flaky(self: batch_module._Worker, sheet: batch_module.Sheet, *args: object) -> batch_module.Outcome:
        if "agence-b2b" in sheet.file:
            original = self.renderer.render
            self.renderer.render = lambda *a, **k: 1 / 0  # type: ignore[method-assign]
            try:
                return real(self, sheet, *args)  # type: ignore[arg-type]
            finally:
                self.renderer.render = original  # type: ignore[method-assign]
        return real(self, sheet, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(batch_module._Worker, "advise", flaky)
    result = run_batch([EXAMPLES], tmp_path / "out", jobs=1)
    failed = [o for o in result.outcomes if o.status == INTERNAL]
    assert len(failed) == 1 and "ZeroDivisionError" in failed[0].error
    assert result.exit_code == 1
    assert sum(o.status == OK for o in result.outcomes) == len(result.outcomes) - 1


def test_an_interrupted_batch_leaves_whole_reports_and_can_be_rerun(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl-C while the fourth sheet is advised, reports made durable two at a time: the
    first two are in place and whole, the third (written, not yet durable) is removed, no
    temporary file and no summary are left; running the batch again makes them all."""
    import functools

    from advise.output import Writer

    sheets = tmp_path / "in"
    sheets.mkdir()
    for name in ("a", "b", "c", "d", "e"):
        shutil.copy(EXAMPLES / "fleuriste.yaml", sheets / f"{name}.yaml")
    out = tmp_path / "out"
    advised = 0
    advise = batch_module._Worker.advise

    def interrupted(self: batch_module._Worker, sheet: batch_module.Sheet, writer: Writer) -> batch_module.Outcome:
        nonlocal advised
        advised += 1
        if advised == 4:
            raise KeyboardInterrupt
        return advise(self, sheet, writer)

    monkeypatch.setattr(batch_module, "Writer", functools.partial(Writer, group=2))
    monkeypatch.setattr(batch_module._Worker, "advise", interrupted)
    with pytest.raises(KeyboardInterrupt):
        run_batch([sheets], out, jobs=1)
    left = sorted(p.name for p in out.iterdir())
    assert all(not name.startswith(".") for name in left), left  # no temporary file left
    assert "summary.csv" not in left
    assert left == ["a.txt", "b.txt"]  # c.txt was written, never made durable: removed
    for name in left:  # whole reports only
        assert (out / name).read_text(encoding="utf-8").endswith("\n")
    monkeypatch.undo()
    again = run_batch([sheets], out, jobs=2)
    assert len(again.outcomes) == len(rows(out))
    assert not any(p.name.startswith(".") for p in out.iterdir())


@pytest.mark.slow
def test_five_thousand_sheets_through_one_advisor() -> None:
    """durable holds at most 1,024 live sheets per ruleset: each run must delete its state."""
    advisor = Advisor(RULES)
    base = {
        "business": {"name": "Shop", "size": "tpe", "audience": "b2c", "local": True},
        "resources": {"weekly_hours": 0, "monthly_budget": 0},
        "objectives": ["visibility"],
        "content": {"editorial_ideas": True, "can_reply_within_a_day": True},
        "profiles": {"planned": ["facebook", "instagram"]},
    }
    verdicts = set()
    for index in range(5000):
        sheet = dict(base, resources={"weekly_hours": index % 20, "monthly_budget": (index * 7) % 300})
        result = advisor.run(fact_sheet_from_mapping(sheet))
        verdicts.add(result.facts.get("verdict"))
    assert len(verdicts) > 1
    # The engine still works and still gives the same answer as a fresh one.
    again = advisor.run(fact_sheet_from_mapping(base))
    fresh = Advisor(RULES).run(fact_sheet_from_mapping(base))
    assert again.facts == fresh.facts


def test_a_batch_makes_every_report_with_the_templates_as_it_started(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """A template edited while a batch runs changes none of its reports: they stay alike."""
    templates = tmp_path / "explanations"
    shutil.copytree(ROOT / "explanations", templates)
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("a.yaml", "b.yaml", "c.yaml"):
        shutil.copy(EXAMPLES / "fleuriste.yaml", folder / name)
    template = templates / "report.txt.j2"

    advise = batch_module._Worker.advise

    def then_edit(self: batch_module._Worker, sheet: batch_module.Sheet, writer: Any) -> batch_module.Outcome:
        outcome = advise(self, sheet, writer)
        if "EDITED" not in template.read_text(encoding="utf-8"):  # after the first report is made
            template.write_text("EDITED\n" + template.read_text(encoding="utf-8"), encoding="utf-8")
            later = template.stat().st_mtime + 10
            os.utime(template, (later, later))
        return outcome

    monkeypatch.setattr(batch_module._Worker, "advise", then_edit)
    result = run_batch([folder], tmp_path / "out", jobs=1, templates_dir=templates)
    texts = [(tmp_path / "out" / name).read_text(encoding="utf-8") for name in ("a.txt", "b.txt", "c.txt")]
    assert result.exit_code == 0 and "EDITED" in template.read_text(encoding="utf-8")
    assert not any("EDITED" in text for text in texts)
    assert texts[0] == texts[2].replace("c.yaml", "a.yaml")  # alike, but for the sheet's name
