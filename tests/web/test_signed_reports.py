"""`advise serve --consultant`: the web's reports are signed as the command line's.

The API gives the CLI's very bytes, in every format, with a profile and without one; the
questionnaire's report carries the same signature. (The profile reaching every worker
process, and a bad one stopping the start, are in test_server.py.)
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from advise.cli.main import main
from advise.sheet.consultant import load_consultant
from advise.web.app import create_app

ROOT = Path(__file__).resolve().parents[2]
PROFILE = ROOT / "tests" / "data" / "consultant" / "consultant.yaml"
SHEETS = [ROOT / "examples" / "fleuriste.yaml", ROOT / "examples" / "agence-b2b.yaml"]
FORMATS = {"json": "application/json", "html": "text/html", "markdown": "text/markdown", "text": "text/plain"}


@pytest.fixture(autouse=True)
def same_day(monkeypatch: pytest.MonkeyPatch) -> None:
    """One date for the CLI and the app (a test run may straddle midnight); no profile but the test's."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795000000")
    monkeypatch.delenv("ADVISE_CONSULTANT", raising=False)


@pytest.fixture(scope="module")
def clients() -> dict[bool, object]:
    """The app without a profile and with the tests' profile."""
    return {False: create_app().test_client(), True: create_app(consultant=load_consultant(PROFILE)).test_client()}


def cli(sheet: Path, *options: str) -> str:
    result = CliRunner().invoke(main, [str(sheet), *options])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize("signed", [False, True], ids=["unsigned", "signed"])
@pytest.mark.parametrize("fmt", list(FORMATS))
@pytest.mark.parametrize("sheet", SHEETS, ids=lambda path: path.stem)
def test_the_api_gives_the_bytes_of_the_command_line_in_every_format(clients, sheet: Path, fmt: str,
                                                                       signed: bool) -> None:
    profile = ["--consultant", str(PROFILE)] if signed else []
    for lang in (None, "en", "fr"):
        query = f"?format={fmt}" + (f"&lang={lang}" if lang else "")
        response = clients[signed].post(f"/api/advise{query}", data=sheet.read_bytes(),
                                        content_type="application/yaml",
                                        headers={"Content-Disposition": f'attachment; filename="{sheet.name}"'})
        assert response.status_code == 200 and response.mimetype == FORMATS[fmt]
        expected = cli(sheet, "--format", fmt, *profile, *(["--lang", lang] if lang else []))
        assert response.get_data(as_text=True) == expected, (fmt, lang)
    if signed and fmt != "json":
        shown = response.get_data(as_text=True)
        assert "Claire Martin" in shown and "claire@martin-conseil.fr" in shown
        assert "premières semaines" in shown  # the closing paragraph, in the report's language
        assert ("data:image/svg+xml;base64," in shown) == (fmt == "html")  # the logo, embedded


def test_without_a_file_name_the_report_names_none(clients) -> None:
    sheet = SHEETS[0]
    web = clients[True].post("/api/advise?format=text", data=sheet.read_bytes(),
                             content_type="application/yaml").get_data(as_text=True)
    expected = cli(sheet, "--format", "text", "--consultant", str(PROFILE))
    assert sheet.name in expected and sheet.name not in web
    head = expected[:expected.index("Claire Martin")]
    assert web.startswith(head)  # the same report, signature and all, up to the line that names the file
    lang = "fr" if "fiche" in web else "en"
    closing = {"en": "from a fact sheet on ", "fr": "à partir d'une fiche le "}[lang]
    assert closing in " ".join(web.split())  # not "from the fact sheet - on ..."
    assert " - " not in web[web.index("advise", len(head)):]


@pytest.mark.parametrize("name", ["a\x1b[31mb.yaml", "x" * 101 + ".yaml"])
def test_a_bad_file_name_is_refused_clearly(clients, name: str) -> None:
    response = clients[False].post("/api/advise", data=SHEETS[0].read_bytes(), content_type="application/yaml",
                                   headers={"Content-Disposition": f'attachment; filename="{name}"'})
    assert response.status_code == 422
    problem = response.get_json()["problems"][0]
    assert problem["field"] == "Content-Disposition" and "\x1b" not in problem["message"]


def test_a_folder_in_the_file_name_is_never_shown(clients) -> None:
    response = clients[False].post("/api/advise?format=text", data=SHEETS[0].read_bytes(),
                                   content_type="application/yaml",
                                   headers={"Content-Disposition": 'attachment; filename="/home/claire/fleuriste.yaml"'})
    text = response.get_data(as_text=True)
    assert "fleuriste.yaml" in text and "/home/claire" not in text


def test_the_questionnaire_report_is_signed_as_the_command_line_signs(clients) -> None:
    form = {"business.name": "Les Fleurs d'Agathe", "business.size": "tpe", "business.audience": "b2c",
            "business.local": "true", "resources.weekly_hours": "3", "resources.monthly_budget": "50",
            "objectives": ["community", "sales"], "profiles.planned": ["facebook", "instagram"], "lang": "fr"}
    signed = clients[True].post("/", data=form).get_data(as_text=True)
    unsigned = clients[False].post("/", data=form).get_data(as_text=True)
    expected = cli(SHEETS[0], "--format", "html", "--consultant", str(PROFILE), "--lang", "fr")
    signature = expected[expected.index('<section class="signature"'):]
    signature = signature[:signature.index("</section>")]
    logo = expected[expected.index('<img class="logo"'):]
    logo = logo[:logo.index(">") + 1]
    byline = expected[expected.index('<p class="byline">'):]
    byline = byline[:byline.index("</p>")]
    for piece in (signature, logo, byline):
        assert piece in signed and piece not in unsigned
