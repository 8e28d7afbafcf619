"""The consultant's walk-through in the README runs as written: in a fresh clone, and on a
copy of the rules in a folder outside the project."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import EXAMPLES, ROOT, RULES

ADVISE = Path(sys.executable).parent / "advise"


def walkthrough(readme: str, intro: str) -> list[str]:
    """The shell lines of the block that follows `intro`, comments removed."""
    text = (ROOT / readme).read_text(encoding="utf-8")
    block = re.search(re.escape(intro) + r"\n\n```sh\n(.*?)```", text, re.S)
    assert block, f"{readme}: no walk-through after {intro!r}"
    return [line.split("  #")[0].rstrip() for line in block.group(1).splitlines() if line.strip()]


def run(line: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "ADVISE_NO_CACHE": "1", "EDITOR": "true"}
    env.pop("ADVISE_RULES", None)
    return subprocess.run(line, shell=True, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize("readme,intro", [("README.md", "A typical session on your own copy of the rules:"),
                                          ("README.fr.md", "Une séance type sur votre propre copie des règles\u00a0:")])
def test_the_walkthrough_runs_as_written_in_a_clone(tmp_path: Path, readme: str, intro: str) -> None:
    clone = tmp_path / "advise"
    shutil.copytree(RULES, clone / "rules")
    shutil.copytree(EXAMPLES, clone / "examples")
    (clone / ".venv").mkdir()
    (clone / ".venv" / "bin").symlink_to(ADVISE.parent, target_is_directory=True)
    lines = walkthrough(readme, intro)
    assert any("rules diff" in line for line in lines) and any("--rules" in line for line in lines)
    for line in lines:
        result = run(line, clone)
        allowed = (0, 1) if "rules diff" in line else (0,)  # diff: 1 says something changes
        assert result.returncode in allowed, f"{line}\n{result.stdout}\n{result.stderr}"


def test_the_walkthrough_runs_on_a_copy_outside_the_project(tmp_path: Path) -> None:
    """The same steps, in a folder that has nothing of the project but the copied rules."""
    home = tmp_path / "elsewhere"
    home.mkdir()
    shutil.copytree(RULES, home / "my-rules")
    steps = [f"{ADVISE} rules new budget/no-print-budget --rules my-rules",
             f"{ADVISE} rules check my-rules",
             f"{ADVISE} test my-rules",
             f"{ADVISE} rules diff {RULES} my-rules",
             f"{ADVISE} {EXAMPLES / 'fleuriste.yaml'} --rules my-rules"]
    for line in steps:
        result = run(line, home)
        if "rules diff" in line:
            # the skeleton's own case fires it (its placeholder condition meets the case's
            # placeholder sheet): the diff shows just that case
            assert result.returncode == 1, f"{line}\n{result.stdout}\n{result.stderr}"
            assert re.search(r"^1 of \d+ sheets change", result.stdout, re.M)
            assert "20-budget.cases.yaml::no-print-budget-fires\n" in result.stdout
        else:
            assert result.returncode == 0, f"{line}\n{result.stdout}\n{result.stderr}"
    assert "0 errors" in run(f"{ADVISE} rules check my-rules", home).stdout
