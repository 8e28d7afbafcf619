"""The web app through Flask's test client: the questionnaire, its report, the API, the headers."""

from __future__ import annotations

import json
import re
import threading
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from markupsafe import escape

from advise.cli.main import main
from advise.sheet.facts import SHEET_FIELDS
from advise.workbench.questions import QUESTIONS
from advise.web.app import CONTENT_SECURITY_POLICY, create_app

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"

# A form as an owner fills it: the florist of examples/fleuriste.yaml, roughly.
FILLED = {
    "business.name": "Les Fleurs d'Agathe",
    "business.size": "tpe",
    "business.audience": "b2c",
    "business.local": "true",
    "business.visual_products": "true",
    "resources.weekly_hours": "3",
    "resources.monthly_budget": "50",
    "objectives": ["community", "sales"],
    "content.can_reply_within_a_day": "true",
    "profiles.planned": ["facebook", "instagram"],
    "lang": "en",
}


@pytest.fixture(scope="module")
def app():
    application = create_app()
    application.config["TESTING"] = True
    return application


@pytest.fixture()
def client(app):
    return app.test_client()


def cli_report(sheet: Path, *options: str) -> str:
    result = CliRunner().invoke(main, [str(sheet), *options])
    assert result.exit_code == 0, result.output
    return result.output


class Elements(HTMLParser):
    """Every element's tag and attributes, and the text inside each id'd element."""

    def __init__(self, html: str):
        super().__init__()
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, {name: value or "" for name, value in attrs}))

    def by_id(self, element_id: str) -> dict[str, str]:
        found = [attrs for _, attrs in self.elements if attrs.get("id") == element_id]
        assert len(found) == 1, f"{len(found)} elements with id {element_id}"
        return found[0]

    def named(self, name: str) -> list[dict[str, str]]:
        return [attrs for tag, attrs in self.elements if tag == "input" and attrs.get("name") == name]


# ---------------------------------------------------------------- the questionnaire


def test_the_questionnaire_asks_every_field_of_the_sheet_by_its_dotted_path(client) -> None:
    response = client.get("/?lang=en")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    page = Elements(html)
    for name, spec in SHEET_FIELDS.items():
        inputs = page.named(name)
        assert inputs, name
        assert str(escape(QUESTIONS[name]["en"])) in html, name
        if spec.type == "bool":
            assert [i["type"] for i in inputs] == ["checkbox"] and inputs[0]["value"] == "true"
        elif spec.type == "list":
            assert {i["value"] for i in inputs} == set(spec.choices)
            assert all(i["type"] == "checkbox" for i in inputs)
        elif spec.type == "choice":
            assert {i["value"] for i in inputs} == set(spec.choices)
    assert {i["value"] for i in page.named("lang")} == {"en", "fr"}
    assert "<script" not in html.lower()
    # Every text input has its label, and the form works without the browser's own checks.
    for tag, attrs in page.elements:
        if tag == "input" and attrs.get("type") == "text":
            assert f'<label for="{attrs["id"]}">' in html
    assert 'novalidate' in html


def test_the_questionnaire_follows_the_sheet_order_and_says_why_it_asks(client) -> None:
    html = client.get("/?lang=en").get_data(as_text=True)
    positions = [html.index(f'name="{name}"') for name in SHEET_FIELDS]
    assert positions == sorted(positions)
    assert html.count("<summary>Why we ask</summary>") == len(SHEET_FIELDS)
    # The rules that read the weekly hours are named, by their titles, in the field's "why we ask".
    from advise.rulebase.loading import load_rulebook

    rulebook = load_rulebook(ROOT / "rules")
    block = html[html.index('id="q-f-resources-weekly-hours"'):html.index('id="q-f-resources-monthly-budget"')]
    titles = [t for t in re.findall(r"<li>([^<]+)</li>", block) if not re.fullmatch(r"and \d+ more", t)]
    assert titles and all(any(str(escape(rule.title["en"])) == title for rule in rulebook.rules) for title in titles)


def test_the_language_comes_from_the_query_then_the_browser(client) -> None:
    french = client.get("/", headers={"Accept-Language": "fr-FR,fr;q=0.9,en;q=0.5"}).get_data(as_text=True)
    assert '<html lang="fr">' in french and str(escape(QUESTIONS["business.size"]["fr"])) in french
    english = client.get("/?lang=en", headers={"Accept-Language": "fr-FR"}).get_data(as_text=True)
    assert '<html lang="en">' in english
    assert '<html lang="en">' in client.get("/", headers={"Accept-Language": "de"}).get_data(as_text=True)
    # The report language field starts at the page's language.
    page = Elements(french)
    assert [i for i in page.named("lang") if "checked" in i][0]["value"] == "fr"


def test_security_headers_on_every_page(client) -> None:
    for response in (client.get("/"), client.get("/healthz"), client.post("/", data=FILLED),
                     client.post("/api/advise", data="{}", content_type="application/json"),
                     client.get("/missing")):
        headers = response.headers
        assert headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
        assert "default-src 'none'" in headers["Content-Security-Policy"]
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "no-referrer"
        assert headers["Cache-Control"] == "no-store"


def test_healthz(client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200 and response.get_data(as_text=True) == "ok\n"


# ---------------------------------------------------------------- posting the form


def test_a_filled_form_gives_the_html_report_with_a_way_back_and_a_what_if(client) -> None:
    response = client.post("/", data=FILLED)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Advice for Les Fleurs d&#39;Agathe" in html
    assert 'id="verdict"' in html and 'href="#step-' in html
    page = Elements(html)
    # "Change my answers" posts the answers back to the questionnaire, in hidden fields.
    assert page.by_id("change-answers")["type"] == "submit"
    assert ("input", {"type": "hidden", "name": "objectives", "value": "sales"}) in page.elements
    # The what-if block starts from the owner's own hours and budget.
    assert page.by_id("f-what-if-resources-weekly-hours")["value"] == "3"
    assert page.by_id("f-what-if-resources-monthly-budget")["value"] == "50"
    assert html.index('id="verdict"') < html.index('id="what-if-title"')


def test_the_form_report_is_the_html_report_of_the_command_line(client, tmp_path: Path) -> None:
    sheet = tmp_path / "florist.yaml"
    # The sheet the form states: an unticked box is the owner's "no", stated like the others
    # (and no list ticked, the empty list); an unanswered choice is not stated.
    mapping: dict = {"lang": "en"}
    for name, spec in SHEET_FIELDS.items():
        if name not in FILLED and spec.type not in ("bool", "list"):
            continue
        value = FILLED.get(name, [] if spec.type == "list" else None)
        typed = value == "true" if spec.type == "bool" else float(value) if spec.type == "number" else value
        parts = name.split(".")
        if len(parts) == 2:
            mapping.setdefault(parts[0], {})[parts[1]] = typed
        else:
            mapping[name] = typed
    sheet.write_text(yaml.safe_dump(mapping), encoding="utf-8")
    cli = cli_report(sheet, "--format", "html")
    web = client.post("/", data=FILLED).get_data(as_text=True)
    # The same sections, word for word, from the verdict to the glossary; but where the CLI
    # gives the line of each answer in the sheet file, a form has no line to give.
    cli = re.sub(r' <span class="origin">\(line \d+\)</span>', "", cli)
    start, end = cli.index('<section class="summary'), cli.index("<footer>")
    summary_end = cli.index('<section class="details"')
    assert cli[start:summary_end] in web
    assert cli[cli.index('<nav class="contents"'):end] in web


def test_a_bad_answer_shows_the_form_again_with_every_problem_beside_its_field(client) -> None:
    data = {**FILLED, "resources.weekly_hours": "trois", "business.size": "", "profiles.planned": ["facebok"],
            "lang": "fr"}
    response = client.post("/", data=data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Traceback" not in html
    page = Elements(html)
    hours = page.by_id("f-resources-weekly-hours")
    assert hours["value"] == "trois" and hours["aria-invalid"] == "true"
    assert "f-resources-weekly-hours-error" in hours["aria-describedby"].split()
    assert "« trois » n&#39;est pas un nombre" in html
    size = page.by_id("f-business-size")  # a fieldset of radio buttons
    assert "f-business-size-error" in size["aria-describedby"].split()
    assert "Merci de répondre à cette question." in html
    planned = page.by_id("f-profiles-planned")
    assert "f-profiles-planned-error" in planned["aria-describedby"].split()
    assert "vouliez-vous dire « facebook »" in html
    # The summary lists all three, each linked to its field; the answers given are kept.
    assert html.count('<a href="#f-') == 3
    assert 'href="#f-resources-weekly-hours"' in html
    assert page.by_id("f-business-name")["value"] == "Les Fleurs d'Agathe"
    assert "checked" in page.by_id("f-objectives-community")


def test_a_sector_the_rule_base_does_not_know_is_shown_beside_its_field(client) -> None:
    page = Elements(client.get("/?lang=en").get_data(as_text=True))
    assert {i["value"] for i in page.named("business.sector")} == set(SHEET_FIELDS["business.sector"].choices)
    response = client.post("/", data={**FILLED, "business.sector": "hotels"})
    assert response.status_code == 422
    page = Elements(response.get_data(as_text=True))
    assert "f-business-sector-error" in page.by_id("f-business-sector")["aria-describedby"].split()
    assert "hospitality" in response.get_data(as_text=True)  # did you mean


def test_an_unknown_form_field_is_named_with_the_closest_one(client) -> None:
    response = client.post("/", data={**FILLED, "resources.weekly_hour": "3"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "resources.weekly_hour" in html and "resources.weekly_hours" in html


def test_change_my_answers_gives_the_form_filled(client) -> None:
    response = client.post("/edit", data=FILLED)
    assert response.status_code == 200
    page = Elements(response.get_data(as_text=True))
    assert page.by_id("f-resources-weekly-hours")["value"] == "3"
    assert "checked" in page.by_id("f-business-local")
    assert "checked" not in page.by_id("f-business-ecommerce")
    assert "checked" in page.by_id("f-profiles-planned-instagram")


def test_what_if_shows_the_new_verdict_and_what_changed(client) -> None:
    before = client.post("/", data=FILLED).get_data(as_text=True)
    after = client.post("/", data={**FILLED, "what_if.resources.weekly_hours": "10"}).get_data(as_text=True)
    assert 'class="changes"' not in before
    assert 'class="changes"' in after and 'id="what-if"' in after
    # The report speaks of the questionnaire, not of the command line.
    assert "--set" not in after and "changed in “What if?”" in after
    assert "from the answers to the questionnaire" in after and "fact sheet -" not in after
    assert Elements(after).by_id("f-what-if-resources-weekly-hours")["value"] == "10"
    assert 'id="what-if-back"' in after
    # The answers carried in the page stay the owner's own.
    assert ("input", {"type": "hidden", "name": "resources.weekly_hours", "value": "3"}) in Elements(after).elements


def test_a_bad_what_if_value_is_shown_beside_its_field(client) -> None:
    response = client.post("/", data={**FILLED, "what_if.resources.monthly_budget": "beaucoup"})
    assert response.status_code == 422
    page = Elements(response.get_data(as_text=True))
    assert page.by_id("f-what-if-resources-monthly-budget")["aria-describedby"] == \
        "f-what-if-resources-monthly-budget-error"


# ---------------------------------------------------------------- the API


@pytest.mark.parametrize("example", sorted(path.name for path in EXAMPLES.glob("*.yaml")))
def test_the_api_gives_the_bytes_of_the_command_line(client, example: str) -> None:
    sheet = EXAMPLES / example
    response = client.post("/api/advise", data=sheet.read_bytes(), content_type="application/yaml")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.get_data(as_text=True) == cli_report(sheet, "--format", "json")


def test_the_api_takes_json_and_the_format_lang_and_hints_options(client) -> None:
    sheet = EXAMPLES / "fleuriste.yaml"
    as_json = json.dumps(yaml.safe_load(sheet.read_text(encoding="utf-8")))
    response = client.post("/api/advise?lang=fr&hints=false", data=as_json, content_type="application/json")
    assert response.get_data(as_text=True) == cli_report(sheet, "--format", "json", "--lang", "fr", "--no-hints")
    for fmt, mimetype in (("html", "text/html"), ("markdown", "text/markdown"), ("text", "text/plain")):
        response = client.post(f"/api/advise?format={fmt}", data=sheet.read_bytes(), content_type="application/yaml")
        assert response.status_code == 200 and response.mimetype == mimetype
        cli = cli_report(sheet, "--format", fmt)
        # The same report but its last paragraph, where the CLI names the sheet's file.
        web = response.get_data(as_text=True)
        end = "<footer>" if fmt == "html" else "\n\n"
        assert web[:web.rstrip().rindex(end)] == cli[:cli.rstrip().rindex(end)], fmt


def test_the_api_reports_every_problem_with_its_field_and_line(client) -> None:
    body = "version: 1\nbusiness:\n  name: Test\n  size: tpee\n  audience: b2c\nresources:\n  weekly_hours: -2\n" \
           "  monthly_budget: 10\nobjectives: [visibilty]\n"
    response = client.post("/api/advise", data=body, content_type="application/yaml")
    assert response.status_code == 422
    problems = response.get_json()["problems"]
    by_field = {problem["field"]: problem for problem in problems}
    assert set(by_field) == {"business.size", "resources.weekly_hours", "objectives"}
    assert by_field["business.size"]["line"] == 4 and "tpe" in by_field["business.size"]["hint"]
    assert by_field["resources.weekly_hours"]["line"] == 7
    assert all(problem["message"] for problem in problems)
    french = client.post("/api/advise?lang=fr", data=body, content_type="application/yaml").get_json()
    assert "ne fait pas partie de" in json.dumps(french, ensure_ascii=False)


def test_the_api_refuses_bad_bodies_and_options_clearly(client) -> None:
    broken = client.post("/api/advise", data="business: [\n", content_type="application/yaml")
    assert broken.status_code == 422 and broken.get_json()["problems"][0]["line"]
    bad_json = client.post("/api/advise", data='{"business": ', content_type="application/json")
    assert bad_json.status_code == 422 and "JSON" in bad_json.get_json()["problems"][0]["message"]
    not_utf8 = client.post("/api/advise", data=b"business:\n  name: \xff\n", content_type="application/yaml")
    assert not_utf8.status_code == 422
    other = client.post("/api/advise", data="name=x", content_type="text/plain")
    assert other.status_code == 415
    fmt = client.post("/api/advise?format=pdf", data="{}", content_type="application/json")
    assert fmt.status_code == 422 and fmt.get_json()["problems"][0]["field"] == "format"
    lang = client.post("/api/advise?lang=de", data="{}", content_type="application/json")
    assert lang.status_code == 422 and lang.get_json()["problems"][0]["field"] == "lang"
    assert client.get("/api/advise").status_code == 405


def test_a_body_over_one_mebibyte_is_refused_with_413(client) -> None:
    body = "# " + "x" * (1024 * 1024) + "\n"
    response = client.post("/api/advise", data=body, content_type="application/yaml")
    assert response.status_code == 413
    assert response.get_json()["problems"][0]["code"] == "http-413"
    form = client.post("/", data={**FILLED, "business.name": "x" * (1024 * 1024 + 10)})
    assert form.status_code == 413 and "<script" not in form.get_data(as_text=True)


# ---------------------------------------------------------------- one advisor per thread


def test_each_thread_gets_its_own_advisor(app) -> None:
    service = app.extensions["advise"]
    seen: list[object] = []
    lock = threading.Lock()

    def work() -> None:
        first = service.advisor()
        assert service.advisor() is first  # kept for the thread's next request
        with lock:
            seen.append(first)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({id(advisor) for advisor in seen}) == 4
    assert len({id(advisor.engine) for advisor in seen}) == 4


def test_the_pages_carry_no_external_reference(client) -> None:
    for html in (client.get("/").get_data(as_text=True), client.post("/", data=FILLED).get_data(as_text=True)):
        assert not re.search(r"""(src|href|action)=["']?(https?:)?//""", html)


def test_the_questionnaire_words_exist_in_both_languages() -> None:
    from advise.web.words import WORDS

    assert set(WORDS["en"]) == set(WORDS["fr"])
    assert all(text.strip() for texts in WORDS.values() for text in texts.values())


def test_a_sector_the_rule_base_adds_is_offered_and_accepted(tmp_path: Path) -> None:
    import shutil

    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules)
    vocabulary = rules / "vocabulary.yaml"
    text = vocabulary.read_text(encoding="utf-8")
    text = text.replace("sectors:", 'sectors:\n  transport: {en: "transport and removals", fr: "transport et déménagement"}',
                        1)
    vocabulary.write_text(text, encoding="utf-8")
    client = create_app(rules).test_client()
    page = client.get("/?lang=fr").get_data(as_text=True)
    assert 'value="transport"' in page and "Transport et déménagement" in page
    response = client.post("/", data={**FILLED, "business.sector": "transport"})
    assert response.status_code == 200


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_every_field_is_labelled_and_every_id_unique(client, lang: str) -> None:
    for html in (client.get(f"/?lang={lang}").get_data(as_text=True),
                 client.post("/", data={**FILLED, "lang": lang, "resources.weekly_hours": "x"}).get_data(as_text=True)):
        page = Elements(html)
        ids = [attrs["id"] for _, attrs in page.elements if "id" in attrs]
        assert len(ids) == len(set(ids))
        labelled = {attrs["for"] for tag, attrs in page.elements if tag == "label"}
        for tag, attrs in page.elements:
            if tag == "input" and attrs.get("type") != "hidden":
                assert attrs["id"] in labelled, attrs
            for reference in attrs.get("aria-describedby", "").split():
                assert reference in ids, reference
