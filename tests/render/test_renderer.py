"""Rendering: golden files, escaping, the HTML page's structure, determinism, translations.

Golden files (tests/golden/) hold what `advise` prints for the example sheets in every
format and language, and a few how / why-not / what-if answers. They depend on the rule
texts: after a change to rules/ or explanations/, read the diff of a failing test, then
regenerate them all with

    UPDATE_GOLDEN=1 pytest tests/render/test_renderer.py

and review `git diff tests/golden` before committing.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import struct
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from advise.advisor import Advisor
from advise.cli.main import main
from advise.errors import RuleBookError
from advise.explain.report import build_report
from advise.sheet.facts import fact_sheet_from_mapping
from advise.render.renderer import Renderer, as_markdown, escape_markdown
from advise.explain.wording import format_number

from conftest import EXAMPLES, ROOT

GOLDEN = Path(__file__).resolve().parents[1] / "golden"
TEMPLATES = ROOT / "explanations"
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"  # UPDATE_GOLDEN=0 (or =no) compares, as unset does
FORMATS = {"text": "txt", "markdown": "md", "html": "html", "json": "json"}
STEMS = ("fleuriste", "agence-b2b")  # every format in both languages
# Every other example sheet in one format and language, in turn: a change to any rule a
# sheet exercises shows in a golden diff, without a matrix of 4 x 2 files per sheet.
OTHER_EXAMPLES = sorted(path.stem for path in EXAMPLES.glob("*.yaml") if path.stem not in STEMS)
ROTATION = [(lang, fmt) for fmt in FORMATS for lang in ("fr", "en")]


def golden_cases() -> list[tuple[str, list[str]]]:
    cases = []
    for stem in STEMS:
        for lang in ("en", "fr"):
            for fmt, ext in FORMATS.items():
                cases.append((f"{stem}.{lang}.{ext}", [f"examples/{stem}.yaml", "--lang", lang, "--format", fmt]))
    for index, stem in enumerate(OTHER_EXAMPLES):
        lang, fmt = ROTATION[index % len(ROTATION)]
        cases.append((f"{stem}.{lang}.{FORMATS[fmt]}", [f"examples/{stem}.yaml", "--lang", lang, "--format", fmt]))
    signed = ["--consultant", str(CONSULTANT), "--for", "consultant"]
    cases += [
        ("fleuriste.fr.consultant.txt", ["examples/fleuriste.yaml", "--lang", "fr", *signed]),
        ("fleuriste.fr.consultant.html", ["examples/fleuriste.yaml", "--lang", "fr", "--format", "html", *signed]),
        ("agence-b2b.en.consultant.md", ["examples/agence-b2b.yaml", "--lang", "en", "--format", "markdown", *signed]),
        ("fleuriste.en.all.txt", ["examples/fleuriste.yaml", "--lang", "en", "--all"]),
        ("fleuriste.fr.all.md", ["examples/fleuriste.yaml", "--lang", "fr", "--all", "--format", "markdown"]),
        ("fleuriste.en.set.txt", ["examples/fleuriste.yaml", "--lang", "en", "--set", "resources.weekly_hours=6",
                                  "--set", "objectives=[visibility,community]"]),
        ("fleuriste.fr.set.json", ["examples/fleuriste.yaml", "--lang", "fr", "--format", "json",
                                   "--set", "resources.monthly_budget=120"]),
        ("fleuriste.en.how-time_shortfall.txt", ["examples/fleuriste.yaml", "--lang", "en", "--how", "time_shortfall"]),
        ("agence-b2b.fr.how-verdict.md", ["examples/agence-b2b.yaml", "--lang", "fr", "--how", "verdict",
                                          "--format", "markdown"]),
        ("fleuriste.en.why-not-launch.txt", ["examples/fleuriste.yaml", "--lang", "en", "--why-not", "launch"]),
        ("agence-b2b.fr.why-not-community_needs_time.html", ["examples/agence-b2b.yaml", "--lang", "fr", "--why-not",
                                                             "community_needs_time", "--format", "html"]),
        ("agence-b2b.en.why-not-visibility_only.json", ["examples/agence-b2b.yaml", "--lang", "en", "--why-not",
                                                        "visibility_only", "--format", "json"]),
    ]
    return cases


CONSULTANT = ROOT / "tests" / "data" / "consultant" / "consultant.yaml"
FIXED_DATE = "1795647600"  # 2026-11-25: goldens carry a date, always the same one


def cli(args: list[str], monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", FIXED_DATE)
    monkeypatch.delenv("ADVISE_CONSULTANT", raising=False)
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize("name, args", golden_cases(), ids=[case[0] for case in golden_cases()])
def test_golden(name: str, args: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    output = cli(args, monkeypatch)
    path = GOLDEN / name
    if UPDATE:
        GOLDEN.mkdir(exist_ok=True)
        path.write_text(output, encoding="utf-8", newline="\n")
        return
    if not path.exists():
        pytest.fail(f"no golden file {path.name}: run UPDATE_GOLDEN=1 pytest tests/render/test_renderer.py")
    expected = path.read_text(encoding="utf-8")
    assert output == expected, f"{name} changed; if intended: UPDATE_GOLDEN=1 pytest tests/render/test_renderer.py"


def test_every_example_sheet_has_a_golden_report() -> None:
    covered = {args[0] for _, args in golden_cases()}
    assert covered >= {f"examples/{path.name}" for path in EXAMPLES.glob("*.yaml")}


def test_no_stale_golden_files() -> None:
    names = {case[0] for case in golden_cases()}
    stale = sorted(p.name for p in GOLDEN.glob("*") if p.is_file() and p.name not in names | {"README.md"})
    assert not stale, f"golden files no test reads: {stale}"


# ---------------------------------------------------------------- escaping

HOSTILE = "<script>alert(1)</script> *bold* [x](y) & `code` # _u_"


@pytest.fixture
def hostile_sheet(tmp_path: Path) -> Path:
    text = (EXAMPLES / "fleuriste.yaml").read_text(encoding="utf-8")
    text = text.replace("name: Les Fleurs d'Agathe", "name: " + json.dumps(HOSTILE))
    path = tmp_path / "hostile.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_html_escapes_every_sheet_value(hostile_sheet: Path) -> None:
    for extra in ([], ["--how", "verdict"], ["--why-not", "launch"], ["--all"]):
        result = CliRunner().invoke(main, [str(hostile_sheet), "--format", "html", *extra])
        assert result.exit_code == 0, result.output
        assert "<script" not in result.output.lower()
        if not extra or extra == ["--all"]:
            assert "&lt;script&gt;alert(1)&lt;/script&gt;" in result.output


HOSTILE_TITLE = "<b>Bold</b> & <i>co</i>"


@pytest.fixture
def hostile_rules(tmp_path: Path) -> Path:
    """The shipped rule base with markup in every rule title, as a careless rule file might have."""
    folder = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", folder)
    for path in folder.glob("*.yaml"):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if not (isinstance(data, dict) and isinstance(data.get("rules"), list)):
            continue
        for entry in data["rules"]:
            entry["title"] = {lang: HOSTILE_TITLE + " " + text for lang, text in entry["title"].items()}
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10_000), encoding="utf-8")
    return folder


@pytest.mark.parametrize("extra", [["--how", "verdict"], ["--why-not", "launch"], ["--why-not", "community_needs_time"],
                                   ["--all"]], ids=["how", "why-not-fired", "why-not-blocked", "all"])
def test_html_pages_show_rule_texts_escaped(hostile_rules: Path, extra: list[str],
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """Texts from the rule base reach the page through t() and autoescape: they are shown as
    text (escaped), never as markup, on the report and the how and why-not pages."""
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(main, ["examples/agence-b2b.yaml", "--rules", str(hostile_rules), "--format", "html",
                                       "--lang", "en", *extra])
    assert result.exit_code == 0, result.output
    assert "&lt;b&gt;Bold&lt;/b&gt; &amp; &lt;i&gt;co&lt;/i&gt;" in result.output
    assert "<b>Bold" not in result.output and "<i>co" not in result.output


def test_markdown_escapes_every_sheet_value(hostile_sheet: Path) -> None:
    result = CliRunner().invoke(main, [str(hostile_sheet), "--format", "markdown"])
    assert result.exit_code == 0, result.output
    assert "# Conseil pour \\<script\\>alert(1)\\</script\\> \\*bold\\* \\[x\\](y) \\& \\`code\\` \\# \\_u\\_" \
        in result.output
    assert "*bold*" not in result.output.replace("\\*bold\\*", "")
    assert "[x](y)" not in result.output.replace("\\[x\\](y)", "")


def test_escape_markdown() -> None:
    assert escape_markdown("*a* [b](c) <d> `e` _f_ #g |h| ~i~ &j !k") == \
        "\\*a\\* \\[b\\](c) \\<d\\> \\`e\\` \\_f\\_ \\#g \\|h\\| \\~i\\~ \\&j \\!k"
    assert escape_markdown("two\nlines") == "two lines"
    assert escape_markdown("Les Fleurs d'Agathe, 3.5 h (+1) - ok.") == "Les Fleurs d'Agathe, 3.5 h (+1) - ok."


# ---------------------------------------------------------------- the HTML page


class Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.stack: list[str] = []
        self.text: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag not in ("meta", "br", "rect", "line", "hr", "img", "input", "link"):
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        if self.stack and self.stack[-1] == tag:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        if self.stack:
            self.text[self.stack[-1]] = self.text.get(self.stack[-1], "") + data

    def all(self, tag: str) -> list[dict[str, str | None]]:
        return [attrs for name, attrs in self.tags if name == tag]


@pytest.mark.parametrize("stem", STEMS)
def test_html_structure(stem: str, monkeypatch: pytest.MonkeyPatch) -> None:
    output = cli([f"examples/{stem}.yaml", "--format", "html", "--all"], monkeypatch)
    assert output.startswith("<!DOCTYPE html>")
    page = Page()
    page.feed(output)
    page.close()
    assert page.all("html")[0]["lang"] in ("en", "fr")
    assert page.text["title"].strip().startswith(("Advice for", "Conseil pour"))
    assert len(page.all("h1")) == 1
    ids = {attrs["id"] for _, attrs in page.tags if attrs.get("id")}
    assert {"verdict", "profiles", "warnings", "recommendations", "reasoning", "not-applied"} <= ids
    assert any(i.startswith("step-") for i in ids)
    links = [attrs["href"] for attrs in page.all("a")]
    assert all(link.startswith("#") for link in links), "no link leaves the page"
    assert {link[1:] for link in links} <= ids, "every link has its target"
    assert not page.all("script") and "<script" not in output.lower()
    for tag, attrs in page.tags:  # nothing is fetched: no src, no external href, no @import or url()
        assert "src" not in attrs, tag
    assert "@import" not in output and "url(" not in output
    assert page.all("style"), "inline CSS"
    csp = [attrs for attrs in page.all("meta") if attrs.get("http-equiv") == "Content-Security-Policy"]
    assert csp and "default-src 'none'" in (csp[0]["content"] or "")
    svg = page.all("svg")
    if (ROOT / "examples" / f"{stem}.yaml").exists() and "chart-title" in output:
        assert svg and svg[0]["role"] == "img"
        assert page.all("rect") and "chart-desc" in output
        assert page.all("table"), "the picture has a text alternative"
    if stem == "fleuriste":
        assert svg, "the florist plans profiles: the time picture is there"


def test_html_picture_bars_follow_the_hours(monkeypatch: pytest.MonkeyPatch) -> None:
    advisor = Advisor()
    from advise.render.chart import time_chart
    from advise.sheet.facts import load_fact_sheet

    report = build_report(advisor.run(load_fact_sheet(EXAMPLES / "fleuriste.yaml")), "en")
    chart = time_chart(report.time)
    assert chart.available_width < chart.needed_width
    widths = [segment.width for segment in chart.segments]
    hours = [row.hours for row in report.time.rows]
    assert [round(w / widths[0], 3) for w in widths] == [round(h / hours[0], 3) for h in hours]
    assert chart.segments[0].x == chart.left
    for left, right in zip(chart.segments, chart.segments[1:]):
        assert right.x == pytest.approx(left.x + left.width, abs=0.02)


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "a PNG file"
    return struct.unpack(">II", data[16:24])


def skip_unless_ci(reason: str) -> None:
    """A missing browser skips the test on a workstation (the README says it is optional
    there) but fails it on CI, where .ci/run installs it (CI=true): never a silent pass."""
    if os.environ.get("CI", "").lower() not in ("", "0", "false", "no"):
        pytest.fail(f"{reason}; on CI the browser is required (.ci/run installs chromium)", pytrace=False)
    pytest.skip(reason)


def test_html_renders_in_a_headless_browser(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    browser = next((path for path in ("/usr/bin/chromium", "/usr/bin/chromium-browser", shutil.which("chromium"),
                                      shutil.which("chromium-browser")) if path and Path(path).exists()), None)
    if browser is None:
        skip_unless_ci("Chromium is not installed (looked for /usr/bin/chromium and chromium on PATH)")
    page = tmp_path / "report.html"
    page.write_text(cli(["examples/fleuriste.yaml", "--format", "html"], monkeypatch), encoding="utf-8")
    shot = tmp_path / "report.png"
    command = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run",
               f"--user-data-dir={tmp_path / 'profile'}", f"--screenshot={shot}", "--window-size=1200,2000",
               page.as_uri()]
    try:
        subprocess.run(command, capture_output=True, timeout=120, check=False)
    except subprocess.TimeoutExpired:
        skip_unless_ci("Chromium did not finish within 120 s on this machine")
    if not shot.exists():
        skip_unless_ci("Chromium ran but wrote no screenshot (a sandbox or display restriction of this machine)")
    data = shot.read_bytes()
    assert _png_size(data) == (1200, 2000)
    assert len(data) > 20_000, "a blank page compresses to a few kilobytes; the report does not"


# ---------------------------------------------------------------- determinism


def _reordered(value: object) -> object:
    if isinstance(value, dict):
        return {key: _reordered(value[key]) for key in reversed(list(value))}
    return value


@pytest.mark.parametrize("stem", STEMS)
def test_same_sheet_same_bytes_whatever_the_key_order(stem: str) -> None:
    import yaml

    data = yaml.safe_load((EXAMPLES / f"{stem}.yaml").read_text(encoding="utf-8"))
    advisor = Advisor()
    renderer = Renderer(TEMPLATES)
    from advise.explain.counterfactual import find_hints

    outputs = []
    for mapping in (data, data, _reordered(data)):
        result = advisor.run(fact_sheet_from_mapping(mapping, filename="sheet.yaml"))
        report = build_report(result, "fr", hints=find_hints(advisor, result))
        outputs.append([renderer.render(report, fmt) for fmt in FORMATS])
    assert outputs[0] == outputs[1] == outputs[2]


def test_a_file_with_keys_in_another_order_gives_the_same_json(tmp_path: Path) -> None:
    import yaml

    data = yaml.safe_load((EXAMPLES / "fleuriste.yaml").read_text(encoding="utf-8"))
    (tmp_path / "a.yaml").write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    (tmp_path / "b.yaml").write_text(yaml.safe_dump(_reordered(data), sort_keys=False, allow_unicode=True),
                                     encoding="utf-8")
    runner = CliRunner()
    first = runner.invoke(main, [str(tmp_path / "a.yaml"), "--format", "json"]).output
    second = runner.invoke(main, [str(tmp_path / "b.yaml"), "--format", "json"]).output
    assert json.loads(first)["verdict"] and first == second


# ---------------------------------------------------------------- words and languages


def test_every_language_has_the_same_template_words() -> None:
    renderer = Renderer(TEMPLATES)
    assert renderer.messages and all(set(texts) >= {"en", "fr"} for texts in renderer.messages.values())
    used = set()
    for template in TEMPLATES.glob("*.j2"):
        used |= set(re.findall(r"""\bt\(\s*["']([a-z_]+)["']""", template.read_text(encoding="utf-8")))
    # keys built from parts: t("hint_" ~ kind ~ "_" ~ target), t("status_" ~ ...), t("whatif_" ~ ...)
    used = {key for key in used if not key.endswith("_")}
    used |= {f"hint_{kind}_{target}" for kind in ("more", "less", "flip")
             for target in ("verdict", "warning", "platforms")}
    used |= {f"status_{status}" for status in ("fired", "overruled", "failed", "blocked", "held")}
    used |= {f"whatif_{key}" for key in ("verdict", "platforms", "max_profiles", "weekly_hours_available",
                                         "weekly_hours_needed", "warnings_added", "warnings_removed",
                                         "recommendations_added", "recommendations_removed")}
    missing = used - set(renderer.messages)
    assert not missing, f"templates ask for words messages.yaml lacks: {sorted(missing)}"


def _copy_templates(tmp_path: Path) -> Path:
    folder = tmp_path / "explanations"
    shutil.copytree(TEMPLATES, folder)
    return folder


def test_a_missing_translation_is_an_error(tmp_path: Path) -> None:
    folder = _copy_templates(tmp_path)
    messages = folder / "messages.yaml"
    messages.write_text(messages.read_text(encoding="utf-8").replace(
        'verdict: {en: "Verdict", fr: "Verdict"}', 'verdict: {en: "Verdict"}'), encoding="utf-8")
    with pytest.raises(RuleBookError) as raised:
        Renderer(folder)
    problem = raised.value.problems[0]
    assert problem.code == "missing-translation" and problem.field == "verdict" and problem.line


def test_the_glossary_is_checked_and_shown_only_when_used(tmp_path: Path) -> None:
    folder = _copy_templates(tmp_path)
    glossary = folder / "glossary.yaml"
    glossary.write_text("reach:\n  term: {en: reach, fr: portée}\n  meaning: {en: Who sees a post.}\n"
                        "odd:\n  term: {en: x, fr: x}\n  meaning: {en: y, fr: y}\n  colour: red\n", encoding="utf-8")
    with pytest.raises(RuleBookError) as raised:
        Renderer(folder)
    codes = sorted(problem.code for problem in raised.value.problems)
    assert codes == ["missing-translation", "unknown-key"]
    renderer = Renderer(TEMPLATES)
    vocabulary = Advisor().rulebook.vocabulary
    shown = renderer.glossary_for(["The organic reach of a post is small."], vocabulary, "en")
    assert [entry["id"] for entry in shown] == ["reach"]
    assert renderer.glossary_for(["Rien à voir."], vocabulary, "fr") == []
    assert [e["term"] for e in renderer.glossary_for(["la portée organique"], vocabulary, "fr")] == ["portée"]


def test_a_template_typo_is_an_error_naming_the_template(tmp_path: Path) -> None:
    folder = _copy_templates(tmp_path)
    template = folder / "report.txt.j2"
    template.write_text(template.read_text(encoding="utf-8").replace("report.verdict_title", "report.verdikt_title",
                                                                      1), encoding="utf-8")
    result = CliRunner().invoke(main, [str(EXAMPLES / "fleuriste.yaml"), "--templates", str(folder)])
    assert result.exit_code == 2
    assert "report.txt.j2" in result.output and "verdikt_title" in result.output


def test_numbers_follow_the_reader_convention() -> None:
    assert format_number(2.5, "fr") == "2,5" and format_number(2.5, "en") == "2.5"
    assert format_number(1500, "fr") == "1\u202f500" and format_number(1500, "en") == "1,500"
    from advise.explain.words import Words
    from advise.sheet.facts import load_fact_sheet

    result = Advisor().run(load_fact_sheet(EXAMPLES / "fleuriste.yaml"))
    assert Words(result, "fr").show("weekly_hours_available", 2.5) == "2,5\u00a0h/semaine"
    assert Words(result, "en").show("weekly_hours_available", 2.5) == "2.5\u00a0h/week"


def test_colours_only_when_asked_or_on_a_terminal() -> None:
    sheet = str(EXAMPLES / "fleuriste.yaml")
    plain = CliRunner().invoke(main, [sheet, "--no-hints"])
    assert plain.exit_code == 0 and "\x1b[" not in plain.output  # CliRunner is not a terminal
    coloured = CliRunner().invoke(main, [sheet, "--no-hints", "--color"])
    assert "\x1b[" in coloured.output
    markdown = CliRunner().invoke(main, [sheet, "--no-hints", "--color", "--format", "markdown"])
    assert "\x1b[" not in markdown.output


def test_french_messages_of_errors_are_french(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("business: {name: X, size: tpe, audience: b2c, local: 3}\n"
                   "resources: {weekly_hours: beaucoup, monthly_budget: 10}\nobjectives: visibility\n",
                   encoding="utf-8")
    result = CliRunner().invoke(main, [str(bad), "--lang", "fr"])
    assert result.exit_code == 2
    assert "attendu : un nombre, trouvé : le texte « beaucoup »" in result.output
    assert "attendu : true ou false, trouvé : le nombre 3" in result.output
    for english in ("expected", "found", "text '", "number 3", "a list"):
        assert english not in result.output, english
    english = CliRunner().invoke(main, [str(bad), "--lang", "en"])
    assert "expected a number, found text 'beaucoup'" in english.output


# ---------------------------------------------------------------- t(): the report's words


def test_t_escapes_its_values_for_the_format_of_the_report() -> None:
    """A value put into a message shows as text: escaped for Markdown and HTML (the message
    too, in HTML), as it is in the plain-text report."""
    renderer = Renderer(TEMPLATES)
    value = "<b>*Agathe*</b> & [x](y)"
    markdown = renderer.words("markdown", "en")("given_by", name=value, date="1 May")
    assert markdown == "Advice given by \\<b\\>\\*Agathe\\*\\</b\\> \\& \\[x\\](y) on 1 May."
    html = renderer.words("html", "en")("given_by", name=value, date="1 May")
    assert html == "Advice given by &lt;b&gt;*Agathe*&lt;/b&gt; &amp; [x](y) on 1 May."
    assert renderer.words("html", "fr")("warnings_below", count=2) == \
        "2 points d&#39;attention, expliqués plus bas."
    assert renderer.words("text", "en")("given_by", name=value, date="1 May") == \
        "Advice given by <b>*Agathe*</b> & [x](y) on 1 May."


def test_t_keeps_links_a_template_built_as_markdown() -> None:
    renderer = Renderer(TEMPLATES)
    link = as_markdown("[3](#step-3)")
    assert renderer.words("markdown", "en")("see_step", n=link) == "see step [3](#step-3)"
    assert renderer.words("markdown", "en")("see_step", n="[3](#step-3)") == "see step \\[3\\](\\#step-3)"


def test_t_agrees_with_the_count_and_keeps_french_typography() -> None:
    words = Renderer(TEMPLATES).words
    assert words("text", "en")("warnings_below", count=1) == "1 warning, explained below."
    assert words("text", "en")("warnings_below", count=2) == "2 warnings, explained below."
    assert words("text", "fr")("warnings_below", count=0) == "0 point d'attention, expliqué plus bas."
    # CLDR gives French a 'many' form (a million) that messages leave out: the 'other' form
    assert words("text", "fr")("warnings_below", count=1_000_000) == \
        "1000000 points d'attention, expliqués plus bas."
    assert words("text", "fr")("colon") == "\u00a0: "  # a no-break space before the colon
    assert words("text", "en")("colon") == ": "


def test_an_unknown_text_in_a_template_is_an_error_naming_it(tmp_path: Path) -> None:
    folder = _copy_templates(tmp_path)
    template = folder / "report.txt.j2"
    template.write_text('{{ t("no_such_text") }}\n' + template.read_text(encoding="utf-8"), encoding="utf-8")
    result = CliRunner().invoke(main, [str(EXAMPLES / "fleuriste.yaml"), "--templates", str(folder)])
    assert result.exit_code == 2
    assert "report.txt.j2" in result.output and "no_such_text" in result.output


def test_a_consultants_html_partial_escapes_sheet_values_and_may_wrap(tmp_path: Path) -> None:
    """Templates of one's own (--templates) may include pieces named *.html: they are
    escaped like the report itself; Jinja's filters, `wordwrap` included, work there."""
    folder = _copy_templates(tmp_path)
    (folder / "_business.html").write_text("<p>{{ name }}</p>\n  {% if note %}\n{{ note | wordwrap(12) }}\n  {% endif %}\n",
                                           encoding="utf-8")  # indented tags leave no spaces behind
    environment = Renderer(folder).environment(Advisor().rulebook.vocabulary, "en")
    shown = environment.render(environment.get_template("_business.html"), {"name": HOSTILE,
                                                                              "note": "one two three four"})
    assert shown.startswith("<p>&lt;script&gt;alert(1)&lt;/script&gt; *bold*")
    assert shown.endswith("one two\nthree four\n")


def test_one_renderer_gives_each_report_in_its_own_language() -> None:
    """The web app and batches keep one Renderer: a French report after an English one is
    the same as from a fresh renderer (numbers, words)."""
    advisor = Advisor()
    result = advisor.run(fact_sheet_from_mapping(
        yaml.safe_load((EXAMPLES / "fleuriste.yaml").read_text(encoding="utf-8")), filename="sheet.yaml"))
    shared = Renderer(TEMPLATES)
    shared.render(build_report(result, "en"), "text")
    french = shared.render(build_report(result, "fr"), "text")
    assert french == Renderer(TEMPLATES).render(build_report(result, "fr"), "text")
    assert "Conseil pour" in french


def test_one_renderer_keeps_each_rule_bases_names(tmp_path: Path) -> None:
    """A renderer shared by two rule bases (the web app serves several) names a platform as
    each rule base does."""
    folder = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", folder)
    vocabulary = folder / "vocabulary.yaml"
    vocabulary.write_text(vocabulary.read_text(encoding="utf-8").replace(
        "facebook: {en: Facebook, fr: Facebook}", "facebook: {en: Meta Facebook, fr: Meta Facebook}"), encoding="utf-8")
    renderer = Renderer(TEMPLATES)
    shown = []
    for rules in (ROOT / "rules", folder):
        environment = renderer.environment(Advisor(rules).rulebook.vocabulary, "en")
        shown.append(environment.render(environment.from_string("{{ ['facebook'] | platforms }}"), {}))
    assert shown == ["Facebook", "Meta Facebook"]


def test_a_renderer_that_does_not_reload_keeps_its_templates_as_first_read(tmp_path: Path) -> None:
    """A server's renderer (the default) reads a template again once its file changed; a
    batch's (reload=False) keeps it as first read, so that all its reports are alike."""
    from advise.sheet.facts import load_fact_sheet

    folder = _copy_templates(tmp_path)
    report = build_report(Advisor().run(load_fact_sheet(EXAMPLES / "fleuriste.yaml")), "fr")
    reloading, kept = Renderer(folder), Renderer(folder, reload=False)
    before = reloading.render(report, "text")
    assert kept.render(report, "text") == before
    template = folder / "report.txt.j2"
    template.write_text("EDITED\n" + template.read_text(encoding="utf-8"), encoding="utf-8")
    later = template.stat().st_mtime + 10
    os.utime(template, (later, later))
    assert reloading.render(report, "text").startswith("EDITED")
    assert kept.render(report, "text") == before


def test_a_rendered_report_leaves_nothing_for_the_cycle_collector() -> None:
    """The macros a template makes or imports `with context` hold the context, hence the whole
    report, in a cycle; once a render is over they are emptied (advise.sandbox_code.release_macros),
    so what a render made is freed at once, not by a later collection (a batch in text made
    some 650 such objects a report). Rendering again still gives the same text."""
    import gc

    from advise.advisor import default_templates_dir
    from advise.sheet.facts import load_fact_sheet

    renderer = Renderer(default_templates_dir())
    result = Advisor().run(load_fact_sheet(EXAMPLES / "fleuriste.yaml"))
    for lang in ("en", "fr"):
        report = build_report(result, lang)
        for fmt in ("text", "markdown", "html", "json"):
            first = renderer.render(report, fmt)
            gc.collect()
            gc.disable()
            try:
                again = renderer.render(report, fmt)
                assert gc.collect() == 0, (lang, fmt)
            finally:
                gc.enable()
            assert again == first


def test_a_macro_imported_without_context_still_works_at_the_next_render(tmp_path: Path) -> None:
    """A consultant's template may import a macro without context: Jinja keeps that module
    for every render (and every thread), so the macros emptied after a render are only the
    render's own; the kept one gives the same text the next time."""
    from advise.advisor import default_templates_dir
    from advise.sheet.facts import load_fact_sheet

    templates = tmp_path / "explanations"
    shutil.copytree(default_templates_dir(), templates)
    (templates / "_shout.j2").write_text('{% set mark = "!" %}{% macro shout(text) %}{{ text ~ mark }}{% endmacro %}',
                                         encoding="utf-8")
    report_template = templates / "report.txt.j2"
    text = report_template.read_text(encoding="utf-8")
    report_template.write_text(text.replace('{{ heading(t("advice_for")', '{% from "_shout.j2" import shout %}'
                                            '{{ shout("Hello") }}\n{{ heading(t("advice_for")', 1), encoding="utf-8")
    renderer = Renderer(templates)
    report = build_report(Advisor().run(load_fact_sheet(EXAMPLES / "fleuriste.yaml")), "en")
    first = renderer.render(report, "text")
    assert first.startswith("Hello!")
    assert [renderer.render(report, "text") for _ in range(3)] == [first] * 3
