"""Garbage collection in a command-line process (advise.cli.main): what the first run builds
(modules, rule base, templates) is built without collections and frozen, and the process
ends without Python's last walks over every object still alive (gc.freeze at exit): the end
of the process gives that memory back anyway. The rest of the command (running the sheet,
the report) runs without collections, which are on again after it (what the first command
made frozen too); outputs are whole."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from conftest import EXAMPLES

# An exit function registered before advise's runs after it (atexit: last in, first out).
# Python 3.12 starts with objects already frozen (a count of about 375): compared with that.
_PROBE = """
import atexit, gc, sys
at_start = gc.get_freeze_count()
atexit.register(lambda: print("frozen at exit:", gc.get_freeze_count() > at_start))
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


def test_any_command_ends_frozen(tmp_path: Path) -> None:
    shown = probe(tmp_path, "main", "--version")  # no report built: only the end freezes
    assert shown.splitlines()[-2:] == ["code: 0", "frozen at exit: True"]


def test_importing_the_command_line_alone_changes_nothing(tmp_path: Path) -> None:
    assert probe(tmp_path, "import").splitlines() == ["frozen at exit: False"]


_RUNS = """
import gc, sys
from advise.cli.main import main

def run(*args):
    try:
        main(list(args), prog_name="advise")
    except SystemExit as stop:
        return stop.code

frozen = gc.get_freeze_count()
for sheet in sys.argv[1:]:
    code = run(sheet, "--format", "json", "-o", sheet + ".json")
    print(code, gc.isenabled(), gc.get_freeze_count() > frozen)
    frozen = gc.get_freeze_count()
"""


def test_the_first_run_freezes_what_it_built_and_collections_go_on(tmp_path: Path) -> None:
    """advise.cli.main._long_lived: the modules, rule base and templates of the first run are
    built without collections and frozen; collections are on again after, even when the sheet
    was bad; a second run in the same process freezes nothing more."""
    bad = tmp_path / "bad.yaml"
    bad.write_text("business: [\n", encoding="utf-8")
    good = tmp_path / "good.yaml"
    good.write_text((EXAMPLES / "fleuriste.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    cache = tmp_path / "cache"
    cache.mkdir(mode=0o700)
    env = {**os.environ, "ADVISE_CACHE_DIR": str(cache)}
    done = subprocess.run([sys.executable, "-c", _RUNS, str(bad), str(good), str(good)], capture_output=True,
                          text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["2 True True", "0 True False", "0 True False"]
    assert (tmp_path / "good.yaml.json").stat().st_size > 1000


_DURING = """
import gc, sys
import advise.explain.report as report
from advise.cli.main import main

seen = []
build = report.build_report

def spy(*args, **kwargs):
    seen.append(gc.isenabled())
    return build(*args, **kwargs)

report.build_report = spy
for _ in range(2):
    try:
        main([sys.argv[1], "-o", sys.argv[2]], prog_name="advise")
    except SystemExit as stop:
        assert stop.code in (0, None), stop.code
    seen.append(gc.isenabled())
print(seen)
"""


def test_the_report_is_made_without_collections_and_they_are_on_after(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    cache.mkdir(mode=0o700)
    env = {**os.environ, "ADVISE_CACHE_DIR": str(cache)}
    done = subprocess.run([sys.executable, "-c", _DURING, str(EXAMPLES / "fleuriste.yaml"), str(tmp_path / "out.txt")],
                          capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[False, True, False, True]"


_OWN = """
import atexit, sys, types

class Marker:
    def __del__(self, _open=open, path=sys.argv[1]):
        _open(path, "w").close()

holder = types.ModuleType("advise_test_holder")
holder.kept = Marker()  # Python's own ending clears every module, so takes it apart: the file is made
sys.modules[holder.__name__] = holder
del holder
atexit.register(print, "exit function ran")
sys.argv = ["advise", *sys.argv[2:]]
from advise.cli.main import main
main()
"""


def test_the_command_line_process_ends_at_once_after_its_exit_functions(tmp_path: Path) -> None:
    """advise.cli.main._end_at_once: run as the program (no arguments given to main), the
    process ends after its exit functions without taking its objects apart; its output, its
    errors and its status are the ones Python's own ending gives."""
    cache = tmp_path / "cache"
    cache.mkdir(mode=0o700)
    env = {**os.environ, "ADVISE_CACHE_DIR": str(cache)}

    marker = tmp_path / "taken-apart"

    def run(probe: str, *args: str) -> tuple[subprocess.CompletedProcess, bool]:
        marker.unlink(missing_ok=True)
        done = subprocess.run([sys.executable, "-c", probe, str(marker), *args], capture_output=True, text=True,
                              env=env, timeout=120)
        return done, marker.exists()

    def own(*args: str) -> subprocess.CompletedProcess:
        done, taken_apart = run(_OWN, *args)
        assert not taken_apart
        return done

    def given(*args: str) -> subprocess.CompletedProcess:  # main(args): Python's own ending
        done, taken_apart = run(_OWN.replace("main()", "main(sys.argv[1:])"), *args)
        assert taken_apart
        return done

    out = tmp_path / "report.txt"
    for args in ([str(EXAMPLES / "fleuriste.yaml")], [str(EXAMPLES / "fleuriste.yaml"), "-o", str(out)],
                 [str(tmp_path / "missing.yaml")], ["--version"]):
        fast, slow = own(*args), given(*args)
        assert (fast.returncode, fast.stdout, fast.stderr) == (slow.returncode, slow.stdout, slow.stderr), args
        assert fast.stdout.endswith("exit function ran\n")
    assert own(str(tmp_path / "missing.yaml")).returncode == 2
    assert own(str(EXAMPLES / "fleuriste.yaml"), "-o", str(out)).returncode == 0 and out.stat().st_size > 1000
