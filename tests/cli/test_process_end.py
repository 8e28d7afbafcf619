"""A process that ran advise's command line ends without Python's last walks over every
object still alive (advise.cli.main: gc.freeze at exit): the end of the process gives
that memory back anyway. Only a process that called `main`; its output is whole."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from conftest import EXAMPLES

# An exit function registered before advise's runs after it (atexit: last in, first out).
_PROBE = """
import atexit, gc, sys
atexit.register(lambda: print("frozen at exit:", gc.get_freeze_count() > 0))
from advise.cli.main import main
if sys.argv[1] == "main":
    try:
        main(sys.argv[2:], prog_name="advise")
    except SystemExit as stop:
        print("code:", stop.code)
"""


def probe(tmp_path: Path, *args: str) -> str:
    cache = tmp_path / "cache"
    cache.mkdir(mode=0o700, exist_ok=True)
    env = {**os.environ, "ADVISE_CACHE_DIR": str(cache)}
    done = subprocess.run([sys.executable, "-c", _PROBE, *args], capture_output=True, text=True, env=env,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_a_command_line_process_ends_with_its_objects_frozen_and_its_report_whole(tmp_path: Path) -> None:
    out = tmp_path / "report.txt"
    shown = probe(tmp_path, "main", str(EXAMPLES / "fleuriste.yaml"), "-o", str(out))
    assert shown.splitlines() == ["code: 0", "frozen at exit: True"]
    written = out.read_text(encoding="utf-8")
    assert len(written.splitlines()) > 20
    shown = probe(tmp_path, "main", str(EXAMPLES / "fleuriste.yaml"))  # to the standard output
    assert shown == written + "code: 0\nfrozen at exit: True\n"


def test_importing_the_command_line_alone_changes_nothing(tmp_path: Path) -> None:
    assert probe(tmp_path, "import").splitlines() == ["frozen at exit: False"]
