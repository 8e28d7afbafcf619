"""Benchmarks of advise on the machine at hand: each ratio against its target, in one run.

    .venv/bin/python bench/run.py            # everything (several minutes): bench/results.md, README tables
    .venv/bin/python bench/run.py --quick    # fewer runs and sheets, a smoke check: writes nothing
    .venv/bin/python bench/run.py --serve    # also runs bench/serve.py first (a minute more)
    .venv/bin/python bench/run.py --python .venv/bin/python --python /elsewhere/bin/python

1. Start-up, on each Python given (default: this venv's, and .venv-3.13's, which the bench
   creates with scripts/setup when python3.13 exists and the venv does not): one
   `advise examples/fleuriste.yaml` process against the floor
   `python -c "import durable.engine, click, jinja2, yaml"`, interleaved, median of N runs
   each, after warm-up runs (.pyc files written, advise's cache filled). Target: at most
   1.3x. Ratios are of CPU time (user + system of the child process): other work on the
   machine hardly moves them; wall times are shown beside them. Also: `--no-hints`, JSON,
   and a first run with an empty cache. Then where one run spends its time, in-process.
2. Hints: how many verifying re-runs the counterfactual hints cost per report (the
   `reruns` count of advise.explain.answers.Hints), over the example sheets.
3. Batch: `advise batch --jobs 2` on 1,000 generated sheets, text and JSON, whole command:
   sheets per second (targets: 700 in text, 1,000 in JSON); the CPU each sheet costs in
   one process. Memory: peak RSS of the workers at 1,000 and at 10,000 sheets (target:
   within 10%), read from /proc while the real `advise batch` command runs. Every run
   writes into a folder of its own, and nothing is deleted before the bench ends: ext4
   without a journal (this VM's disk) skips every inode freed in the last seconds to
   minutes each time it creates a file, so reports written where a thousand were just
   deleted cost up to 0.4 ms more each, a cost of the bench, not of advise. What writing a
   report file costs in the bench's folder (as a batch writes it, advise.output.Writer) is measured first
   and shown beside the rates: `--work DIR` puts the bench's folder elsewhere. The import
   floor is timed just before and just after the timed batch runs and shown under the
   table: on a shared host, the machine's speed moves from one minute to the next.
4. `advise serve`: bench/serve.py's table, kept in bench/results.md between its markers
   (run it with --serve, or on its own); its p95 with hints is checked here against 100 ms.
5. Scale of the rule base: the shipped rules plus generated ones, 100, 500 and 2,000
   rules: load, compile, register in durable, one sheet; and how full durable's fixed-size
   tables get (they must stay below their sizes: see advise.engine.durable_limits).

A full run writes bench/results.md and rewrites the table between the `bench` markers of
README.md and README.fr.md (--no-readme leaves them alone). Not a test: it does not fail
on a missed target. The load average before and after is written beside the figures.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402

PYTHON = Path(sys.executable)
ADVISE = PYTHON.parent / "advise"
FLOOR = "import durable.engine, click, jinja2, yaml"
SHEET = ROOT / "examples" / "fleuriste.yaml"
TARGETS = {"startup": 1.3, "batch_text": 700, "batch_json": 1000, "rss_growth": 0.10, "serve_p95_ms": 100}
README_BEGIN, README_END = "<!-- bench: begin (bench/run.py) -->", "<!-- bench: end -->"
SERVE_BEGIN, SERVE_END = "<!-- serve: begin", "<!-- serve: end -->"
_CACHE = Path(tempfile.mkdtemp(prefix="advise-bench-cache-"))  # advise's cache for every run of the bench
_CACHE.chmod(0o700)


def _env(**extra: str) -> dict[str, str]:
    # Python writes the .pyc files during the warm-up runs, as an installed package has them
    # (any value of PYTHONDONTWRITEBYTECODE, even "0", would stop that: it is removed).
    dropped = ("PYTHONPATH", "ADVISE_DEBUG", "PYTHONDONTWRITEBYTECODE", "ADVISE_NO_CACHE", "ADVISE_CACHE_DIR")
    env = {key: value for key, value in os.environ.items() if key not in dropped}
    env["ADVISE_CACHE_DIR"] = str(_CACHE)
    env.update(extra)
    return env


def measured(command: list[str], cwd: Path | None = None, **extra: str) -> tuple[float, float]:
    """(wall, CPU) seconds of one run of `command`; CPU is the child's user + system time."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=_env(**extra),
                   cwd=cwd)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def timed(command: list[str], cwd: Path | None = None, **extra: str) -> float:
    return measured(command, cwd, **extra)[0]


def load_average() -> float | None:
    """The 1-minute load average: other work on the machine while measuring."""
    try:
        return os.getloadavg()[0]
    except OSError:
        return None


# ---------------------------------------------------------------- Pythons


def pythons(given: list[str] | None, setup: bool) -> list[Path]:
    """The Pythons to time start-up on: those given, else this venv's and .venv-3.13's
    (created with scripts/setup if python3.13 runs here and the venv does not exist)."""
    if given:
        return [Path(path) for path in given]
    found = [PYTHON]
    other = ROOT / ".venv-3.13" / "bin" / "python"
    if not other.exists() and setup and sys.version_info[:2] != (3, 13):
        print("creating .venv-3.13 with scripts/setup (about a minute)...", flush=True)
        done = subprocess.run([str(ROOT / "scripts" / "setup")], env={**os.environ, "PYTHON": "python3.13",
                                                                       "VENV": ".venv-3.13"}, cwd=ROOT,
                              capture_output=True, text=True)
        if done.returncode != 0:
            print(f"no Python 3.13 venv: {(done.stderr or done.stdout).strip().splitlines()[-1:]}", flush=True)
    if other.exists() and other.resolve() != PYTHON.resolve() and sys.version_info[:2] != (3, 13):
        found.append(other)
    return found


def python_version(python: Path) -> str:
    return subprocess.run([str(python), "-c", "import platform; print(platform.python_version())"],
                          capture_output=True, text=True, check=True).stdout.strip()


# ---------------------------------------------------------------- 1. start-up


_PHASES_PROBE = r"""
import json, sys, time
clock = time.process_time
t0 = clock()
import durable.engine, click, jinja2, yaml
t1 = clock()
import advise.cli.main
from advise.advisor import Advisor, default_templates_dir
from advise.explain.report import build_report
from advise.sheet.facts import load_fact_sheet
from advise.render.renderer import Renderer
t2 = clock()
sheet = load_fact_sheet(sys.argv[1])
t3 = clock()
advisor = Advisor(None, cache=True)
t4 = clock()
result = advisor.run(sheet)
t5 = clock()
from advise.explain.counterfactual import find_hints
hints = find_hints(advisor, result)
t6 = clock()
report = build_report(result, sheet.lang or "en", hints=hints)
t7 = clock()
renderer = Renderer(default_templates_dir())
text = renderer.render(report, "text")
t8 = clock()
print(json.dumps({"floor imports": t1 - t0, "advise imports": t2 - t1, "read sheet": t3 - t2,
                  "rule base (cached) + durable registration": t4 - t3, "inference": t5 - t4,
                  "counterfactual hints": t6 - t5, "report": t7 - t6, "templates + render": t8 - t7}))
"""


def phases(python: Path, runs: int) -> dict:
    """Where one run's CPU time goes, in-process (median per phase)."""
    samples = []
    for _ in range(runs):
        done = subprocess.run([str(python), "-c", _PHASES_PROBE, str(SHEET)], check=True, capture_output=True,
                              text=True, env=_env(), cwd=ROOT)
        samples.append(json.loads(done.stdout.strip().splitlines()[-1]))
    return {name: statistics.median(sample[name] for sample in samples) for name in samples[0]}


def startup(python: Path, runs: int) -> dict:
    advise = python.parent / "advise"
    floor_cmd = [str(python), "-c", FLOOR]
    advise_cmd = [str(advise), str(SHEET)] if advise.exists() else [str(python), "-m", "advise", str(SHEET)]
    commands = {"floor": floor_cmd, "advise": advise_cmd, "no_hints": advise_cmd + ["--no-hints"],
                "json": advise_cmd + ["--format", "json"]}
    for command in commands.values():  # warm the caches (files, .pyc, advise's cache)
        measured(command)
        measured(command)
    samples: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, command in commands.items():
            samples[name].append(measured(command))
    # The first run after an install or a change (empty cache: rule base and templates compiled).
    cold = []
    for _ in range(max(3, runs // 5)):
        with tempfile.TemporaryDirectory(prefix="advise-cache-") as empty:
            cold.append(measured(advise_cmd, ADVISE_CACHE_DIR=empty))
    result: dict = {"python": python_version(python), "runs": runs}
    for name, values in samples.items():
        result[f"{name}_wall"] = statistics.median(wall for wall, _ in values)
        result[f"{name}_cpu"] = statistics.median(cpu for _, cpu in values)
    result["cold_wall"] = statistics.median(wall for wall, _ in cold)
    for name in ("advise", "no_hints", "json"):
        result[f"ratio_{name}"] = result[f"{name}_cpu"] / result["floor_cpu"]
        result[f"ratio_{name}_wall"] = result[f"{name}_wall"] / result["floor_wall"]
    result["phases"] = phases(python, max(5, runs // 3))
    return result


# ---------------------------------------------------------------- 2. hints

_HINTS_PROBE = r"""
import json, sys, time
from pathlib import Path
from advise.advisor import Advisor
from advise.explain.counterfactual import find_hints
from advise.sheet.facts import load_fact_sheet
advisor = Advisor(None, cache=True)
found = []
for path in sorted(Path(sys.argv[1]).glob("*.yaml")):
    result = advisor.run(load_fact_sheet(path))
    started = time.process_time()
    hints = find_hints(advisor, result)
    cpu = time.process_time() - started
    found.append({"sheet": path.name, "runs": getattr(hints, "reruns", getattr(hints, "runs", None)), "cpu": cpu})
print(json.dumps(found))
"""


def hints() -> dict:
    done = subprocess.run([str(PYTHON), "-c", _HINTS_PROBE, str(ROOT / "examples")], check=True, capture_output=True,
                          text=True, env=_env(), cwd=ROOT)
    found = json.loads(done.stdout.strip().splitlines()[-1])
    runs = [item["runs"] for item in found if isinstance(item["runs"], int)]
    return {"sheets": len(found), "runs_median": statistics.median(runs) if runs else None,
            "runs_max": max(runs) if runs else None, "cpu_median": statistics.median(item["cpu"] for item in found)}


# ---------------------------------------------------------------- 3. batch

def _descendants(root: int) -> set[int]:
    """Every process below `root`, read from /proc (workers forked by it, or by its fork server)."""
    parents = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as handle:
                    parents[int(entry)] = int(handle.read().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                pass
    found, frontier = set(), {root}
    while frontier:
        frontier = {pid for pid, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def _peak_kib(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/status") as handle:
            for line in handle:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def batch_run(sheets: Path, out: Path, fmt: str, jobs: int = 0) -> dict:
    """The real `advise batch` command, as a consultant runs it, watched from this process:
    its wall time, and the peak resident size (VmHWM) of its own process and of every process
    below it (the workers) read from /proc while it runs. (A watcher thread inside advise's
    process would change how it starts its workers: it forks them only with no other thread.)"""
    if out.exists():
        shutil.rmtree(out)
    command = [str(ADVISE), "batch", str(sheets), "-o", str(out), "--format", fmt]
    if jobs:
        command += ["--jobs", str(jobs)]
    peaks: dict[int, int] = {}
    own = 0
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=_env())
    while process.poll() is None:
        own = max(own, _peak_kib(process.pid) or 0)
        for pid in _descendants(process.pid):
            found = _peak_kib(pid)
            if found is not None:
                peaks[pid] = max(peaks.get(pid, 0), found)
        time.sleep(0.05)
    elapsed = time.perf_counter() - started
    errors = process.stderr.read() if process.stderr else ""
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(command)}: status {process.returncode}: {errors[-2000:]}")
    with open(out / "summary.csv", encoding="utf-8", newline="") as handle:
        statuses = [row["status"] for row in csv.DictReader(handle)]
    counts = {status: statuses.count(status) for status in ("ok", "bad-input", "internal-error")}
    return {"elapsed": elapsed, "workers_peak_kib": max(peaks.values(), default=0), "parent_peak_kib": own,
            "processes": len(peaks), "counts": counts}


_CPU_PROBE = r"""
import json, sys, time
from advise.batch import run_batch
started = time.process_time()
result = run_batch([sys.argv[1]], sys.argv[2], fmt=sys.argv[3], jobs=1)
print(json.dumps({"cpu": time.process_time() - started, "ok": result.counts["ok"]}))
"""


def batch_cpu(sheets: Path, out: Path, fmt: str) -> float:
    """CPU seconds per sheet of a batch in one process (no workers), start included."""
    if out.exists():
        shutil.rmtree(out)
    done = subprocess.run([str(PYTHON), "-c", _CPU_PROBE, str(sheets), str(out), fmt], check=True,
                          capture_output=True, text=True, env=_env())
    found = json.loads(done.stdout.strip().splitlines()[-1])
    return found["cpu"] / found["ok"]


def file_cost(folder: Path, count: int = 320, size: int = 28_000) -> float:
    """Wall seconds per report-sized file written into a new folder below `folder` as a batch
    writes its reports (advise.output.Writer: temporary files, made durable 64 at a time
    with one flush of the file system, then renamed into place): what the disk adds to
    every report of a batch there."""
    from advise.output import Writer

    target = folder / "file-cost"
    target.mkdir()
    text = ("x" * 99 + "\n") * (size // 100)
    started = time.perf_counter()
    writer = Writer()
    try:
        for index in range(count):
            writer.write(str(target / f"report-{index}.txt"), text)
        written = writer.results(wait=True)
    finally:
        writer.close()
    elapsed = time.perf_counter() - started
    assert written == [None] * count, [error for error in written if error is not None][:1]
    return elapsed / count


def batch(work: Path, small: int, large: int, repeats: int, jobs: int = 2) -> dict:
    few = work / f"sheets-{small}"
    many = work / f"sheets-{large}"
    generate.write_sheets(few, small, seed=1)
    generate.write_sheets(many, large, seed=2)
    runs = iter(range(1_000_000))

    def fresh(name: str) -> Path:  # each run's own output folder, kept until the bench ends
        return work / f"{name}-{next(runs)}"

    def command(fmt: str) -> list[str]:
        return [str(ADVISE), "batch", str(few), "-o", str(fresh(f"out-{fmt}")), "--jobs", str(jobs), "--format", fmt]

    disk = file_cost(work)
    floor = [str(PYTHON), "-c", FLOOR]
    floor_before = statistics.median(measured(floor)[1] for _ in range(5))
    timed(command("text"))  # warm-up
    walls = [timed(command("text")) for _ in range(repeats)]
    json_walls = [timed(command("json")) for _ in range(repeats)]
    floor_after = statistics.median(measured(floor)[1] for _ in range(5))
    result = {
        "sheets": small,
        "jobs": jobs,
        "cores": os.cpu_count(),
        "throughput": small / statistics.median(walls),
        "throughput_json": small / statistics.median(json_walls),
        "cpu_per_sheet": batch_cpu(few, fresh("out-cpu"), "text"),
        "cpu_per_sheet_json": batch_cpu(few, fresh("out-cpu"), "json"),
        "file_cost": disk,
        "floor_cpu": (floor_before, floor_after),  # the machine's speed around the timed runs
    }
    small_run = batch_run(few, fresh("out-small"), "text", jobs)
    large_run = batch_run(many, fresh("out-large"), "text", jobs)
    assert small_run["counts"]["ok"] == small and large_run["counts"]["ok"] == large, (small_run, large_run)
    result.update({
        "large": large,
        "rss_small_kib": small_run["workers_peak_kib"],
        "rss_large_kib": large_run["workers_peak_kib"],
        "parent_small_kib": small_run["parent_peak_kib"],
        "parent_large_kib": large_run["parent_peak_kib"],
        "large_throughput": large / large_run["elapsed"],
    })
    result["rss_growth"] = result["rss_large_kib"] / result["rss_small_kib"] - 1
    return result


# ---------------------------------------------------------------- 4. advise serve (bench/serve.py's table)


def serve_section(results: Path) -> str | None:
    """bench/serve.py's section of bench/results.md, between its markers, if present."""
    previous = results.read_text(encoding="utf-8") if results.exists() else ""
    if SERVE_BEGIN not in previous or SERVE_END not in previous:
        return None
    start = previous.index(SERVE_BEGIN)
    return previous[start:previous.index(SERVE_END, start) + len(SERVE_END)]


def serve_figures(section: str | None) -> dict | None:
    """The p95 with hints and the reports/s without, read from bench/serve.py's table."""
    if not section:
        return None
    found: dict = {}
    for line in section.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) < 5 or not cells[0].startswith("JSON report"):
            continue
        numbers = [float(match) for match in re.findall(r"\d+(?:\.\d+)?", " ".join(cells[1:5]).replace("*", ""))]
        if len(numbers) >= 4:
            key = "without" if "hints=false" in cells[0] else "with"
            found[key] = {"per_s": numbers[0], "p95_ms": numbers[2]}
    measured_on = re.search(r"(\d{4}-\d{2}-\d{2})", section)
    if measured_on:
        found["when"] = measured_on.group(1)
    return found if "with" in found else None


# ---------------------------------------------------------------- 5. scale of the rule base

_SCALE_PROBE = r"""
import json, random, sys, time
sys.path.insert(0, sys.argv[2])
import generate
started = time.perf_counter()
from advise.rulebase.loading import load_rulebook
from advise.engine.compiler import compile_rulebook
from advise.engine.durable import Engine
from advise.sheet.facts import fact_sheet_from_mapping
from advise.engine.inference import infer
from advise.engine import durable_limits
imported = time.perf_counter()
book = load_rulebook(sys.argv[1])
loaded = time.perf_counter()
program = compile_rulebook(book)
compiled = time.perf_counter()
engine = Engine(program.definition)
registered = time.perf_counter()
sheet = fact_sheet_from_mapping(generate.sheet(random.Random(5), 0))
trace = infer(program, engine, sheet.facts)
ran = time.perf_counter()
runs = []
rng = random.Random(9)
for index in range(20):
    facts = fact_sheet_from_mapping(generate.sheet(rng, index)).facts
    t = time.perf_counter(); infer(program, engine, facts); runs.append(time.perf_counter() - t)
runs.sort()
print(json.dumps({"rules": len(book.rules), "durable_rules": len(program.definition[program.ruleset]),
                  "strata": len(program.strata) - 1, "load_s": loaded - imported, "compile_s": compiled - loaded,
                  "register_s": registered - compiled, "first_sheet_s": ran - registered,
                  "sheet_median_s": runs[len(runs) // 2], "firings": len(trace.firings),
                  "usage": durable_limits.usage(program.definition)}))
"""


def scale(work: Path, sizes: list[int]) -> list[dict]:
    results = []
    for size in sizes:
        folder = generate.rule_base(work / f"rules-{size}", size)
        done = subprocess.run([str(PYTHON), "-c", _SCALE_PROBE, str(folder), str(HERE)], capture_output=True,
                              text=True, env=_env(), timeout=900)
        if done.returncode != 0:
            results.append({"rules": size, "error": (done.stderr or done.stdout).strip().splitlines()[-1][:300]})
            continue
        results.append(json.loads(done.stdout.strip().splitlines()[-1]))
    return results


# ---------------------------------------------------------------- report


def _num(value: float, digits: int, lang: str) -> str:
    """1234.5 -> '1,234.5' (en) / '1 234,5' (fr)."""
    text = f"{value:,.{digits}f}"
    return text.replace(",", " ").replace(".", ",") if lang == "fr" else text


def _ms(seconds: float, lang: str = "en") -> str:
    if seconds >= 1:
        return f"{_num(seconds, 2, lang)} s"
    return f"{_num(seconds * 1000, 0 if seconds >= 0.01 else 1, lang)} ms"


def _mib(kib: int, lang: str = "en") -> str:
    return f"{_num(kib / 1024, 1, lang)} {'Mio' if lang == 'fr' else 'MiB'}"


def _met(ok: bool, lang: str) -> str:
    return ("oui" if ok else "non") if lang == "fr" else ("yes" if ok else "no")


def _x(ratio: float, lang: str) -> str:
    return f"{_num(ratio, 2, lang)}x"


WORDS = {
    "en": {
        "measure": "| measure | result | target | met |",
        "startup": "one `advise facts.yaml` on Python {python} (hints on), against `python -c \"{floor}\"`",
        "startup_result": "{advise} vs {floor} of CPU: **{ratio}** (wall: {wall}; `--no-hints`: {no_hints}; "
                          "`--format json`: {json}; first run, empty cache: {cold} wall)",
        "batch": "`advise batch --jobs {jobs}`, {sheets} sheets, {fmt}",
        "batch_result": "**{rate} sheets/s** (CPU per sheet in one process: {cpu}; writing a report file "
                        "in the bench's folder: {disk})",
        "per_s": ">= {target}/s",
        "floor_at_batch": "The import floor took {before} of CPU just before the timed batch runs and {after} just "
                          "after: the machine's speed at the time (on a shared host it moves by up to a quarter from "
                          "one minute to the next, and the rates with it).",
        "memory": "peak memory of a worker, {small} against {large} sheets",
        "memory_result": "{rss_small} vs {rss_large}: **{growth}**",
        "within": "within {target}",
        "hints": "re-runs per report for the counterfactual hints (`Hints.reruns`), {sheets} example sheets",
        "hints_result": "median **{median}**, at most {max}; CPU for the hints: {cpu} per report",
        "hints_target": "every hint shown verified; about 20 before issue 16",
        "hints_missing": "not counted by this version of advise",
        "serve": "`advise serve --workers 2`, 8 clients, p95 of `POST /api/advise` with hints (`bench/serve.py`, {when})",
        "serve_result": "**{p95} ms** ({per_s} reports/s; without hints: {without}/s)",
        "serve_target": "< {target} ms",
        "serve_missing": "not measured: run `bench/serve.py`",
        "phases": "Where one `advise facts.yaml` spends its CPU time (in-process, median; hints on):",
        "phase": "| phase |",
        "when": "Measured by `bench/run.py` on {machine}, {date}; load average (1 min) {before} before, {after} "
                "after. Ratios are of CPU time (user + system), which other work on the machine hardly moves.",
    },
    "fr": {
        "measure": "| mesure | résultat | objectif | atteint |",
        "startup": "un `advise facts.yaml` en Python {python} (avec pistes), face à `python -c \"{floor}\"`",
        "startup_result": "{advise} contre {floor} de CPU : **{ratio}** (temps réel : {wall} ; `--no-hints` : "
                          "{no_hints} ; `--format json` : {json} ; première exécution, cache vide : {cold} réels)",
        "batch": "`advise batch --jobs {jobs}`, {sheets} fiches, {fmt}",
        "batch_result": "**{rate} fiches/s** (CPU par fiche dans un seul processus : {cpu} ; écrire un fichier "
                        "de rapport dans le dossier du banc : {disk})",
        "per_s": ">= {target}/s",
        "floor_at_batch": "Le plancher d'imports a pris {before} de CPU juste avant les lots chronométrés et {after} "
                          "juste après : la vitesse de la machine à ce moment (sur un hôte partagé, elle varie "
                          "jusqu'à un quart d'une minute à l'autre, et les débits avec elle).",
        "memory": "mémoire maximale d'un processus, {small} fiches contre {large}",
        "memory_result": "{rss_small} contre {rss_large} : **{growth}**",
        "within": "moins de {target}",
        "hints": "réexécutions par rapport pour les pistes de changement (`Hints.reruns`), {sheets} fiches d'exemple",
        "hints_result": "médiane **{median}**, au plus {max} ; CPU des pistes : {cpu} par rapport",
        "hints_target": "chaque piste montrée vérifiée ; environ 20 avant le ticket 16",
        "hints_missing": "pas comptées par cette version d'advise",
        "serve": "`advise serve --workers 2`, 8 clients, p95 de `POST /api/advise` avec pistes (`bench/serve.py`, {when})",
        "serve_result": "**{p95} ms** ({per_s} rapports/s ; sans pistes : {without}/s)",
        "serve_target": "< {target} ms",
        "serve_missing": "pas mesuré : lancez `bench/serve.py`",
        "phases": "Où un `advise facts.yaml` passe son temps CPU (dans le processus, médiane ; avec pistes) :",
        "phase": "| étape |",
        "when": "Mesuré par `bench/run.py` sur {machine}, le {date} ; charge moyenne (1 min) {before} avant, {after} "
                "après. Les rapports sont de temps CPU (utilisateur + système), que les autres travaux de la "
                "machine déplacent peu.",
    },
}
PHASE_NAMES_FR = {"floor imports": "imports du plancher", "advise imports": "imports d'advise",
                  "read sheet": "lecture de la fiche",
                  "rule base (cached) + durable registration": "base de règles (en cache) + enregistrement dans durable",
                  "inference": "inférence", "counterfactual hints": "pistes de changement", "report": "rapport",
                  "templates + render": "gabarits + rendu"}


def summary_table(starts: list[dict], batch_result: dict | None, hints_result: dict | None, serve: dict | None,
                  loads: tuple[float | None, float | None], lang: str = "en") -> str:
    """The table of ratios against targets, and the start-up breakdown: bench/results.md's
    head, and the README's "Speed" block (English or French)."""
    w = WORDS[lang]
    before, after = (f"{_num(value, 2, lang)}" if value is not None else "?" for value in loads)
    machine = f"{os.cpu_count()} {'cœurs' if lang == 'fr' else 'cores'}, {platform.machine()}"
    lines = [w["when"].format(machine=machine, date=time.strftime("%Y-%m-%d"), before=before, after=after), "",
             w["measure"], "| --- | --- | --- | --- |"]
    for s in starts:
        lines.append("| " + w["startup"].format(python=s["python"], floor=FLOOR) + " | " + w["startup_result"].format(
            advise=_ms(s["advise_cpu"], lang), floor=_ms(s["floor_cpu"], lang), ratio=_x(s["ratio_advise"], lang),
            wall=_x(s["ratio_advise_wall"], lang), no_hints=_x(s["ratio_no_hints"], lang),
            json=_x(s["ratio_json"], lang), cold=_ms(s["cold_wall"], lang))
            + f" | <= {_x(TARGETS['startup'], lang)} | {_met(s['ratio_advise'] <= TARGETS['startup'], lang)} |")
    if batch_result:
        b = batch_result
        for fmt, rate, cpu, target in (("text", b["throughput"], b["cpu_per_sheet"], TARGETS["batch_text"]),
                                       ("JSON", b["throughput_json"], b["cpu_per_sheet_json"], TARGETS["batch_json"])):
            label = ("texte" if fmt == "text" else fmt) if lang == "fr" else fmt
            lines.append("| " + w["batch"].format(jobs=b["jobs"], sheets=_num(b["sheets"], 0, lang), fmt=label) + " | "
                         + w["batch_result"].format(rate=_num(rate, 0, lang), cpu=_ms(cpu, lang),
                                                    disk=f"{_num(b['file_cost'] * 1000, 2, lang)} ms" if "file_cost" in b else "?") + " | "
                         + w["per_s"].format(target=_num(target, 0, lang)) + f" | {_met(rate >= target, lang)} |")
        growth = f"{'+' if b['rss_growth'] >= 0 else ''}{_num(b['rss_growth'] * 100, 1, lang)}{' ' if lang == 'fr' else ''}%"
        lines.append("| " + w["memory"].format(small=_num(b["sheets"], 0, lang), large=_num(b["large"], 0, lang))
                     + " | " + w["memory_result"].format(rss_small=_mib(b["rss_small_kib"], lang),
                                                         rss_large=_mib(b["rss_large_kib"], lang), growth=growth)
                     + " | " + w["within"].format(target=f"10{' ' if lang == 'fr' else ''}%")
                     + f" | {_met(abs(b['rss_growth']) <= TARGETS['rss_growth'], lang)} |")
    if hints_result:
        h = hints_result
        result = w["hints_missing"] if h["runs_median"] is None else w["hints_result"].format(
            median=_num(h["runs_median"], 0 if float(h["runs_median"]).is_integer() else 1, lang), max=h["runs_max"],
            cpu=_ms(h["cpu_median"], lang))
        lines.append(f"| {w['hints'].format(sheets=h['sheets'])} | {result} | {w['hints_target']} | |")
    target = w["serve_target"].format(target=TARGETS["serve_p95_ms"])
    if serve:
        lines.append("| " + w["serve"].format(when=serve.get("when", "?")) + " | " + w["serve_result"].format(
            p95=_num(serve["with"]["p95_ms"], 0, lang), per_s=_num(serve["with"]["per_s"], 0, lang),
            without=_num(serve.get("without", {}).get("per_s", 0), 0, lang)) + f" | {target} | "
            + _met(serve["with"]["p95_ms"] < TARGETS["serve_p95_ms"], lang) + " |")
    else:
        lines.append("| " + w["serve"].format(when="-") + f" | {w['serve_missing']} | {target} | |")
    if batch_result and "floor_cpu" in batch_result:
        before, after = batch_result["floor_cpu"]
        lines += ["", w["floor_at_batch"].format(before=_ms(before, lang), after=_ms(after, lang))]
    if starts:
        lines += ["", w["phases"], "",
                  w["phase"] + "".join(f" Python {s['python']} |" for s in starts),
                  "| --- |" + " ---: |" * len(starts)]
        for name in starts[0]["phases"]:
            shown = PHASE_NAMES_FR.get(name, name) if lang == "fr" else name
            lines.append(f"| {shown} |" + "".join(f" {_ms(s['phases'][name], lang)} |" for s in starts))
    text = "\n".join(lines) + "\n"
    if lang == "fr":
        text = _french_typography(text)
    return text


def _french_typography(text: str) -> str:
    import importlib.machinery
    import importlib.util

    loader = importlib.machinery.SourceFileLoader("french_typography", str(ROOT / "scripts" / "french-typography"))
    module = importlib.util.module_from_spec(importlib.util.spec_from_loader(loader.name, loader))
    loader.exec_module(module)
    return module.fix(text)


def scale_table(scale_results: list[dict]) -> str:
    lines = ["Scale of the rule base (shipped rules plus generated ones; one process each):", "",
             "| rules | durable rules | strata | load | compile | register | first sheet | sheet (median) | "
             "firings | fullest durable tables (used/size) |",
             "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for s in scale_results:
        if "error" in s:
            lines.append(f"| {s['rules']} | failed: {s['error']} | | | | | | | | |")
            continue
        usage = s["usage"]
        tables = (f"joins on one node {usage['joins on one node'][0]}/{usage['joins on one node'][1]}, "
                  f"tests under one node {usage['tests under one node'][0]}/{usage['tests under one node'][1]}, "
                  f"stack {usage['stack'][0]}/{usage['stack'][1]}, rules {usage['rules'][0]}/{usage['rules'][1]}")
        lines.append(f"| {s['rules']:,} | {s['durable_rules']:,} | {s['strata']} | {_ms(s['load_s'])} | "
                     f"{_ms(s['compile_s'])} | {_ms(s['register_s'])} | {_ms(s['first_sheet_s'])} | "
                     f"{_ms(s['sheet_median_s'])} | {s['firings']} | {tables} |")
    return "\n".join(lines) + "\n"


def replace_block(path: Path, block: str) -> bool:
    """Rewrite what lies between the bench markers of `path`; False if it has none."""
    text = path.read_text(encoding="utf-8")
    if README_BEGIN not in text or README_END not in text:
        return False
    start = text.index(README_BEGIN) + len(README_BEGIN)
    end = text.index(README_END, start)
    path.write_text(text[:start] + "\n" + block + text[end:], encoding="utf-8")
    return True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="fewer runs and sheets (a smoke check); writes nothing")
    parser.add_argument("--only", choices=["startup", "hints", "batch", "scale"], action="append")
    parser.add_argument("--python", action="append", metavar="PATH",
                        help="a venv's Python to time start-up with (repeatable; default: this one and .venv-3.13's)")
    parser.add_argument("--no-setup", action="store_true", help="do not create .venv-3.13 when it is missing")
    parser.add_argument("--serve", action="store_true", help="run bench/serve.py first (its table is kept)")
    parser.add_argument("--no-readme", action="store_true", help="leave README.md and README.fr.md alone")
    parser.add_argument("--output", type=Path, default=HERE / "results.md")
    parser.add_argument("--work", type=Path, metavar="DIR",
                        help="where the bench makes its folder of sheets and reports (default: the system's "
                             "temporary folder)")
    args = parser.parse_args()
    only = set(args.only or ["startup", "hints", "batch", "scale"])
    runs, small, large, repeats = (5, 200, 1000, 1) if args.quick else (21, 1000, 10000, 3)
    sizes = [100, 500] if args.quick else [100, 500, 2000]
    if args.serve:
        subprocess.run([str(PYTHON), str(HERE / "serve.py")] + (["--quick"] if args.quick else []), check=True)
    work = Path(tempfile.mkdtemp(prefix="advise-bench-", dir=args.work))
    load_start = load_average()
    starts: list[dict] = []
    batch_result = hints_result = scale_results = None
    try:
        if "startup" in only:
            for python in pythons(args.python, not args.no_setup):
                starts.append(startup(python, runs))
                print(json.dumps({"startup": starts[-1]}), flush=True)
        if "hints" in only:
            hints_result = hints()
            print(json.dumps({"hints": hints_result}), flush=True)
        if "batch" in only:
            batch_result = batch(work, small, large, repeats)
            print(json.dumps({"batch": batch_result}), flush=True)
        if "scale" in only:
            scale_results = scale(work, sizes)
            print(json.dumps({"scale": scale_results}), flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
        shutil.rmtree(_CACHE, ignore_errors=True)
    loads = (load_start, load_average())
    serve_block = serve_section(args.output)
    serve = serve_figures(serve_block)
    table = summary_table(starts, batch_result, hints_result, serve, loads)
    if scale_results:
        table += "\n" + scale_table(scale_results)
    print(table)
    if args.quick:
        return
    if serve_block:
        table += "\n" + serve_block + "\n"
    args.output.write_text(table, encoding="utf-8")
    print(f"written to {args.output}")
    if not args.no_readme:
        for name, lang in (("README.md", "en"), ("README.fr.md", "fr")):
            if replace_block(ROOT / name, summary_table(starts, batch_result, hints_result, serve, loads, lang)):
                print(f"table rewritten in {name}")


if __name__ == "__main__":
    main()
