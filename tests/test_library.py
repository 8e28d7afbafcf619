"""The library comes first: a program can advise without the command line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_advise_returns_the_json_report_and_never_loads_click() -> None:
    # A fresh interpreter, so that no other test has imported click already.
    code = (
        "import json, sys, advise\n"
        f"report = json.loads(advise.advise({str(ROOT / 'examples' / 'fleuriste.yaml')!r}))\n"
        "print(json.dumps({'verdict': report['verdict'], 'click': 'click' in sys.modules}))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                          env={"PYTHONPATH": str(ROOT / "src"), "ADVISE_NO_CACHE": "1", "PATH": ""})
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"verdict": "launch_gradually", "click": False}
