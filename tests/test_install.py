"""Installable everywhere: a regular (non-editable) install carries the rules and the
templates inside the package; `advise --version` and `python -m advise` work."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

import advise
from advise.cli.main import main

ROOT = Path(__file__).resolve().parents[1]
DATA = {"rules": "advise/data/rules", "explanations": "advise/data/explanations"}


def _clean_env(**extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items()
           if key not in ("PYTHONPATH", "ADVISE_RULES", "ADVISE_TEMPLATES")}
    env.update(extra)
    return env


def test_version_option() -> None:
    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"advise, version {advise.__version__}"


def test_python_dash_m_advise(tmp_path: Path) -> None:
    env = _clean_env(PYTHONPATH=str(ROOT / "src"))
    version = subprocess.run([sys.executable, "-m", "advise", "--version"], capture_output=True, text=True,
                             env=env, cwd=tmp_path, timeout=60)
    assert version.returncode == 0, version.stderr
    assert advise.__version__ in version.stdout
    report = subprocess.run([sys.executable, "-m", "advise", str(ROOT / "examples" / "fleuriste.yaml"),
                             "--format", "json"], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=60)
    assert report.returncode == 0, report.stderr
    assert json.loads(report.stdout)["verdict"]
    bad = subprocess.run([sys.executable, "-m", "advise", str(tmp_path / "missing.yaml")], capture_output=True,
                         text=True, env=env, cwd=tmp_path, timeout=60)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr


def _shipped(folder: str) -> set[str]:
    """The data files a wheel must carry: every file under rules/ or explanations/."""
    base = ROOT / folder
    return {f"{DATA[folder]}/{path.relative_to(base).as_posix()}" for path in base.rglob("*")
            if path.is_file() and "__pycache__" not in path.parts and not path.name.startswith(".")}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A wheel built from a copy of the sources (an in-tree build would leave build/ behind)."""
    pytest.importorskip("setuptools", minversion="77")
    work = tmp_path_factory.mktemp("wheel")
    source = work / "src-copy"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info", ".*")
    for folder in ("src", "rules", "explanations"):
        shutil.copytree(ROOT / folder, source / folder, ignore=ignore)
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                            "--disable-pip-version-check", "-q", "-w", str(work / "dist"), str(source)],
                           capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stdout + built.stderr
    wheels = list((work / "dist").glob("advise-*.whl"))
    assert len(wheels) == 1
    return wheels[0]


@pytest.mark.slow
def test_wheel_carries_code_rules_and_templates(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    modules = {f"advise/{path.relative_to(ROOT / 'src' / 'advise').as_posix()}"
               for path in (ROOT / "src" / "advise").rglob("*.py") if "__pycache__" not in path.parts}
    assert modules <= names, sorted(modules - names)
    for folder in DATA:
        expected = _shipped(folder)
        assert expected, folder
        assert expected <= names, sorted(expected - names)
    schemas = {f"advise/workbench/schemas/{path.name}"
               for path in (ROOT / "src" / "advise" / "workbench" / "schemas").glob("*.json")}
    assert schemas and schemas <= names, sorted(schemas - names)
    assert "advise/cli/locale/fr/LC_MESSAGES/advise.mo" in names  # the French help
    web = {f"advise/web/templates/{path.name}" for path in (ROOT / "src" / "advise" / "web" / "templates").iterdir()
           if path.is_file()}
    assert web and web <= names, sorted(web - names)  # the questionnaire's pages
    assert any(name.endswith("entry_points.txt") for name in names)
    assert not any(name.startswith(("rules/", "explanations/", "tests/")) for name in names)


@pytest.mark.slow
def test_installed_wheel_advises_from_another_folder(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    installed = subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--no-index",
                                "--disable-pip-version-check", "-q", "--target", str(target), str(wheel)],
                               capture_output=True, text=True, timeout=300)
    assert installed.returncode == 0, installed.stdout + installed.stderr
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    sheet = elsewhere / "client.yaml"
    shutil.copy(ROOT / "examples" / "fleuriste.yaml", sheet)
    env = _clean_env(PYTHONPATH=str(target))
    where = subprocess.run(
        [sys.executable, "-c", "import advise; print(advise.__file__); print(advise.default_rules_dir()); "
                               "print(advise.default_templates_dir())"],
        capture_output=True, text=True, env=env, cwd=elsewhere, timeout=60)
    assert where.returncode == 0, where.stderr
    module, rules, templates = where.stdout.split("\n")[:3]
    assert Path(module).is_relative_to(target)  # the installed copy, not the checkout
    assert Path(rules) == target / "advise" / "data" / "rules"
    assert Path(templates) == target / "advise" / "data" / "explanations"
    french = subprocess.run([sys.executable, "-m", "advise", "--help"], capture_output=True, text=True,
                            env={**env, "ADVISE_LANG": "fr"}, cwd=elsewhere, timeout=60)
    assert french.returncode == 0 and french.stdout.startswith("Utilisation\u00a0: python -m advise"), french.stdout + french.stderr
    for fmt in ("text", "json"):
        run = subprocess.run([sys.executable, "-m", "advise", "client.yaml", "--format", fmt],
                             capture_output=True, text=True, env=env, cwd=elsewhere, timeout=60)
        assert run.returncode == 0, run.stderr
        expected = subprocess.run([sys.executable, "-m", "advise", str(ROOT / "examples" / "fleuriste.yaml"),
                                   "--format", fmt], capture_output=True, text=True,
                                  env=_clean_env(PYTHONPATH=str(ROOT / "src")), cwd=ROOT, timeout=60)
        assert expected.returncode == 0, expected.stderr
        if fmt == "json":  # same advice as from the checkout (the sheet's path aside)
            assert json.loads(run.stdout)["trace"] == json.loads(expected.stdout)["trace"]
        else:
            assert run.stdout.strip()
    batch = subprocess.run([sys.executable, "-m", "advise", "batch", ".", "-o", "out"], capture_output=True,
                           text=True, env=env, cwd=elsewhere, timeout=120)
    assert batch.returncode == 0, batch.stdout + batch.stderr
    assert (elsewhere / "out" / "client.txt").is_file()
