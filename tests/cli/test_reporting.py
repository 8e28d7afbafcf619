"""How a command ends when its reader went away (advise.cli.reporting): `advise facts.yaml
| head` that stops reading is no error of the sheet's or of advise's. The command ends
quietly with status 141, as a program stopped by SIGPIPE, not with "internal error"."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import EXAMPLES

# The `advise` program itself (main() given no arguments), as a shell pipeline runs it.
_PROGRAM = "import sys; sys.argv = ['advise', *sys.argv[1:]]; from advise.cli.main import main; main()"


def run_into_closed_pipe(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    """Run advise with its standard output a pipe nobody reads any more (`| true`)."""
    cache = tmp_path / "cache"
    cache.mkdir(mode=0o700, exist_ok=True)
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader went away before advise wrote anything
    try:
        return subprocess.run([sys.executable, "-c", _PROGRAM, *args], stdout=write_end, stderr=subprocess.PIPE,
                              text=True, env={**os.environ, "ADVISE_CACHE_DIR": str(cache)}, timeout=120)
    finally:
        os.close(write_end)


@pytest.mark.parametrize("args", [
    [str(EXAMPLES / "fleuriste.yaml")],
    [str(EXAMPLES / "fleuriste.yaml"), "--format", "html", "--lang", "fr"],
    ["rules", "docs"],
    ["--help"],
    ["--version"],
], ids=["report", "html-report-fr", "rules-docs", "help", "version"])
def test_a_reader_that_went_away_ends_the_command_quietly(tmp_path: Path, args: list[str]) -> None:
    done = run_into_closed_pipe(tmp_path, *args)
    assert done.returncode == 141, done.stderr
    assert done.stderr == ""  # no "internal error", no "Exception ignored ... BrokenPipeError"


def test_errors_still_reach_the_terminal_when_the_output_is_gone(tmp_path: Path) -> None:
    done = run_into_closed_pipe(tmp_path, str(tmp_path / "missing.yaml"))
    assert done.returncode == 2 and "missing.yaml" in done.stderr


@pytest.mark.parametrize("debug", [True, False], ids=["ADVISE_DEBUG", "plain"])
def test_an_internal_error_shows_its_traceback_only_when_asked(monkeypatch: pytest.MonkeyPatch,
                                                               capsys: pytest.CaptureFixture[str], debug: bool) -> None:
    from advise.cli.reporting import EXIT_INTERNAL, report_errors

    if debug:
        monkeypatch.setenv("ADVISE_DEBUG", "1")
    else:
        monkeypatch.delenv("ADVISE_DEBUG", raising=False)

    @report_errors
    def command(lang: str | None = None) -> None:
        raise RuntimeError("a bug of advise's")

    with pytest.raises(SystemExit) as stopped:
        command(lang="en")
    assert stopped.value.code == EXIT_INTERNAL == 1
    err = capsys.readouterr().err
    assert "RuntimeError: a bug of advise's" in err
    assert ("Traceback (most recent call last)" in err) == debug
    assert ('raise RuntimeError("a bug of advise\'s")' in err) == debug
    assert "Set ADVISE_DEBUG=1 to see the traceback." in err
