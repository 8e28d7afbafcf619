"""`advise serve` for real: waitress, worker processes, one advisor per thread, under load.

Each test sends many requests at once and checks every answer against the command line's
own bytes: a shared or confused rule engine would mix up reports, or fail some.
"""

from __future__ import annotations

import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from click.testing import CliRunner

from advise.cli.main import main
from advise.web.app import create_app

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
CLIENTS = 8


@pytest.fixture(scope="module")
def expected() -> dict[tuple[str, bool], bytes]:
    """The CLI's JSON report of each example, with and without hints."""
    found = {}
    for sheet in EXAMPLES:
        for hints in (True, False):
            result = CliRunner().invoke(main, [str(sheet), "--format", "json", "--hints" if hints else "--no-hints"])
            assert result.exit_code == 0, result.output
            found[(sheet.name, hints)] = result.output.encode("utf-8")
    return found


def post(port: int, path: str, body: bytes, content_type: str = "application/yaml") -> tuple[int, dict, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request("POST", path, body=body, headers={"Content-Type": content_type})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def hammer(port: int, expected: dict[tuple[str, bool], bytes], rounds: int) -> list[str]:
    """CLIENTS clients at once, each posting every example `rounds` times; the mismatches."""
    jobs = [(sheet, hints) for _ in range(rounds) for sheet in EXAMPLES for hints in (False, True)]

    def one(job: tuple[Path, bool]) -> str | None:
        sheet, hints = job
        status, _, body = post(port, f"/api/advise?hints={'true' if hints else 'false'}", sheet.read_bytes())
        if status != 200 or body != expected[(sheet.name, hints)]:
            return f"{sheet.name} hints={hints}: status {status}"
        return None

    with ThreadPoolExecutor(CLIENTS) as pool:
        return [problem for problem in pool.map(one, jobs) if problem]


def test_one_process_many_threads_each_with_its_own_advisor(expected, serve) -> None:
    app = create_app()
    assert hammer(serve(app, threads=4), expected, rounds=2) == []
    advisors = app.extensions["advise"].advisors
    assert 2 <= len(advisors) <= 4  # the threads that served, each its own
    assert len({id(advisor.engine) for advisor in advisors.values()}) == len(advisors)


def _start(*options: str, env: dict[str, str] | None = None) -> tuple[subprocess.Popen, int]:
    """`advise serve --port 0 OPTIONS`, once it answers; its first line is in process.announced."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})}
    process = subprocess.Popen([sys.executable, "-m", "advise", "serve", "--port", "0", *options],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                               start_new_session=True)
    line = process.announced = process.stdout.readline()
    match = re.search(r"http://127\.0\.0\.1:(\d+)", line)
    assert match, line + process.stderr.read()
    port = int(match.group(1))
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # the workers are up when /healthz answers
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return process, port
        except OSError:
            time.sleep(0.1)
    raise AssertionError("the server did not answer /healthz")


def _stop(process: subprocess.Popen) -> tuple[int, str]:
    process.send_signal(signal.SIGTERM)
    try:
        _, errors = process.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        raise
    return process.returncode, errors


def test_two_worker_processes_serve_correct_reports_under_load_and_log_no_answer(expected) -> None:
    process, port = _start("--workers", "2", "--threads", "2")
    try:
        children = subprocess.run(["ps", "-o", "pid=", "--ppid", str(process.pid)], capture_output=True,
                                  text=True).stdout.split()
        assert len(children) == 2
        assert hammer(port, expected, rounds=2) == []
        status, headers, _ = post(port, "/api/advise?lang=fr&secret=Agathe", (ROOT / "examples" / "fleuriste.yaml")
                                  .read_bytes())
        assert status == 200 and headers["Server"] == "advise"
    finally:
        code, log = _stop(process)
    assert code == 0
    lines = [line for line in log.splitlines() if "/api/advise" in line]
    assert len(lines) == 2 * len(EXAMPLES) * 2 + 1
    served_by = {re.match(r"\[(\d+)\]", line).group(1) for line in lines}
    assert served_by == set(children)  # both workers took a share
    assert "?" not in log and "secret" not in log and "Agathe" not in log and "Fleurs" not in log
    time.sleep(0.5)
    assert subprocess.run(["ps", "-o", "pid=", "--ppid", str(process.pid)], capture_output=True,
                          text=True).stdout.split() == []


def test_a_worker_that_dies_is_replaced() -> None:
    process, port = _start("--workers", "2", "--no-access-log")
    try:
        children = subprocess.run(["ps", "-o", "pid=", "--ppid", str(process.pid)], capture_output=True,
                                  text=True).stdout.split()
        os.kill(int(children[0]), signal.SIGKILL)
        deadline = time.monotonic() + 30
        replaced: list[str] = []
        while time.monotonic() < deadline:
            replaced = subprocess.run(["ps", "-o", "pid=", "--ppid", str(process.pid)], capture_output=True,
                                      text=True).stdout.split()
            if len(replaced) == 2 and children[0] not in replaced:
                break
            time.sleep(0.2)
        assert len(replaced) == 2 and children[0] not in replaced
        status, _, _ = post(port, "/api/advise?hints=false", (ROOT / "examples" / "fleuriste.yaml").read_bytes())
        assert status == 200
    finally:
        code, log = _stop(process)
    assert code == 0 and "starting another" in log


def test_a_broken_rule_base_or_a_busy_port_stops_the_start_cleanly(tmp_path: Path) -> None:
    (tmp_path / "vocabulary.yaml").write_text("facts: [\n", encoding="utf-8")
    broken = subprocess.run([sys.executable, "-m", "advise", "serve", "--rules", str(tmp_path), "--port", "0"],
                            capture_output=True, text=True, timeout=60)
    assert broken.returncode == 2 and "vocabulary.yaml" in broken.stderr and "Traceback" not in broken.stderr
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        taken = subprocess.run([sys.executable, "-m", "advise", "serve", "--port", str(busy.getsockname()[1])],
                               capture_output=True, text=True, timeout=60)
    assert taken.returncode == 2 and "cannot listen on 127.0.0.1:" in taken.stderr
    assert "Traceback" not in taken.stderr


def test_the_consultant_profile_reaches_every_worker(tmp_path: Path) -> None:
    """ADVISE_CONSULTANT, as for `advise FILE`: read once at the start, given to each worker."""
    profile = ROOT / "tests" / "data" / "consultant" / "consultant.yaml"
    sheet = ROOT / "examples" / "fleuriste.yaml"
    env = {"ADVISE_CONSULTANT": str(profile), "SOURCE_DATE_EPOCH": "1795000000"}
    expected = subprocess.run([sys.executable, "-m", "advise", str(sheet), "--format", "html", "--no-hints"],
                              capture_output=True, env={**os.environ, **env}, timeout=60)
    assert expected.returncode == 0 and b"Claire Martin" in expected.stdout
    process, port = _start("--workers", "2", "--threads", "2", env=env)
    try:
        assert "reports signed by Claire Martin" in process.announced
        children = subprocess.run(["ps", "-o", "pid=", "--ppid", str(process.pid)], capture_output=True,
                                  text=True).stdout.split()

        def one(_: int) -> bytes:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            try:
                connection.request("POST", "/api/advise?format=html&hints=false", body=sheet.read_bytes(),
                                   headers={"Content-Type": "application/yaml",
                                            "Content-Disposition": 'attachment; filename="fleuriste.yaml"'})
                return connection.getresponse().read()
            finally:
                connection.close()

        with ThreadPoolExecutor(CLIENTS) as pool:
            answers = list(pool.map(one, range(4 * CLIENTS)))
    finally:
        code, log = _stop(process)
    assert code == 0
    assert all(answer == expected.stdout for answer in answers)
    served_by = {re.match(r"\[(\d+)\]", line).group(1) for line in log.splitlines() if "/api/advise" in line}
    assert served_by == set(children)  # both workers signed


@pytest.mark.parametrize("how", ["option", "environment"])
def test_a_bad_consultant_profile_stops_the_start_with_the_command_line_error(tmp_path: Path, how: str) -> None:
    profile = tmp_path / "consultant.yaml"
    profile.write_text("nam: Claire\nwebsite: martin-conseil.fr\n", encoding="utf-8")
    options, env = (["--consultant", str(profile)], {}) if how == "option" else ([], {"ADVISE_CONSULTANT": str(profile)})
    env = {**os.environ, **env}
    served = subprocess.run([sys.executable, "-m", "advise", "serve", "--port", "0", "--workers", "2", *options],
                            capture_output=True, text=True, timeout=60, env=env)
    run = subprocess.run([sys.executable, "-m", "advise", str(ROOT / "examples" / "fleuriste.yaml"), *options],
                         capture_output=True, text=True, timeout=60, env=env)
    assert served.returncode == run.returncode == 2
    assert served.stderr == run.stderr  # the same clear error, every problem at once
    assert "consultant.yaml:1" in served.stderr and "website" in served.stderr and "Traceback" not in served.stderr
    assert served.stdout == ""  # it never announced an address
