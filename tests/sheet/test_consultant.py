"""The consultant's profile is read as strictly as a fact sheet: every problem at once, with
its file, line and field; a logo can never carry a script or fetch anything."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from click.testing import CliRunner

from advise.cli.main import main
from advise.sheet.consultant import ConsultantError, find_profile, load_consultant

from conftest import EXAMPLES, ROOT

PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==")


def write(folder: Path, text: str, **files: str | bytes) -> Path:
    for name, content in files.items():
        target = folder / name.replace("_", ".")
        target.write_bytes(content) if isinstance(content, bytes) else target.write_text(content, encoding="utf-8")
    path = folder / "consultant.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def codes(error: ConsultantError) -> list[tuple[str, str | None, int | None]]:
    return [(problem.code, problem.field, problem.line) for problem in error.problems]


def test_the_shipped_example_reads(tmp_path: Path) -> None:
    consultant = load_consultant(ROOT / "tests" / "data" / "consultant" / "consultant.yaml")
    assert consultant.name == "Claire Martin — Conseil web"
    assert consultant.website_shown == "martin-conseil.fr"
    assert consultant.logo.startswith("data:image/svg+xml;base64,")
    assert "premières semaines" in consultant.closing_in("fr")
    assert "first weeks" in consultant.closing_in("en")


def test_one_closing_text_serves_both_languages(tmp_path: Path) -> None:
    consultant = load_consultant(write(tmp_path, "name: Studio\nclosing: À bientôt.\n"))
    assert consultant.closing_in("fr") == consultant.closing_in("en") == "À bientôt."


def test_every_problem_at_once_with_line_and_field(tmp_path: Path) -> None:
    path = write(tmp_path, "contact: 12\nwebsit: https://x.fr\nwebsite: x.fr\nlogo: logo.gif\n")
    with pytest.raises(ConsultantError) as caught:
        load_consultant(path)
    found = codes(caught.value)
    assert ("missing-field", "name", 1) in found
    assert ("wrong-type", "contact", 1) in found
    assert ("unknown-key", "websit", 2) in found
    assert ("consultant-website", "website", 3) in found
    assert ("consultant-logo-kind", "logo", 4) in found
    unknown = next(problem for problem in caught.value.problems if problem.code == "unknown-key")
    assert "website" in (unknown.hint_text("en") or "")
    assert all(problem.file == str(path) for problem in caught.value.problems)


@pytest.mark.parametrize("svg, reason", [
    ('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "script"),
    ('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>', "event handler"),
    ('<svg xmlns="http://www.w3.org/2000/svg"><image href="https://evil.example/x.png"/></svg>', "link"),
    ('<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaa">]><svg>&a;</svg>', "DOCTYPE"),
    ('<html><body>not an image</body></html>', "<svg>"),
])
def test_an_unsafe_svg_logo_is_refused(tmp_path: Path, svg: str, reason: str) -> None:
    path = write(tmp_path, "name: Studio\nlogo: logo.svg\n", logo_svg=svg)
    with pytest.raises(ConsultantError) as caught:
        load_consultant(path)
    (problem,) = caught.value.problems
    assert problem.code == "consultant-logo-content" and problem.field == "logo"
    assert reason in problem.message("en")


def test_a_png_logo_is_checked_and_bounded(tmp_path: Path) -> None:
    assert load_consultant(write(tmp_path, "name: Studio\nlogo: logo.png\n", logo_png=PNG)).logo.startswith(
        "data:image/png;base64,")
    with pytest.raises(ConsultantError) as caught:
        load_consultant(write(tmp_path, "name: Studio\nlogo: logo.png\n", logo_png=b"GIF89a not a png"))
    assert codes(caught.value)[0][0] == "consultant-logo-content"
    with pytest.raises(ConsultantError) as caught:
        load_consultant(write(tmp_path, "name: Studio\nlogo: logo.png\n", logo_png=PNG + b"\0" * 300_000))
    assert codes(caught.value)[0][0] == "consultant-logo-too-large"
    with pytest.raises(ConsultantError) as caught:
        load_consultant(write(tmp_path, "name: Studio\nlogo: missing.png\n"))
    assert codes(caught.value)[0][0] == "consultant-logo-missing"


def test_the_profile_is_plain_data(tmp_path: Path) -> None:
    with pytest.raises(ConsultantError) as caught:
        load_consultant(write(tmp_path, "name: !!python/object/apply:os.system [echo hi]\n"))
    assert caught.value.problems[0].code == "yaml-tag"


def test_where_the_profile_is_found(tmp_path: Path) -> None:
    assert find_profile(None, environ={}, folder=tmp_path) is None
    (tmp_path / "consultant.yaml").write_text("name: Studio\n", encoding="utf-8")
    assert find_profile(None, environ={}, folder=tmp_path) == str(tmp_path / "consultant.yaml")
    assert find_profile(None, environ={"ADVISE_CONSULTANT": "/x.yaml"}, folder=tmp_path) == "/x.yaml"
    assert find_profile("given.yaml", environ={"ADVISE_CONSULTANT": "/x.yaml"}, folder=tmp_path) == "given.yaml"


def test_a_bad_profile_stops_the_report_with_exit_2(tmp_path: Path) -> None:
    path = write(tmp_path, "nom: Studio\n")
    result = CliRunner().invoke(main, [str(EXAMPLES / "fleuriste.yaml"), "--consultant", str(path), "--lang", "en"])
    assert result.exit_code == 2
    assert "consultant.yaml:1" in result.output and "nom" in result.output
    assert "Traceback" not in result.output
    missing = CliRunner().invoke(main, [str(EXAMPLES / "fleuriste.yaml"), "--consultant", str(tmp_path / "none.yaml")])
    assert missing.exit_code == 2
