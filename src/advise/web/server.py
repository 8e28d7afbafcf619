"""`advise serve`: the web app on waitress, in one or more worker processes.

Why waitress: a production WSGI server in pure Python (no compiled part, no fork of its
own), with a thread pool per process. Why processes for `--workers`: the rules run in
Python, so threads of one process share one core; N processes use N cores.

The listening socket is opened here, once; each worker is a fresh Python process
(`python -m advise.web.server`, never a fork: durable_rules keeps native state that a fork
would copy) that inherits the socket and serves it with waitress, the kernel handing each
connection to one worker. Its settings come on its standard input, as JSON: among them the
consultant's profile, read and checked once here (a bad one stops the start, not a
request), so that every worker, and one restarted hours later, signs reports alike. In each worker, each waitress thread has its own Advisor
(advise.web.app). This process only watches the workers: it restarts one that dies, and
stops them all on Ctrl-C or SIGTERM.

Logs: one line per request, with the method, the path without its query string, the
status and the time taken. Never a body, a query string or the client's address: an
owner's answers are personal data, and nothing of them is stored or logged.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import socket
import subprocess
import sys
import time
from typing import Any, Callable, Iterable

from ..errors import InputError, Problem, register_messages
from ..records import as_dict
from ..sheet.consultant import Consultant

register_messages({
    "serve-listen-failed": {
        "en": "cannot listen on {address}: {reason}",
        "fr": "impossible d'écouter sur {address} : {reason}",
    },
})

SERVER_NAME = "advise"  # the Server header: the name, no version
# Threads per worker. The rules hold the GIL, so a worker's threads share one core: more
# of them only interleave requests. Measured with 2 workers and 8 clients on 2 cores
# (bench/serve.py): 4 threads cost 10-15 % more CPU per report than 1 or 2, and a higher
# p95. Two keep one slow request from holding up the worker's other connections.
DEFAULT_THREADS = 2
WAITRESS_MAX_BODY = 4 * 1024 * 1024  # the app refuses over 1 MiB (413); waitress never buffers more than this
RESTART_LIMIT = 5  # a worker that dies this many times within RESTART_WINDOW seconds stops the server
RESTART_WINDOW = 60.0

log = logging.getLogger("advise.web")


class AccessLog:
    """WSGI middleware: method, path (never the query string), status, milliseconds."""

    def __init__(self, app: Callable[..., Any], stream: Any = None):
        self.app = app
        self.stream = stream if stream is not None else sys.stderr
        self.pid = os.getpid()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        started = time.perf_counter()
        status_seen: list[str] = []

        def recording_start(status: str, headers: list, exc_info: Any = None) -> Any:
            status_seen.append(status.split(" ", 1)[0])
            return start_response(status, headers, exc_info)

        try:
            return self.app(environ, recording_start)
        finally:
            path = environ.get("PATH_INFO", "")
            path = "".join(ch if ch.isprintable() else "?" for ch in path)[:200]
            elapsed = (time.perf_counter() - started) * 1000
            status = status_seen[-1] if status_seen else "-"
            self.stream.write(f"[{self.pid}] {environ.get('REQUEST_METHOD', '-')} {path} {status} {elapsed:.1f}ms\n")
            self.stream.flush()


def listen(host: str, port: int) -> socket.socket:
    """The listening socket, opened once for every worker."""
    try:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        sock = socket.create_server((host, port), family=family, backlog=1024)
    except OSError as error:
        raise InputError(Problem("serve-listen-failed", {"address": f"{host}:{port}",
                                                         "reason": error.strerror or str(error)},
                                 field="--port")) from None
    return sock


def serve(host: str = "127.0.0.1", port: int = 8000, *, workers: int = 1, threads: int = DEFAULT_THREADS,
          rules_dir: str | None = None, templates_dir: str | None = None, access_log: bool = True,
          consultant: Consultant | None = None, announce: Callable[[str], None] | None = None) -> int:
    """Serve until stopped; returns the exit status. `consultant` (already read and checked)
    signs every report. Raises AdviseError before serving if the rule base or the templates
    are broken, or if the address cannot be listened on."""
    from .app import create_app

    create_app(rules_dir, templates_dir)  # checks the rule base and templates, and fills the rule cache
    sock = listen(host, port)
    bound = sock.getsockname()
    shown_host = f"[{bound[0]}]" if ":" in bound[0] else bound[0]
    url = f"http://{shown_host}:{bound[1]}"
    settings = {"rules_dir": rules_dir, "templates_dir": templates_dir, "threads": threads,
                "access_log": access_log,
                "consultant": as_dict(consultant) if consultant is not None else None}
    if announce is not None:
        announce(url)
    if workers <= 1:
        run_worker(sock, settings)
        return 0
    return _supervise(sock, workers, settings)


def run_worker(sock: socket.socket, settings: dict[str, Any]) -> None:
    """One worker: the app on waitress, on the inherited socket, until stopped."""
    import waitress

    from .app import create_app

    profile = settings.get("consultant")
    app: Any = create_app(settings.get("rules_dir"), settings.get("templates_dir"),
                          Consultant(**profile) if profile else None)
    if settings.get("access_log", True):
        app = AccessLog(app)
    logging.getLogger("waitress").setLevel(logging.ERROR)  # no 'Serving on' per worker; errors still show
    try:
        waitress.serve(app, sockets=[sock], threads=int(settings.get("threads") or DEFAULT_THREADS),
                       ident=SERVER_NAME, max_request_body_size=WAITRESS_MAX_BODY, expose_tracebacks=False,
                       clear_untrusted_proxy_headers=True)
    except KeyboardInterrupt:
        pass


def _spawn(sock: socket.socket, settings: dict[str, Any]) -> subprocess.Popen:
    """A worker, its settings on its standard input (a logo can outgrow a command line's argument)."""
    fd = sock.fileno()
    child = subprocess.Popen([sys.executable, "-m", "advise.web.server", "--fd", str(fd)], pass_fds=[fd],
                             stdin=subprocess.PIPE)
    assert child.stdin is not None
    with child.stdin:
        child.stdin.write(json.dumps(settings).encode("utf-8"))
    return child


def _supervise(sock: socket.socket, workers: int, settings: dict[str, Any]) -> int:
    children = [_spawn(sock, settings) for _ in range(workers)]
    stopping = False
    deaths: list[float] = []

    def stop(signum: int, frame: Any) -> None:
        nonlocal stopping
        stopping = True

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    status = 0
    try:
        while not stopping:
            time.sleep(0.2)
            for index, child in enumerate(children):
                code = child.poll()
                if code is None or stopping:
                    continue
                now = time.monotonic()
                deaths[:] = [t for t in deaths if now - t < RESTART_WINDOW] + [now]
                if len(deaths) >= RESTART_LIMIT:
                    print(f"advise serve: workers keep stopping (last status {code}); stopping", file=sys.stderr)
                    stopping, status = True, 1
                    break
                print(f"advise serve: worker {child.pid} stopped (status {code}); starting another",
                      file=sys.stderr)
                children[index] = _spawn(sock, settings)
    finally:
        for child in children:
            if child.poll() is None:
                child.terminate()
        for child in children:
            try:
                child.wait(timeout=10)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        sock.close()
    return status


def _worker_main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="advise.web.server", description="one worker of `advise serve`")
    parser.add_argument("--fd", type=int, required=True)
    args = parser.parse_args(argv)
    settings = json.loads(sys.stdin.buffer.read())  # until the supervisor closes the pipe
    sock = socket.socket(fileno=args.fd)
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(0))
    run_worker(sock, settings)


if __name__ == "__main__":
    _worker_main()
