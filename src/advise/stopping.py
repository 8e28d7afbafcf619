"""How a batch of worker processes stops: on Ctrl-C, on SIGTERM, and when the process that
started them is killed outright (SIGKILL), leaving no process and no half-written file.

* The batch's own process (`sigterm_stops`): SIGTERM unwinds it as Ctrl-C does, so that
  it stops its workers (`stop_pool`) and writes no summary; it then exits with 128 + 15.
* `stop_pool`: every worker gets SIGTERM, then SIGKILL if it lingers; multiprocessing's
  fork server and resource tracker are ended.
* In a worker (`worker_signals`): SIGTERM unwinds the sheet being advised (the temporary
  file of its report is removed), no further sheet starts, and the process ends; Ctrl-C
  is left to the batch's process. A thread watches the batch's process: if it disappears
  (SIGKILL), the worker stops itself the same way within a fraction of a second.
* Only the first SIGTERM unwinds: a second one (the pool's and the watch's, when both come)
  would interrupt the removal of the temporary file the first one started. And if the
  worker must end before its unwinding is over (it is bounded), the cleanup it was given
  (advise.output.remove_temporaries) runs first: no half-written file outlives it.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any, Callable

_stopping = threading.Event()  # in a worker: stop before the next sheet
_cleanup: list[Callable[[], None]] = []  # in a worker: what must run before it ends outright


def stopping() -> bool:
    return _stopping.is_set()


def _unwind(signum: int, frame: Any) -> None:
    raise SystemExit(128 + signum)


class sigterm_stops:
    """While the batch runs in the main thread, SIGTERM unwinds it like Ctrl-C."""

    def __enter__(self) -> None:
        self.previous = None
        if threading.current_thread() is threading.main_thread():
            self.previous = signal.signal(signal.SIGTERM, _unwind)

    def __exit__(self, *exc: Any) -> None:
        if self.previous is not None:
            signal.signal(signal.SIGTERM, self.previous)


def stop_pool(pool: ProcessPoolExecutor, pending: dict[Future, Any]) -> None:
    """Stop now, not after the chunks already sent; then the fork server and the resource
    tracker, so that nothing of the batch outlives it."""
    for future in pending:
        future.cancel()
    processes = list((getattr(pool, "_processes", None) or {}).values())
    for process in processes:
        if process.is_alive():
            process.terminate()
    for process in processes:
        process.join(timeout=5)
        if process.is_alive():
            process.kill()
            process.join(timeout=5)
    # The pool's own thread may reap a worker at the moment this one looks: this thread's
    # wait then finds no child and the worker's exit code stays unknown, so it looks alive
    # (multiprocessing's Popen.poll) until that thread records it, a moment later.
    deadline = time.monotonic() + 2
    while any(process.exitcode is None for process in processes) and time.monotonic() < deadline:
        time.sleep(0.005)
    pool.shutdown(wait=False, cancel_futures=True)
    try:
        from multiprocessing import forkserver, resource_tracker

        forkserver._forkserver._stop()  # type: ignore[attr-defined]
        resource_tracker._resource_tracker._stop()  # type: ignore[attr-defined]
    except Exception:  # private helpers of CPython 3.11-3.13: they end with this process anyway
        pass


def worker_signals(parent: int | None, cleanup: Callable[[], None] | None = None) -> None:
    """In a worker process, at its start (see the module doc). `cleanup` runs before the
    worker ends outright, whatever it was doing."""
    if cleanup is not None:
        _cleanup.append(cleanup)
    signal.signal(signal.SIGTERM, _stop_worker)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if parent is not None:
        threading.Thread(target=_watch_parent, args=(parent,), daemon=True, name="advise-parent-watch").start()


def _stop_worker(signum: int, frame: Any) -> None:
    """Unwind what the worker is doing, then end: the pool's loop catches the SystemExit and
    would otherwise wait for more work."""
    if _stopping.is_set():
        return  # unwinding already: a second SystemExit would cut its cleanup short
    _stopping.set()
    timer = threading.Timer(0.5, _end, args=(128 + signum,))
    timer.daemon = True
    timer.start()
    raise SystemExit(128 + signum)


def _watch_parent(parent: int) -> None:
    while True:
        time.sleep(0.1)
        try:
            os.kill(parent, 0)
        except ProcessLookupError:
            break
        except OSError:
            pass
    # To the main thread itself: a signal this thread took would not interrupt the main
    # thread's wait for work, which will never come.
    signal.pthread_kill(threading.main_thread().ident or 0, signal.SIGTERM)
    time.sleep(5)
    _end(128 + signal.SIGTERM)  # still here: whatever blocks it, end


def _end(status: int) -> None:
    """End the worker now, after its cleanup (the unwinding may still be writing)."""
    for cleanup in _cleanup:
        try:
            cleanup()
        except Exception:  # ending anyway: nothing more can be done for it
            pass
    os._exit(status)
