"""Benchmark of `advise serve`: POST /api/advise under load, with and without hints.

    .venv/bin/python bench/serve.py            # about a minute; updates bench/results.md
    .venv/bin/python bench/serve.py --quick    # a smoke check, writes nothing

The server runs as a user runs it (`advise serve --workers 2`, waitress, 4 threads per
worker, no access log), on loopback. 8 clients post fact sheets at once, each on its own
kept-alive connection, for a fixed time per phase: JSON reports without hints
(`?hints=false`), then with hints (the CLI's default). Every answer is checked (status
200, a JSON report). Reported: requests per second, and the latency of one request at
the median (p50) and the 95th and 99th percentiles. The 8 clients are threads of this
process: on a 2-core machine they take a share of the cores the workers use, so the
figures are a floor. Goals (issue 15): at least 150 reports a second without hints, p95
under 100 ms with hints.

The results go into bench/results.md between the `serve` markers; the rest of the file
(bench/run.py's tables) is kept.
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
BEGIN, END = "<!-- serve: begin (bench/serve.py) -->", "<!-- serve: end -->"


def start_server(workers: int) -> tuple[subprocess.Popen, int]:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen([sys.executable, "-m", "advise", "serve", "--port", "0", "--workers", str(workers),
                                "--no-access-log"], stdout=subprocess.PIPE, text=True, env=env,
                               start_new_session=True)
    line = process.stdout.readline()
    match = re.search(r"http://127\.0\.0\.1:(\d+)", line)
    if not match:
        process.kill()
        raise SystemExit(f"the server did not start: {line!r}")
    port = int(match.group(1))
    for _ in range(600):
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return process, port
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
    CPU time per request (which other load on the machine does not inflate)."""
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
    ready.wait()
    started = time.perf_counter()
    time.sleep(seconds)
    stop.set()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    cpu = worker_cpu_seconds(server) - cpu_before
    every = sorted(value for values in latencies for value in values)
    cuts = statistics.quantiles(every, n=100)
    return {"requests": len(every), "failures": sum(failures), "per_second": len(every) / elapsed,
            "p50": statistics.median(every), "p95": cuts[94], "p99": cuts[98],
            "cpu_ms": cpu * 1000 / max(len(every), 1)}


def load_average() -> float | None:
    try:
        return os.getloadavg()[0]
    except OSError:
        return None


def markdown(results: dict[str, dict[str, float]], seconds: float, loads: tuple) -> str:
    without, with_hints = results["without hints"], results["with hints"]
    lines = [
        BEGIN,
        "## `advise serve`: POST /api/advise under load",
        "",
        f"Measured by `bench/serve.py` on CPython {platform.python_version()}, {os.cpu_count()} cores, "
        f"{platform.machine()}, {date.today().isoformat()}: `advise serve --workers {WORKERS}` (waitress, "
        f"4 threads per worker), {CLIENTS} concurrent clients on loopback with kept-alive connections, "
        f"{seconds:.0f} s per phase, generated fact sheets, every answer checked. The clients run on the same "
        f"cores as the workers. Load average (1 min): {loads[0]:.2f} before, {loads[1]:.2f} after.",
        "",
        "| requests | reports/s | p50 | p95 | p99 | failures | worker CPU per report | goal | met |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
        f"| JSON report, `?hints=false` | **{without['per_second']:.0f}** | {without['p50']:.1f} ms | "
        f"{without['p95']:.1f} ms | {without['p99']:.1f} ms | {without['failures']} | {without['cpu_ms']:.1f} ms | "
        f">= 150 reports/s | {'yes' if without['per_second'] >= 150 else 'no'} |",
        f"| JSON report with hints (the default) | {with_hints['per_second']:.0f} | {with_hints['p50']:.1f} ms | "
        f"**{with_hints['p95']:.1f} ms** | {with_hints['p99']:.1f} ms | {with_hints['failures']} | "
        f"{with_hints['cpu_ms']:.1f} ms | p95 < 100 ms | {'yes' if with_hints['p95'] < 100 else 'no'} |",
        "",
        f"Worker CPU per report is the CPU time the {WORKERS} worker processes used, divided by the requests "
        "served: other work on the machine does not inflate it. On {0} idle cores it allows about "
        "{1:.0f} reports/s without hints and {2:.0f} with hints, before the clients' own share.".format(
            WORKERS, WORKERS * 1000 / max(without["cpu_ms"], 0.001), WORKERS * 1000 / max(with_hints["cpu_ms"], 0.001)),
        END,
    ]
    return "\n".join(lines) + "\n"


def record(path: Path, block: str) -> None:
    text = path.read_text(encoding="utf-8") if path.exists() else ""
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
    parser.add_argument("--output", type=Path, default=HERE / "results.md")
    args = parser.parse_args()
    seconds = 2.0 if args.quick else args.seconds
    payloads = bodies(200)
    load_before = load_average()
    process, port = start_server(WORKERS)
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
    print(json.dumps(results, indent=2))
    block = markdown(results, seconds, (load_before or 0.0, load_average() or 0.0))
    print(block)
    if not args.quick:
        record(args.output, block)
        print(f"written to {args.output}")


if __name__ == "__main__":
    main()
