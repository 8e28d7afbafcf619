"""Benchmarks of advise on the machine at hand, as ratios measured in one run.

    .venv/bin/python bench/run.py            # everything (a few minutes), writes bench/results.md
    .venv/bin/python bench/run.py --quick    # fewer repetitions and sheets, for a smoke check

1. Start-up: one `advise facts.yaml` process against the floor
   `python -c "import durable.engine, click, jinja2, yaml"` (median of N runs each,
   interleaved, after warm-up runs: .pyc files written, advise's cache filled). Target: at
   most 1.3x. Also shown: a first run with an empty cache (after an install or a change).
2. Batch: `advise batch` on 1,000 generated sheets (all cores): sheets per second, whole
   command included. Target: at least 300 on 2 cores. Memory: peak RSS of the worker
   processes at 1,000 and at 10,000 sheets. Target: within 10%.
3. Scale of the rule base: the shipped rules plus generated ones, 100, 500 and 2,000
   rules: load, compile, register in durable, one sheet; and how full durable's fixed-size
   tables get (they must stay below their sizes: see advise.engine.durable_limits).

Run it with the project's venv Python: it times that venv's `advise` and `python`.
Not a test: it prints and writes a table; it does not fail on a missed target. Timings
move with other work on the machine: the table gives the load average before and after.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
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


def _env(**extra: str) -> dict[str, str]:
    # Python writes the .pyc files during the warm-up runs, as an installed package has them
    # (any value of PYTHONDONTWRITEBYTECODE, even "0", would stop that: it is removed).
    dropped = ("PYTHONPATH", "ADVISE_DEBUG", "PYTHONDONTWRITEBYTECODE", "ADVISE_NO_CACHE", "ADVISE_CACHE_DIR")
    env = {key: value for key, value in os.environ.items() if key not in dropped}
    env.update(extra)
    return env


def timed(command: list[str], cwd: Path | None = None, **extra: str) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=_env(**extra),
                   cwd=cwd)
    return time.perf_counter() - started


def load_average() -> float | None:
    """The 1-minute load average: other work on the machine while measuring."""
    try:
        return os.getloadavg()[0]
    except OSError:
        return None


# ---------------------------------------------------------------- 1. start-up


_PHASES_PROBE = r"""
import json, sys, time
t0 = time.perf_counter()
import durable.engine, click, jinja2, yaml
t1 = time.perf_counter()
import advise.cli.main
from advise.advisor import Advisor, default_templates_dir
from advise.explain.counterfactual import find_hints
from advise.explain.report import build_report
from advise.sheet.facts import load_fact_sheet
from advise.render.renderer import Renderer
t2 = time.perf_counter()
sheet = load_fact_sheet(sys.argv[1])
t3 = time.perf_counter()
advisor = Advisor(None, cache=True)
t4 = time.perf_counter()
result = advisor.run(sheet)
t5 = time.perf_counter()
hints = find_hints(advisor, result)
t6 = time.perf_counter()
report = build_report(result, sheet.lang or "en", hints=hints)
t7 = time.perf_counter()
renderer = Renderer(default_templates_dir())
text = renderer.render(report, "text")
t8 = time.perf_counter()
print(json.dumps({"floor imports": t1 - t0, "advise imports": t2 - t1, "read sheet": t3 - t2,
                  "rule base (cached) + durable registration": t4 - t3, "inference": t5 - t4,
                  "counterfactual hints": t6 - t5, "report": t7 - t6, "templates + render": t8 - t7}))
"""


def phases(runs: int) -> dict:
    """Where one run's time goes, in-process (median per phase)."""
    sheet = ROOT / "examples" / "fleuriste.yaml"
    samples = []
    for _ in range(runs):
        done = subprocess.run([str(PYTHON), "-c", _PHASES_PROBE, str(sheet)], check=True, capture_output=True,
                              text=True, env=_env(), cwd=ROOT)
        samples.append(json.loads(done.stdout.strip().splitlines()[-1]))
    return {name: statistics.median(sample[name] for sample in samples) for name in samples[0]}


def startup(runs: int) -> dict:
    sheet = ROOT / "examples" / "fleuriste.yaml"
    floor_cmd = [str(PYTHON), "-c", FLOOR]
    advise_cmd = [str(ADVISE), str(sheet)] if ADVISE.exists() else [str(PYTHON), "-m", "advise", str(sheet)]
    json_cmd = advise_cmd + ["--format", "json"]
    for command in (floor_cmd, advise_cmd, json_cmd):  # warm the caches (files, .pyc)
        timed(command)
        timed(command)
    floor, text, as_json = [], [], []
    for _ in range(runs):
        floor.append(timed(floor_cmd))
        text.append(timed(advise_cmd))
        as_json.append(timed(json_cmd))
    # The first run after an install or a change (empty cache: rule base and templates compiled).
    cold = []
    for _ in range(max(3, runs // 5)):
        with tempfile.TemporaryDirectory(prefix="advise-cache-") as empty:
            cold.append(timed(advise_cmd, ADVISE_CACHE_DIR=empty))
    result = {"runs": runs, "floor_s": statistics.median(floor), "advise_s": statistics.median(text),
              "advise_json_s": statistics.median(as_json), "advise_cold_s": statistics.median(cold)}
    result["phases"] = phases(max(5, runs // 3))
    result["ratio"] = result["advise_s"] / result["floor_s"]
    result["ratio_json"] = result["advise_json_s"] / result["floor_s"]
    return result


# ---------------------------------------------------------------- 2. batch

_BATCH_PROBE = r"""
import json, os, resource, sys, threading, time
from advise.batch import run_batch

# Workers are not this process's children (they come from a forkserver): read the peak
# resident size (VmHWM) of every process below this one from /proc, while they run.
peaks = {}
def descendants():
    parents = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as handle:
                    parents[int(entry)] = int(handle.read().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                pass
    found, frontier = set(), {os.getpid()}
    while frontier:
        frontier = {pid for pid, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found
def watch():
    while not done.is_set():
        for pid in descendants():
            try:
                with open(f"/proc/{pid}/status") as handle:
                    for line in handle:
                        if line.startswith("VmHWM:"):
                            peaks[pid] = max(peaks.get(pid, 0), int(line.split()[1]))
            except OSError:
                pass
        done.wait(0.05)
done = threading.Event()
watcher = threading.Thread(target=watch, daemon=True)
watcher.start()
started = time.perf_counter()
result = run_batch([sys.argv[1]], sys.argv[2], fmt=sys.argv[3], jobs=int(sys.argv[4]) if sys.argv[4] != "0" else None)
elapsed = time.perf_counter() - started
done.set()
watcher.join()
own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"elapsed": elapsed, "workers_peak_kib": max(peaks.values(), default=0), "parent_peak_kib": own,
                  "processes": len(peaks), "counts": result.counts}))
"""


def batch_run(sheets: Path, out: Path, fmt: str, jobs: int = 0) -> dict:
    if out.exists():
        shutil.rmtree(out)
    done = subprocess.run([str(PYTHON), "-c", _BATCH_PROBE, str(sheets), str(out), fmt, str(jobs)],
                          check=True, capture_output=True, text=True, env=_env())
    return json.loads(done.stdout.strip().splitlines()[-1])


def batch(work: Path, small: int, large: int, repeats: int) -> dict:
    few = work / f"sheets-{small}"
    many = work / f"sheets-{large}"
    generate.write_sheets(few, small, seed=1)
    generate.write_sheets(many, large, seed=2)
    command = [str(ADVISE), "batch", str(few), "-o", str(work / "out-cli")]
    timed(command)  # warm-up
    walls = [timed(command) for _ in range(repeats)]
    json_walls = [timed(command + ["--format", "json"]) for _ in range(repeats)]
    one_job = timed(command + ["--jobs", "1"])
    result = {
        "sheets": small,
        "cores": os.cpu_count(),
        "wall_s": statistics.median(walls),
        "throughput": small / statistics.median(walls),
        "throughput_json": small / statistics.median(json_walls),
        "throughput_one_job": small / one_job,
    }
    small_run = batch_run(few, work / "out-small", "text")
    large_run = batch_run(many, work / "out-large", "text")
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


# ---------------------------------------------------------------- 3. scale of the rule base

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


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds >= 0.01 else f"{seconds * 1000:.1f} ms"


def _mib(kib: int) -> str:
    return f"{kib / 1024:.1f} MiB"


def markdown(start: dict | None, batch_result: dict | None, scale_results: list[dict] | None,
             loads: tuple[float | None, float | None] = (None, None)) -> str:
    load = ""
    if None not in loads:
        load = (f" Load average (1 min): {loads[0]:.2f} before measuring, {loads[1]:.2f} after (the batch runs "
                f"keep {os.cpu_count()} processes busy: more than that means other work shared the machine).")
    lines = [
        f"Measured by `bench/run.py` on {platform.python_implementation()} {platform.python_version()}, "
        f"{os.cpu_count()} cores, {platform.machine()}, {time.strftime('%Y-%m-%d')}.{load}",
        "",
        "| measure | result | target | met |",
        "| --- | --- | --- | --- |",
    ]
    if start:
        lines.append(f"| one `advise facts.yaml` vs `python -c \"{FLOOR}\"` (median of {start['runs']}) | "
                     f"{_ms(start['advise_s'])} vs {_ms(start['floor_s'])}: **{start['ratio']:.2f}x** "
                     f"(`--format json`: {start['ratio_json']:.2f}x; first run, empty cache: "
                     f"{_ms(start['advise_cold_s'])}) | <= 1.3x | "
                     f"{'yes' if start['ratio'] <= 1.3 else 'no'} |")
    if batch_result:
        b = batch_result
        lines.append(f"| `advise batch`, {b['sheets']:,} sheets, text, {b['cores']} cores (whole command) | "
                     f"**{b['throughput']:.0f} sheets/s** (json: {b['throughput_json']:.0f}/s; one job: "
                     f"{b['throughput_one_job']:.0f}/s) | >= 300/s | {'yes' if b['throughput'] >= 300 else 'no'} |")
        lines.append(f"| peak RSS of a worker, {b['sheets']:,} vs {b['large']:,} sheets | "
                     f"{_mib(b['rss_small_kib'])} vs {_mib(b['rss_large_kib'])}: **{b['rss_growth'] * 100:+.1f}%** "
                     f"(parent: {_mib(b['parent_small_kib'])} vs {_mib(b['parent_large_kib'])}) | within 10% | "
                     f"{'yes' if abs(b['rss_growth']) <= 0.10 else 'no'} |")
    if start:
        lines += ["", "Where one `advise facts.yaml` spends its time (in-process, median):", "",
                  "| phase | time |", "| --- | --- |"]
        lines += [f"| {name} | {_ms(value)} |" for name, value in start["phases"].items()]
    if scale_results:
        lines += ["", "Scale of the rule base (shipped rules plus generated ones; one process each):", "",
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="fewer runs and sheets (a smoke check)")
    parser.add_argument("--only", choices=["startup", "batch", "scale"], action="append")
    parser.add_argument("--output", type=Path, default=HERE / "results.md")
    args = parser.parse_args()
    only = set(args.only or ["startup", "batch", "scale"])
    runs, small, large, repeats = (5, 200, 1000, 1) if args.quick else (21, 1000, 10000, 3)
    sizes = [100, 500] if args.quick else [100, 500, 2000]
    work = Path(tempfile.mkdtemp(prefix="advise-bench-"))
    load_start = load_average()
    try:
        start = startup(runs) if "startup" in only else None
        if start:
            print(json.dumps({"startup": start}), flush=True)
        batch_result = batch(work, small, large, repeats) if "batch" in only else None
        if batch_result:
            print(json.dumps({"batch": batch_result}), flush=True)
        scale_results = scale(work, sizes) if "scale" in only else None
        if scale_results:
            print(json.dumps({"scale": scale_results}), flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    table = markdown(start, batch_result, scale_results, (load_start, load_average()))
    print(table)
    if not args.quick:
        # Keep bench/serve.py's section (between its markers): it is measured separately.
        previous = args.output.read_text(encoding="utf-8") if args.output.exists() else ""
        serve_begin, serve_end = "<!-- serve: begin", "<!-- serve: end -->"
        if serve_begin in previous and serve_end in previous:
            start = previous.index(serve_begin)
            table += "\n" + previous[start:previous.index(serve_end, start) + len(serve_end)] + "\n"
        args.output.write_text(table, encoding="utf-8")
        print(f"written to {args.output}")


if __name__ == "__main__":
    main()
