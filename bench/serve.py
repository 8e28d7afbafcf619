"""Benchmark of `advise serve`: POST /api/advise under load, with and without hints.

    .venv/bin/python bench/serve.py            # about a minute; updates bench/results.md and the READMEs
    .venv/bin/python bench/serve.py --quick    # a smoke check, writes nothing
    .venv/bin/python bench/serve.py --threads 2 --no-write   # try another number of threads

The server runs as a user runs it (`advise serve --workers 2`, waitress with its default
threads per worker, no access log), on loopback. 8 clients post fact sheets at once, each on its own
kept-alive connection, for a fixed time per phase: JSON reports without hints
(`?hints=false`), then with hints (the CLI's default). Every answer is checked (status
200, a JSON report). Reported: requests per second, and the latency of one request at
the median (p50) and the 95th and 99th percentiles. The 8 clients are threads of this
process: on a 2-core machine they take a share of the cores the workers use, so the
figures are a floor. Goals (issue 15): at least 150 reports a second without hints, p95
under 100 ms with hints. Each goal is printed with its figure and whether it is met, with
the load average before and after: measure on a quiet machine (a load average well under
the number of cores). The worker CPU per report moves less with other load than rates and
latencies do, but a busy machine (shared caches, hyper-threads) raises it too.

The results go into bench/results.md, README.md and README.fr.md, each between its
`serve` markers; the rest of each file (bench/run.py's tables among them) is kept.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import random
import re
import signal
import statistics
import subprocess
import sys
import threading
import time
from datetime import date
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
from generate import sheet  # noqa: E402

CLIENTS = 8
WORKERS = 2
GOAL_RATE = 150.0  # reports a second, without hints
GOAL_P95 = 100.0  # ms, with hints
BEGIN, END = "<!-- serve: begin (bench/serve.py) -->", "<!-- serve: end -->"
READMES = {"en": ROOT / "README.md", "fr": ROOT / "README.fr.md"}


def start_server(workers: int, threads: int | None) -> tuple[subprocess.Popen, int, str]:
    """`advise serve` on a free port, once it answers; also the threads per worker it announced."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    env.pop("ADVISE_CONSULTANT", None)  # the JSON report is the same signed or not; no profile to read
    options = ["--threads", str(threads)] if threads else []
    process = subprocess.Popen([sys.executable, "-m", "advise", "serve", "--port", "0", "--workers", str(workers),
                                *options, "--no-access-log"], stdout=subprocess.PIPE, text=True, env=env,
                               start_new_session=True)
    line = process.stdout.readline()
    match = re.search(r"http://127\.0\.0\.1:(\d+)", line)
    if not match:
        process.kill()
        raise SystemExit(f"the server did not start: {line!r}")
    port = int(match.group(1))
    announced = re.search(r"x (\d+) thread", line)
    shown_threads = announced.group(1) if announced else "?"
    for _ in range(600):
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return process, port, shown_threads
        except OSError:
            time.sleep(0.1)
    raise SystemExit("the server did not answer /healthz")


def worker_cpu_seconds(parent: int) -> float:
    """CPU time (user + system) used so far by the server's worker processes."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    children = subprocess.run(["ps", "-o", "pid=", "--ppid", str(parent)], capture_output=True, text=True).stdout
    for pid in children.split():
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / ticks  # utime, stime
    return total


def bodies(count: int) -> list[bytes]:
    rng = random.Random(15)
    return [yaml.safe_dump(sheet(rng, index), allow_unicode=True, sort_keys=False).encode("utf-8")
            for index in range(count)]


def phase(port: int, path: str, payloads: list[bytes], seconds: float, server: int) -> dict[str, float]:
    """CLIENTS clients posting for `seconds`; latencies in ms, the failures, and the workers'
    CPU time per request (which other load inflates less than it does latencies)."""
    latencies: list[list[float]] = [[] for _ in range(CLIENTS)]
    failures = [0] * CLIENTS
    stop = threading.Event()
    ready = threading.Barrier(CLIENTS + 1)

    def client(index: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        mine = latencies[index]
        position = index
        ready.wait()
        while not stop.is_set():
            body = payloads[position % len(payloads)]
            position += CLIENTS
            started = time.perf_counter()
            try:
                connection.request("POST", path, body=body, headers={"Content-Type": "application/yaml"})
                response = connection.getresponse()
                data = response.read()
                ok = response.status == 200 and data.startswith(b'{\n  "version"')
            except (OSError, http.client.HTTPException):
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                ok = False
            mine.append((time.perf_counter() - started) * 1000)
            if not ok:
                failures[index] += 1
        connection.close()

    threads = [threading.Thread(target=client, args=(index,)) for index in range(CLIENTS)]
    for thread in threads:
        thread.start()
    cpu_before = worker_cpu_seconds(server)
    clients_before = time.process_time()
    ready.wait()
    started = time.perf_counter()
    time.sleep(seconds)
    stop.set()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    cpu = worker_cpu_seconds(server) - cpu_before
    clients_cpu = time.process_time() - clients_before
    every = sorted(value for values in latencies for value in values)
    cuts = statistics.quantiles(every, n=100)
    return {"requests": len(every), "failures": sum(failures), "per_second": len(every) / elapsed,
            "p50": statistics.median(every), "p95": cuts[94], "p99": cuts[98],
            "cpu_ms": cpu * 1000 / max(len(every), 1), "client_cpu_ms": clients_cpu * 1000 / max(len(every), 1)}


def load_average() -> float | None:
    try:
        return os.getloadavg()[0]
    except OSError:
        return None


def verdicts(results: dict[str, dict[str, float]]) -> dict[str, bool]:
    return {"rate": results["without hints"]["per_second"] >= GOAL_RATE,
            "p95": results["with hints"]["p95"] < GOAL_P95}


def yes(met: bool, lang: str = "en") -> str:
    return ("yes" if met else "no") if lang == "en" else ("oui" if met else "non")


def summary(results: dict[str, dict[str, float]], loads: tuple[float, float], threads: str) -> str:
    """What the lead reads at the end of a run: each goal, its figure, met or not, and the load."""
    without, with_hints = results["without hints"], results["with hints"]
    met = verdicts(results)
    lines = [
        f"advise serve --workers {WORKERS} ({threads} threads each), {CLIENTS} clients:",
        f"  goal >= {GOAL_RATE:.0f} reports/s without hints: {without['per_second']:.0f}/s -> met: {yes(met['rate'])}",
        f"  goal p95 < {GOAL_P95:.0f} ms with hints: {with_hints['p95']:.1f} ms -> met: {yes(met['p95'])}",
        f"  worker CPU per report: {without['cpu_ms']:.1f} ms without hints, {with_hints['cpu_ms']:.1f} ms with hints"
        f" (clients: {without['client_cpu_ms']:.1f} / {with_hints['client_cpu_ms']:.1f} ms)",
        f"  failures: {without['failures']} without hints, {with_hints['failures']} with hints",
        f"  load average (1 min): {loads[0]:.2f} before, {loads[1]:.2f} after ({os.cpu_count()} cores)",
    ]
    if loads[0] > (os.cpu_count() or 1) / 2:
        lines.append("  the machine was busy before the run: the rates and latencies are a floor, and even "
                     "the CPU per report reads high (shared caches and cores)")
    return "\n".join(lines)


def markdown(results: dict[str, dict[str, float]], seconds: float, loads: tuple, threads: str) -> str:
    without, with_hints = results["without hints"], results["with hints"]
    met = verdicts(results)
    lines = [
        BEGIN,
        "## `advise serve`: POST /api/advise under load",
        "",
        f"Measured by `bench/serve.py` on CPython {platform.python_version()}, {os.cpu_count()} cores, "
        f"{platform.machine()}, {date.today().isoformat()}: `advise serve --workers {WORKERS}` (waitress, "
        f"{threads} threads per worker), {CLIENTS} concurrent clients on loopback with kept-alive connections, "
        f"{seconds:.0f} s per phase, generated fact sheets, every answer checked. The clients run on the same "
        f"cores as the workers. Load average (1 min): {loads[0]:.2f} before, {loads[1]:.2f} after.",
        "",
        "| requests | reports/s | p50 | p95 | p99 | failures | worker CPU per report | goal | met |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
        f"| JSON report, `?hints=false` | **{without['per_second']:.0f}** | {without['p50']:.1f} ms | "
        f"{without['p95']:.1f} ms | {without['p99']:.1f} ms | {without['failures']} | {without['cpu_ms']:.1f} ms | "
        f">= {GOAL_RATE:.0f} reports/s | {yes(met['rate'])} |",
        f"| JSON report with hints (the default) | {with_hints['per_second']:.0f} | {with_hints['p50']:.1f} ms | "
        f"**{with_hints['p95']:.1f} ms** | {with_hints['p99']:.1f} ms | {with_hints['failures']} | "
        f"{with_hints['cpu_ms']:.1f} ms | p95 < {GOAL_P95:.0f} ms | {yes(met['p95'])} |",
        "",
        f"Worker CPU per report is the CPU time the {WORKERS} worker processes used, divided by the requests "
        "served: other work on the machine inflates it less than it does rates and latencies. On {0} idle cores it allows about "
        "{1:.0f} reports/s without hints and {2:.0f} with hints, before the clients' own share "
        "({3:.1f} and {4:.1f} ms of CPU per request here).".format(
            WORKERS, WORKERS * 1000 / max(without["cpu_ms"], 0.001), WORKERS * 1000 / max(with_hints["cpu_ms"], 0.001),
            without["client_cpu_ms"], with_hints["client_cpu_ms"]),
        END,
    ]
    return "\n".join(lines) + "\n"


def readme_block(results: dict[str, dict[str, float]], loads: tuple, threads: str, lang: str) -> str:
    """The README's paragraph on `advise serve`, in its language: the figures, each goal met
    or not, and the one command that measures them again."""
    without, with_hints = results["without hints"], results["with hints"]
    met = verdicts(results)
    day = date.today().isoformat()
    if lang == "en":
        text = (
            f"`advise serve --workers {WORKERS}` ({threads} threads each), {CLIENTS} clients at once posting to "
            f"`POST /api/advise` on loopback: **{without['per_second']:.0f} reports/s** without hints "
            f"(goal >= {GOAL_RATE:.0f}/s, met: {yes(met['rate'])}), p95 {without['p95']:.0f} ms; with hints "
            f"{with_hints['per_second']:.0f}/s, **p95 {with_hints['p95']:.0f} ms** (goal < {GOAL_P95:.0f} ms, "
            f"met: {yes(met['p95'])}). Each report costs a worker {without['cpu_ms']:.1f} ms of CPU without hints "
            f"and {with_hints['cpu_ms']:.1f} ms with them, a figure that other load moves less than it moves rates "
            f"and latencies. "
            f"Measured {day} on {os.cpu_count()} cores, load average {loads[0]:.2f} before and {loads[1]:.2f} "
            f"after; `bench/results.md` has the percentiles. To measure again, on a quiet machine (about a "
            f"minute; it prints each goal, its figure and whether it is met, and rewrites this paragraph, its "
            f"French twin and `bench/results.md`):")
    else:
        def n(value: float, decimals: int) -> str:  # French decimals: 6,7
            return f"{value:.{decimals}f}".replace(".", ",")

        text = (
            f"`advise serve --workers {WORKERS}` ({threads} fils chacun), {CLIENTS} clients à la fois qui "
            f"envoient à `POST /api/advise` en local : **{n(without['per_second'], 0)} rapports/s** sans pistes "
            f"(objectif >= {GOAL_RATE:.0f}/s, atteint : {yes(met['rate'], 'fr')}), p95 {n(without['p95'], 0)} ms ; "
            f"avec pistes {n(with_hints['per_second'], 0)}/s, **p95 {n(with_hints['p95'], 0)} ms** (objectif < "
            f"{GOAL_P95:.0f} ms, atteint : {yes(met['p95'], 'fr')}). Chaque rapport coûte à un processus "
            f"{n(without['cpu_ms'], 1)} ms de CPU sans pistes et {n(with_hints['cpu_ms'], 1)} ms avec, un chiffre "
            f"que la charge de la machine change moins que les débits et les latences. Mesuré le {day} sur {os.cpu_count()} cœurs, charge moyenne "
            f"{n(loads[0], 2)} avant et {n(loads[1], 2)} après ; `bench/results.md` donne les centiles. Pour "
            f"mesurer à nouveau, sur une machine calme (une minute environ ; la commande affiche chaque "
            f"objectif, son chiffre et s'il est atteint, et récrit ce paragraphe, son jumeau anglais et "
            f"`bench/results.md`) :")
        text = _french_typography(text)
    return "\n".join([BEGIN, _wrap(text), "", "```sh", ".venv/bin/python bench/serve.py", "```", END]) + "\n"


def _french_typography(text: str) -> str:
    """French typography as scripts/french-typography puts it (which the docs tests check)."""
    import importlib.machinery
    import importlib.util

    loader = importlib.machinery.SourceFileLoader("french_typography", str(ROOT / "scripts" / "french-typography"))
    module = importlib.util.module_from_spec(importlib.util.spec_from_loader(loader.name, loader))
    loader.exec_module(module)
    return module.fix(text)


def _wrap(text: str, width: int = 90) -> str:
    """Prose wrapped as the READMEs wrap it, never inside a `code span`."""
    words, lines, line, in_code = text.split(" "), [], "", False
    for word in words:
        candidate = f"{line} {word}" if line else word
        if len(candidate) > width and line and not in_code:
            lines.append(line)
            line = word
        else:
            line = candidate
        if word.count("`") % 2:
            in_code = not in_code
    lines.append(line)
    return "\n".join(lines)


def record(path: Path, block: str, *, must_exist: bool = False) -> None:
    """Put `block` between the markers of `path`, or at its end when it has none yet
    (`must_exist`: a file that must already have them, as the READMEs do)."""
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    if must_exist and not (BEGIN in text and END in text):
        raise SystemExit(f"{path} has no {BEGIN} ... {END} block to rewrite")
    if BEGIN in text and END in text:
        before, rest = text.split(BEGIN, 1)
        after = rest.split(END, 1)[1].lstrip("\n")
        text = before + block + ("\n" + after if after else "")
    else:
        text = text.rstrip("\n") + ("\n\n" if text else "") + block
    path.write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="2 s per phase, nothing written")
    parser.add_argument("--seconds", type=float, default=20.0, help="length of each phase (default 20 s)")
    parser.add_argument("--threads", type=int, default=None, help="threads per worker (default: advise serve's)")
    parser.add_argument("--no-write", action="store_true", help="print only; write no file")
    parser.add_argument("--output", type=Path, default=HERE / "results.md")
    args = parser.parse_args()
    seconds = 2.0 if args.quick else args.seconds
    payloads = bodies(200)
    load_before = load_average()
    process, port, threads = start_server(WORKERS, args.threads)
    try:
        phase(port, "/api/advise?hints=true", payloads, 2.0, process.pid)  # every thread builds its advisor
        results = {"without hints": phase(port, "/api/advise?hints=false", payloads, seconds, process.pid),
                   "with hints": phase(port, "/api/advise?hints=true", payloads, seconds, process.pid)}
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
    loads = (load_before or 0.0, load_average() or 0.0)
    print(json.dumps(results, indent=2))
    block = markdown(results, seconds, loads, threads)
    print(block)
    print(summary(results, loads, threads))
    if not (args.quick or args.no_write):
        record(args.output, block)
        for lang, path in READMES.items():
            record(path, readme_block(results, loads, threads, lang), must_exist=True)
        print(f"written to {args.output}, " + " and ".join(str(path.relative_to(ROOT)) for path in READMES.values()))


if __name__ == "__main__":
    main()
