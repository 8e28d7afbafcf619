"""bench/serve.py records its figures in one command: bench/results.md and both READMEs,
each between its markers, with every goal, its figure and whether it is met. (The
benchmark itself is not run here: speed is measured in bench/, never by a test.)"""

from __future__ import annotations

import importlib.util
import re
import shutil
from pathlib import Path

import pytest

from conftest import ROOT


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bench_serve", ROOT / "bench" / "serve.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


FIGURES = {
    "without hints": {"per_second": 1234.4, "p50": 20.0, "p95": 41.6, "p99": 60.0, "failures": 0, "cpu_ms": 5.9,
                      "client_cpu_ms": 1.0},
    "with hints": {"per_second": 80.0, "p50": 60.0, "p95": 120.4, "p99": 150.0, "failures": 1, "cpu_ms": 12.25,
                   "client_cpu_ms": 1.1},
}


def test_each_readme_has_one_serve_block_for_the_benchmark_to_rewrite(bench) -> None:
    for path in bench.READMES.values():
        text = path.read_text(encoding="utf-8")
        assert text.count(bench.BEGIN) == text.count(bench.END) == 1, path
        block = text[text.index(bench.BEGIN):text.index(bench.END)]
        assert ".venv/bin/python bench/serve.py" in block  # the one command, beside its figures


def test_the_figures_are_written_with_each_goal_and_whether_it_is_met(bench, tmp_path: Path) -> None:
    loads = (0.25, 1.5)
    summary = bench.summary(FIGURES, loads, "2")
    assert "goal >= 150 reports/s without hints: 1234/s -> met: yes" in summary
    assert "goal p95 < 100 ms with hints: 120.4 ms -> met: no" in summary
    assert "load average (1 min): 0.25 before, 1.50 after" in summary
    for lang, path in bench.READMES.items():
        copy = tmp_path / path.name
        shutil.copy(path, copy)
        before = copy.read_text(encoding="utf-8")
        bench.record(copy, bench.readme_block(FIGURES, loads, "2", lang), must_exist=True)
        after = copy.read_text(encoding="utf-8")
        outside = before.split(bench.BEGIN)[0], before.split(bench.END)[1]
        assert after.split(bench.BEGIN)[0] == outside[0] and after.split(bench.END)[1] == outside[1]
        block = re.sub(r"[ \n]+", " ", after[after.index(bench.BEGIN):])  # as read, whatever the wrapping
        assert ("met: yes" if lang == "en" else "atteint\u00a0: oui") in block
        assert ("met: no" if lang == "en" else "atteint\u00a0: non") in block
        assert ("5.9 ms of CPU" if lang == "en" else "5,9 ms de CPU") in block  # French decimals in French
    results = tmp_path / "results.md"
    results.write_text("# Results\n\nbench/run.py's tables\n", encoding="utf-8")
    bench.record(results, bench.markdown(FIGURES, 20.0, loads, "2"))
    bench.record(results, bench.markdown(FIGURES, 20.0, loads, "2"))  # rewritten in place, never twice
    text = results.read_text(encoding="utf-8")
    assert text.startswith("# Results\n\nbench/run.py's tables\n") and text.count(bench.BEGIN) == 1
    assert "| >= 150 reports/s | yes |" in text and "| p95 < 100 ms | no |" in text


def test_the_french_paragraph_keeps_french_typography(bench, tmp_path: Path) -> None:
    loader_path = ROOT / "scripts" / "french-typography"
    import importlib.machinery

    loader = importlib.machinery.SourceFileLoader("french_typography_check", str(loader_path))
    typography = importlib.util.module_from_spec(importlib.util.spec_from_loader(loader.name, loader))
    loader.exec_module(typography)
    block = bench.readme_block(FIGURES, (0.25, 1.5), "2", "fr")
    assert typography.fix(block) == block
    assert "**1234 rapports/s**" in block and "en local\u00a0:" in block
