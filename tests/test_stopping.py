"""A batch worker stopped in the middle of writing a report leaves no temporary file, even
when a second SIGTERM comes during the cleanup, or when the unwinding is slower than the
worker's bound and it ends outright (advise.stopping with advise.output.remove_temporaries).

Each case runs in its own process: it installs the worker's signal handlers and sends
itself the signals at the moment that used to leave a `.report.json.*.tmp` behind."""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
from pathlib import Path

PRELUDE = """
import os, signal, sys, threading, time
from advise import output, stopping
stopping.worker_signals(None, output.remove_temporaries)
real_unlink = os.unlink
target = sys.argv[1]
"""


def _run(tmp_path: Path, body: str) -> subprocess.CompletedProcess:
    script = PRELUDE + textwrap.dedent(body) + "\noutput.write_atomically(target, '{}' * 1000)\n"
    return subprocess.run([sys.executable, "-c", script, str(tmp_path / "report.json")], capture_output=True,
                          text=True, timeout=60)


def test_a_second_sigterm_during_the_cleanup_does_not_cut_it_short(tmp_path: Path) -> None:
    # The first SIGTERM (the pool's) unwinds the write; the second (the parent watch's)
    # arrives just as the temporary file is being removed.
    done = _run(tmp_path, """
        def fsync(fd):
            os.kill(os.getpid(), signal.SIGTERM)
        def unlink(path):
            os.kill(os.getpid(), signal.SIGTERM)
            real_unlink(path)
        os.fsync, os.unlink = fsync, unlink
    """)
    assert done.returncode == 128 + signal.SIGTERM, done.stderr
    assert list(tmp_path.iterdir()) == []  # no report, and no temporary file


def test_a_stop_right_after_the_temporary_file_is_created_removes_it(tmp_path: Path) -> None:
    # A SIGTERM that arrives while the file is being created is handled as soon as the
    # system call returns: before any later step of the write could record the file.
    done = _run(tmp_path, """
        real_open = os.open
        def open_(path, *args, **kwargs):
            descriptor = real_open(path, *args, **kwargs)
            if str(path).endswith(".tmp"):
                os.kill(os.getpid(), signal.SIGTERM)
            return descriptor
        os.open = open_
    """)
    assert done.returncode == 128 + signal.SIGTERM, done.stderr
    assert list(tmp_path.iterdir()) == []


def test_a_worker_ending_outright_removes_the_file_it_was_writing(tmp_path: Path) -> None:
    # The unwinding takes longer than the worker's bound (a slow disk): it ends outright,
    # from another thread, while the main thread has not yet removed its temporary file.
    done = _run(tmp_path, """
        def fsync(fd):
            os.kill(os.getpid(), signal.SIGTERM)
        def unlink(path):
            if threading.current_thread() is threading.main_thread():
                time.sleep(5)
            real_unlink(path)
        os.fsync, os.unlink = fsync, unlink
    """)
    assert done.returncode == 128 + signal.SIGTERM, done.stderr
    assert list(tmp_path.iterdir()) == []


def test_a_write_that_is_not_stopped_leaves_its_report_and_nothing_else(tmp_path: Path) -> None:
    done = _run(tmp_path, "")
    assert done.returncode == 0, done.stderr
    assert [path.name for path in tmp_path.iterdir()] == ["report.json"]
    assert (tmp_path / "report.json").read_text() == "{}" * 1000
