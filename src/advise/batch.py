"""Advise many fact sheets at once: one report per sheet, and a summary of them all.

Library first: `run_batch` does the work; `advise batch` (advise.cli.batch) only parses,
shows progress and prints. How it behaves:

* Sheets are found in the files and folders given (folders: every *.yaml / *.yml below
  them, hidden ones and the output folder skipped), each sheet once, in one sorted order.
  A CSV file given by name (a form tool's export, advise.sheet.rows) is one sheet per row,
  shown as `answers.csv:3` (its row) and reported as `answers-3.txt`.
* Each sheet gets a report named after its file (`fleuriste.yaml` -> `fleuriste.txt`);
  two sheets with the same name get `name.txt`, `name-2.txt`, ... in the sorted order of
  their paths, so the names do not depend on the order of the arguments. No report is
  ever named like an input sheet or like the summary files.
* The rule base is loaded and checked once in this process (a broken rule base stops the
  batch before any report is written). On Linux the workers are forked from this process
  right then, before the sheets are listed, and share it; elsewhere (or with other threads
  running) they start from a forkserver and load it again. Either way a worker's memory
  does not grow with the size of the batch. With one job everything runs here.
* A bad sheet is recorded with its error and the others go on. Reports and summaries are
  written atomically (advise.output.write_atomically; reports made durable 64 at a time,
  advise.output.Writer): a report gets its name only once its text is on disk, so an
  interrupted batch leaves whole reports only, and running it again rewrites them.
* Summary: `summary.csv` and `summary.md`, one row per sheet, sorted by file
  (advise.batch_summary, with the records of what became of each sheet).
* A link inside an input folder that leads outside it is not followed: its sheet is
  listed as refused. File names are shown without control characters (advise.safetext).
* A report that cannot be written (a full disk) stops the batch with that error: it is
  no sheet's fault. SIGTERM stops the batch as Ctrl-C does: the workers are stopped (each
  removes the report it was writing), a fork server ends, and no summary is written. If
  the advise process is killed outright, each worker notices within a fraction of a
  second and stops the same way.
"""

from __future__ import annotations

import os
import re
import signal
from collections import deque
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Sequence

from .batch_summary import (
    BAD_INPUT,
    CSV_COLUMNS,
    EXIT_BAD_INPUT,
    INTERNAL,
    OK,
    SUMMARY_COLUMNS,
    SUMMARY_CSV,
    SUMMARY_MD,
    WRITE_FAILED,
    BatchResult,
    Outcome,
    summary_csv,
    summary_markdown,
)
from .collecting import one_sheet
from .errors import AdviseError, InputError, Problem, register_messages
from .output import OutputError, Writer, file_system_flush, remove_temporaries, resolved_inputs_at, write_atomically
from .records import replace
from .safetext import visible
from .stopping import sigterm_stops, stop_pool, stopping, worker_signals
from .sheet.rows import CSV_SUFFIXES, Row, read_rows

register_messages({
    "batch-no-sheets": {
        "en": "no fact sheet (*.yaml, *.yml) found in {paths}",
        "fr": "aucune fiche (*.yaml, *.yml) trouvée dans {paths}",
    },
    "batch-missing": {"en": "no such file or folder", "fr": "fichier ou dossier introuvable"},
    "batch-output-not-dir": {
        "en": "the output must be a folder; this is a file",
        "fr": "la sortie doit être un dossier ; ceci est un fichier",
    },
    "batch-jobs": {"en": "--jobs must be 1 or more, found {value}", "fr": "--jobs doit valoir 1 ou plus, trouvé {value}"},
    "batch-link-outside": {
        "en": "this is a link to {target}, outside the folder given: not followed",
        "fr": "c'est un lien vers {target}, hors du dossier donné : il n'est pas suivi",
    },
    "batch-write-failed": {
        "en": "the batch stopped: a report cannot be written: {reason}",
        "fr": "le lot s'est arrêté : un rapport ne peut pas être écrit : {reason}",
    },
    "batch-worker-died": {
        "en": "the worker process advising this sheet stopped unexpectedly",
        "fr": "le processus qui traitait cette fiche s'est arrêté de façon inattendue",
    },
})


class BatchWriteError(AdviseError):
    """A report could not be written: the batch stops (exit 1, an I/O error, no sheet's fault)."""

    exit_code = 1


SHEET_SUFFIXES = (".yaml", ".yml")
EXTENSIONS = {"text": ".txt", "markdown": ".md", "html": ".html", "json": ".json"}


@dataclass(frozen=True)
class Sheet:
    """One sheet to advise: where it is, how it is shown, and where its report goes."""

    path: str  # as opened
    file: str  # as shown in the summary
    report: str  # report file name inside the output folder
    row: Row | None = None  # a row of a CSV file: the answers themselves
    outside: str | None = None  # a link leading out of its folder: where to (never opened)


# ---------------------------------------------------------------- finding sheets and naming reports


def find_sheets(sources: Sequence[str | os.PathLike[str]], *, skip: Path | None = None,
                outside_links: dict[str, str] | None = None) -> list[tuple[str, str]]:
    """(path to open, name shown) for every sheet in `sources`, each once, sorted by name.

    A folder contributes every *.yaml / *.yml below it, except hidden entries and `skip`
    (the output folder). A link in a folder that leads outside it is listed by its own path,
    not followed; `outside_links` receives {its path: where it leads}. A file is taken
    whatever its name. A path that does not exist is kept, so that its sheet fails with a
    clear error in the summary.
    """
    if not sources:
        raise InputError(Problem("batch-no-sheets", {"paths": "(nothing given)"}, field="DIR_OR_FILES"))
    found: dict[str, str] = {}  # real path -> shown name
    skip_real = os.path.realpath(skip) if skip is not None else None

    def add(path: Path | str, shown: str, real: str | None = None) -> None:
        found.setdefault(real or os.path.realpath(path), visible(shown, one_line=True))

    for source in sources:
        path = Path(source)
        if path.is_dir():
            root = os.path.realpath(path)
            for directory, subdirs, files in _walk(os.fspath(path)):
                subdirs[:] = sorted(d for d in subdirs if not d.startswith(".")
                                    and os.path.realpath(os.path.join(directory, d)) != skip_real)
                # A folder walked is reached from `root` through folders, not links (_walk does
                # not follow them): its real path is inside `root`, and so is that of each of
                # its files but a link. (os.path.realpath looks at every part of a path.)
                real_directory = os.path.realpath(directory)
                shown_directory = _shown_prefix(directory)
                for name, link in sorted(files):
                    if name.startswith(".") or not name.lower().endswith(SHEET_SUFFIXES):
                        continue
                    if not link:
                        real = os.path.join(real_directory, name)
                        add(real, shown_directory + name, real)
                        continue
                    full = os.path.join(directory, name)
                    real = os.path.realpath(full)
                    if os.path.commonpath([root, real]) != root:  # a link out of the folder
                        shown = visible(shown_directory + name, one_line=True)
                        found.setdefault(os.path.abspath(full), shown)
                        if outside_links is not None:
                            outside_links[os.path.abspath(full)] = visible(real, one_line=True)
                        continue
                    add(full, shown_directory + name, real)
        else:
            add(path, path.as_posix())
    if not found:
        shown = ", ".join(Path(s).as_posix() for s in sources)
        raise InputError(Problem("batch-no-sheets", {"paths": shown}, field="DIR_OR_FILES"))
    return sorted(((real, shown) for real, shown in found.items()), key=lambda pair: (pair[1], pair[0]))


def _walk(top: str) -> Iterator[tuple[str, list[str], list[tuple[str, bool]]]]:
    """os.walk(top), each file with whether it is a link, which the folder's listing tells
    (os.scandir) where a look at each file cost a system call: (folder, the names of its
    subfolders, which the caller may prune, [(file name, is a link)]). Top-down; a link to a
    folder is listed among the subfolders and not entered; a folder that cannot be read is
    left out, as os.walk leaves them."""
    try:
        with os.scandir(top) as listing:
            entries = list(listing)
    except OSError:
        return
    subdirs: list[str] = []
    files: list[tuple[str, bool]] = []
    for entry in entries:
        try:
            is_dir = entry.is_dir()
        except OSError:
            is_dir = False
        if is_dir:
            subdirs.append(entry.name)
        else:
            files.append((entry.name, entry.is_symlink()))
    yield top, subdirs, files
    for name in subdirs:
        inner = os.path.join(top, name)
        if not os.path.islink(inner):
            yield from _walk(inner)


def _shown_prefix(directory: str) -> str:
    """What (Path(directory) / name).as_posix() puts before a file's name."""
    shown = Path(directory).as_posix()
    return "" if shown == "." else shown if shown.endswith("/") else shown + "/"


def _stem(shown: str) -> str:
    """Path(shown).stem, without making a Path (a batch names thousands of reports)."""
    name = os.path.basename(shown.rstrip("/")) if "/" in shown else shown
    if name in ("", ".", ".."):
        return Path(shown).stem  # Path's own reading of these
    dot = name.rfind(".")
    return name[:dot] if 0 < dot < len(name) - 1 else name


_UNSAFE = re.compile(r"[^\w.\-]+", re.UNICODE)


def report_names(shown_names: Sequence[str], extension: str, *, reserved: Iterable[str] = ()) -> list[str]:
    """A report file name for each sheet, in the given (sorted) order: the sheet's own stem
    plus `extension`; a name already taken (case aside) gets -2, -3, ... Never a reserved name."""
    taken = {name.casefold() for name in reserved}
    taken |= {SUMMARY_CSV, SUMMARY_MD}
    names = []
    for shown in shown_names:
        stem = _UNSAFE.sub("_", _stem(shown)).strip("._") or "sheet"
        candidate, counter = stem + extension, 1
        while candidate.casefold() in taken:
            counter += 1
            candidate = f"{stem}-{counter}{extension}"
        taken.add(candidate.casefold())
        names.append(candidate)
    return names


def plan(sources: Sequence[str | os.PathLike[str]], out_dir: str | os.PathLike[str], fmt: str) -> list[Sheet]:
    """The sheets to advise and their report names."""
    out = Path(out_dir)
    outside: dict[str, str] = {}
    found = find_sheets(sources, skip=out, outside_links=outside)
    out_real = os.path.realpath(out)
    # Inputs that sit in the output folder: their names are never used for a report.
    reserved = [Path(real).name for real, _ in found if os.path.dirname(real) == out_real]
    entries: list[tuple[str, str, Row | None]] = []  # (path, shown, row)
    for real, shown in found:
        if real in outside:
            entries.append((real, shown, None))
        elif shown.lower().endswith(CSV_SUFFIXES):
            entries += [(real, row.shown, row) for row in read_rows(real, display_name=shown)]
        else:
            entries.append((real, shown, None))
    if not entries:  # only CSV files without a row of answers
        raise InputError(Problem("batch-no-sheets", {"paths": ", ".join(shown for _, shown in found)},
                                 field="DIR_OR_FILES"))
    stems = [shown if row is None else str(Path(row.file).with_name(f"{Path(row.file).stem}-{row.line}.csv"))
             for _, shown, row in entries]
    names = report_names(stems, EXTENSIONS[fmt], reserved=reserved)
    return [Sheet(path=real, file=shown, report=name, row=row, outside=outside.get(real))
            for (real, shown, row), name in zip(entries, names)]


# ---------------------------------------------------------------- advising one sheet


class _Worker:
    """An Advisor and a Renderer, built once, and the options of the batch."""

    def __init__(self, rules_dir: str | None, templates_dir: str | None, fmt: str, lang: str | None,
                 out_dir: str, hints: bool = False, with_sheet: bool = True,
                 signing: tuple[str, Any, Any] = ("owner", None, None)):
        from .advisor import Advisor, default_templates_dir
        from .render.renderer import Renderer

        self.advisor = Advisor(rules_dir, cache=True)
        self.renderer = Renderer(templates_dir or default_templates_dir(), reload=False)  # templates as at the start
        self.fmt, self.lang, self.out_dir, self.hints = fmt, lang, out_dir, hints
        self.with_sheet = with_sheet  # False: JSON reports leave the answers out (--no-sheet)
        self.audience, self.consultant, self.date = signing  # who reads, who signs, the date

    def prepare(self) -> None:
        """Import what advising a sheet uses and the command line had no need for yet (a
        worker does it while the batch lists its sheets, not at its first sheet)."""
        from .explain import report  # noqa: F401  (and the explaining modules it imports)
        from .rulebase import digest  # noqa: F401  (the sheet's digest, in every report)

        file_system_flush()  # found now (ctypes imported), not when the first reports are made durable
        if self.hints:
            from .explain import counterfactual  # noqa: F401
        if self.fmt == "json":
            from .render import json_report  # noqa: F401

    def advise(self, sheet: Sheet, writer: Writer) -> Outcome:
        """Advise one sheet and hand its report to `writer`: an OK outcome is the sheet's once
        the report is written (else `_failed` says what became of it)."""
        load_fact_sheet, sheet_from_row, build_report = self._steps or self._import_steps()
        if sheet.outside is not None:
            problem = Problem("batch-link-outside", {"target": sheet.outside}, file=sheet.file)
            return Outcome(sheet.file, None, BAD_INPUT, error=problem.format(self.lang or "en"))
        try:
            loaded = load_fact_sheet(sheet.path, display_name=sheet.file) if sheet.row is None \
                else sheet_from_row(sheet.row)
            result = self.advisor.run(loaded)
            found = None
            if self.hints:
                from .explain.counterfactual import find_hints

                found = find_hints(self.advisor, result)
            report = build_report(result, self.lang or loaded.lang or "en", hints=found, audience=self.audience,
                                  consultant=self.consultant, date=self.date, for_json=self.fmt == "json")
            if not self.with_sheet:
                report = replace(report, include_sheet=False)
            text = self.renderer.render(report, self.fmt)
            if stopping():  # stopped while advising (durable may have swallowed the SystemExit)
                raise SystemExit(128 + signal.SIGTERM)
            writer.write(os.path.join(self.out_dir, sheet.report), text, inputs=[sheet.path])
        except Exception as error:
            return self._failed(sheet.file, error)
        return Outcome(
            sheet.file, sheet.report, OK, business=report.business, verdict=report.verdict,
            max_profiles=report.max_profiles, platforms=tuple(report.platforms),
            warnings=tuple(item.id for item in report.warnings))

    _steps: tuple[Callable[..., Any], ...] | None = None  # what advise() calls, imported at its first sheet

    def _import_steps(self) -> tuple[Callable[..., Any], ...]:
        """The functions advise() calls, imported once (three imports a sheet cost some 3 us)
        and not with this module: the command line loads them when it advises."""
        from .explain.report import build_report
        from .sheet.facts import load_fact_sheet
        from .sheet.rows import sheet_from_row

        self._steps = (load_fact_sheet, sheet_from_row, build_report)
        return self._steps

    def _failed(self, file: str, error: BaseException) -> Outcome:
        lang = self.lang or "en"
        if isinstance(error, OutputError):  # a full disk: the batch's problem, not the sheet's
            return Outcome(file, None, WRITE_FAILED, error=error.problems[0].format(lang))
        if isinstance(error, AdviseError):
            status = BAD_INPUT if error.exit_code == EXIT_BAD_INPUT else INTERNAL
            return Outcome(file, None, status, error=_one_line(error, lang))
        if isinstance(error, Exception):  # a bug: recorded for this sheet, the others go on
            return Outcome(file, None, INTERNAL, error=f"internal error: {type(error).__name__}: {error}")
        raise error  # a stop (SystemExit, KeyboardInterrupt): not a sheet's outcome

    def advise_all(self, sheets: Iterable[Sheet], done: Callable[[Outcome], None], *, worker: bool = False) -> None:
        """Advise `sheets` in order, calling `done` with each outcome in the same order.

        Each report's temporary file is written as its sheet is advised; every 64 reports, and
        at the end, they are made durable with one flush and renamed into place (advise.output.Writer),
        all before this returns or raises. After a report that cannot be written (WRITE_FAILED), no
        further sheet is advised (those of its group were already) and no outcome is told. Sheets run
        without garbage collections; a `worker` freezes what lives on after its first sheet
        (advise.collecting).
        """
        writer = Writer()
        waiting: deque[Outcome] = deque()  # not yet given to `done`; the OK ones are being written
        errors: deque[BaseException | None] = deque()  # what became of the writes, in order

        def settle(wait: bool) -> bool:
            errors.extend(writer.results(wait=wait))
            while waiting and (waiting[0].status != OK or errors):
                outcome = waiting.popleft()
                if outcome.status == OK and (error := errors.popleft()) is not None:
                    outcome = self._failed(outcome.file, error)
                done(outcome)
                if outcome.status == WRITE_FAILED:
                    return False
            return True

        try:
            for sheet in sheets:
                if stopping():
                    raise SystemExit(128 + signal.SIGTERM)
                with one_sheet(freeze=worker):
                    waiting.append(self.advise(sheet, writer))
                if not settle(wait=False):
                    return
            settle(wait=True)
        finally:
            writer.close()


def _one_line(error: AdviseError, lang: str) -> str:
    text = "; ".join(problem.format(lang).replace("\n  ", " (") + (")" if problem.hint else "")
                     for problem in error.problems[:5])
    if len(error.problems) > 5:
        text += f"; (+{len(error.problems) - 5})"
    return text


_WORKER: _Worker | None = None


def _init_worker(parent: int, worker: _Worker | tuple) -> None:
    """A worker's start: `worker` is the batch's own, forked with this process (_fork_pool),
    or the arguments to build one (a worker from the fork server)."""
    global _WORKER
    worker_signals(parent, remove_temporaries)  # advise.stopping
    _WORKER = worker if isinstance(worker, _Worker) else _Worker(*worker)
    _WORKER.prepare()  # while the batch lists its sheets, before the first chunk comes


def _advise_chunk(sheets: list[Sheet]) -> list[Outcome]:
    assert _WORKER is not None, "worker not initialised"
    outcomes: list[Outcome] = []
    _WORKER.advise_all(sheets, outcomes.append, worker=True)
    return outcomes


# ---------------------------------------------------------------- the batch


def run_batch(
    sources: Sequence[str | os.PathLike[str]],
    out_dir: str | os.PathLike[str],
    *,
    fmt: str = "text",
    lang: str | None = None,
    jobs: int | None = None,
    rules_dir: str | os.PathLike[str] | None = None,
    templates_dir: str | os.PathLike[str] | None = None,
    hints: bool = False,
    with_sheet: bool = True,
    audience: str = "owner",
    consultant: Any = None,
    date: Any = None,
    progress: Callable[[int], None] | None = None,
    on_plan: Callable[[int], None] | None = None,
) -> BatchResult:
    """Advise every sheet found in `sources`, writing reports and summaries into `out_dir`.

    `audience`, `consultant` and `date` are those of `advise FILE --for --consultant --date`:
    every report of the batch is signed the same way (the date defaults to today, once).
    `hints`: add the counterfactual hints (advise.explain.counterfactual) to each report, as
    `advise FILE` does; they re-run the rules many times per sheet, so they are off by
    default here. `progress(n)` is called as n more sheets are done; `on_plan(total)` once
    the sheets are known. Raises AdviseError only for what stops the whole batch: no sheet,
    a broken rule base or templates, an output folder that cannot be written.
    """
    if fmt not in EXTENSIONS:
        raise InputError(Problem("bad-format", {"value": fmt}, field="--format"))
    if jobs is not None and jobs < 1:
        raise InputError(Problem("batch-jobs", {"value": jobs}, field="--jobs"))
    wanted, fork = jobs or os.cpu_count() or 1, _can_fork()
    if wanted > 1 and not fork:
        # The workers' server starts (and imports advise) while this process finds the
        # sheets and checks the rule base, instead of after.
        _pool_context(start=True)
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise InputError(Problem("batch-output-not-dir", file=str(out), field="--output"))
    rules = str(rules_dir) if rules_dir is not None else None
    templates = str(templates_dir) if templates_dir is not None else None
    if date is None:
        from .explain.summary import report_date

        date = report_date()  # once: a batch that runs past midnight dates its reports alike
    signing = (audience, consultant, date)
    # Check the rule base and templates here, once: a broken one stops the batch cleanly.
    local = _Worker(rules, templates, fmt, lang, str(out), hints, with_sheet, signing)
    rules_digest = local.advisor.rulebook.digest
    pool = _fork_pool(wanted, local) if wanted > 1 and fork else None  # before the sheets are listed
    try:
        sheets = plan(sources, out, fmt)
        if on_plan is not None:
            on_plan(len(sheets))
        try:
            out.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise InputError(Problem("output-failed", {"reason": error.strerror or str(error)}, file=str(out),
                                     field="--output")) from None
    except BaseException:
        if pool is not None:
            stop_pool(pool, {})
        raise
    workers = min(wanted, len(sheets))
    with sigterm_stops():
        if workers <= 1 and pool is None:
            outcomes = []

            def done(outcome: Outcome) -> None:
                outcomes.append(outcome)
                _stop_if_write_failed([outcome])
                if progress is not None:
                    progress(1)

            local.advise_all(sheets, done)
        else:
            del local
            outcomes = _run_parallel(sheets, workers, pool or (rules, templates, fmt, lang, str(out), hints,
                                                                with_sheet, signing), progress)
    order = {sheet.file: index for index, sheet in enumerate(sheets)}  # CSV rows in row order
    outcomes.sort(key=lambda outcome: (order.get(outcome.file, len(order)), outcome.file))
    result = BatchResult(out, outcomes, rules_digest)
    inputs = [sheet.path for sheet in sheets]
    csv_path, md_path = out / SUMMARY_CSV, out / SUMMARY_MD
    write_atomically(csv_path, summary_csv(outcomes, rules_digest=rules_digest),
                     inputs=resolved_inputs_at(csv_path, inputs))
    write_atomically(md_path, summary_markdown(outcomes, lang or "en", rules_digest=rules_digest),
                     inputs=resolved_inputs_at(md_path, inputs))
    return result


def _stop_if_write_failed(outcomes: Iterable[Outcome]) -> None:
    for outcome in outcomes:
        if outcome.status == WRITE_FAILED:
            raise BatchWriteError(Problem("batch-write-failed", {"reason": outcome.error}))


def _chunks(sheets: list[Sheet], workers: int) -> list[list[Sheet]]:
    """The sheets in chunks, in order, each a share of what is left (guided scheduling): at
    most 64 sheets (the progress bar moves), else half of what is left for each worker, down
    to 2 sheets at the end. So both cores stay busy to the end (a worker left alone with a
    large last chunk would leave the other core idle) with few chunks: a chunk costs the
    batch's process some 0.4 ms of CPU (sending it, taking its outcomes back), taken from
    the workers' cores, and its worker a wait for its last report to be written."""
    chunks, start, count = [], 0, len(sheets)
    while start < count:
        size = max(2, min(64, (count - start) // (2 * workers)))
        chunks.append(sheets[start:start + size])
        start += size
    return chunks


def _run_parallel(sheets: list[Sheet], workers: int, pool: ProcessPoolExecutor | tuple,
                  progress: Callable[[int], None] | None) -> list[Outcome]:
    chunks = _chunks(sheets, workers)
    if isinstance(pool, tuple):
        pool = ProcessPoolExecutor(max_workers=workers, mp_context=_pool_context(), initializer=_init_worker,
                                   initargs=(os.getpid(), pool))
    outcomes: list[Outcome] = []
    with pool:
        pending: dict[Future, list[Sheet]] = {pool.submit(_advise_chunk, chunk): chunk for chunk in chunks}
        try:
            while pending:
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    chunk = pending.pop(future)
                    try:
                        outcomes.extend(future.result())
                    except BrokenProcessPool:
                        outcomes.extend(_died(chunk))
                    _stop_if_write_failed(outcomes[-len(chunk):])
                    if progress is not None:
                        progress(len(chunk))
        except BaseException:
            stop_pool(pool, pending)
            raise
    return outcomes


def _can_fork() -> bool:
    """Workers may be forked from this process: on Linux, with no other thread running."""
    import sys
    import threading

    return sys.platform.startswith("linux") and threading.active_count() == 1


def _fork_pool(workers: int, local: _Worker) -> ProcessPoolExecutor:
    """Workers forked from this process now, before the sheets are listed (so their memory
    does not grow with the batch), each taking `local`, loaded and checked here, as its own:
    no server process to start, nothing imported or loaded again."""
    import multiprocessing

    pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork"),
                               initializer=_init_worker, initargs=(os.getpid(), local))
    pool.submit(int)  # a pool that forks starts all its workers at its first task
    return pool


def _pool_context(*, start: bool = False) -> Any:
    """Where workers cannot be forked before the sheets are listed (_can_fork): from a fresh
    server process (forkserver) with advise imported, not carrying this process's memory.
    `start`: start the server now (it is started anyway when the first worker is)."""
    import multiprocessing

    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["advise.batch", "advise.advisor", "advise.explain.report", "advise.render.renderer",
                                    "advise.sheet.facts", "advise.output"])
    if start:
        from multiprocessing import forkserver

        forkserver.ensure_running()
    return context


def _died(chunk: list[Sheet]) -> list[Outcome]:
    message = Problem("batch-worker-died").message("en")
    return [Outcome(sheet.file, None, INTERNAL, error=message) for sheet in chunk]


# The summaries and the records of the outcomes live in advise.batch_summary; their names
# are still given here, where they were first imported from.
__all__ = ["run_batch", "plan", "find_sheets", "report_names", "summary_csv", "summary_markdown",
           "BatchResult", "Outcome", "Sheet", "EXTENSIONS", "CSV_COLUMNS", "SUMMARY_COLUMNS"]
