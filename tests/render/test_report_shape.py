"""The report an owner reads and a consultant signs: the summary first in every format, the
owner's plain words and the consultant's details with the same numbers, a printed HTML
whose first page is the summary alone, the signature and date, and no path of the
consultant's machine."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from advise.cli.main import main

from conftest import EXAMPLES, ROOT

CONSULTANT = ROOT / "tests" / "data" / "consultant" / "consultant.yaml"
ALL_EXAMPLES = sorted(path.name for path in EXAMPLES.glob("*.yaml"))
HEADINGS = {"en": ("At a glance", "The details", "Appendix: the reasoning"),
            "fr": ("L'essentiel", "Le détail", "Annexe\u00a0: le raisonnement")}


def run(args: list[str], monkeypatch: pytest.MonkeyPatch, *, date: str | None = "1795647600") -> str:
    monkeypatch.chdir(ROOT)
    monkeypatch.delenv("ADVISE_CONSULTANT", raising=False)
    if date is not None:
        monkeypatch.setenv("SOURCE_DATE_EPOCH", date)
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize("fmt", ["text", "markdown", "html"])
@pytest.mark.parametrize("lang", ["en", "fr"])
def test_summary_then_details_then_appendix(fmt: str, lang: str, monkeypatch: pytest.MonkeyPatch) -> None:
    out = run(["examples/fleuriste.yaml", "--lang", lang, "--format", fmt, "--no-hints"], monkeypatch)
    out = html.unescape(out) if fmt == "html" else out
    positions = [out.find(heading) for heading in HEADINGS[lang]]
    assert all(position > 0 for position in positions), positions
    assert positions == sorted(positions)
    summary = out[positions[0]:positions[1]]
    # the verdict, what to animate, three numbered actions, the hours and the budget
    assert ("Se lancer progressivement" if lang == "fr" else "Launch gradually") in summary
    assert "Instagram" in summary
    if fmt == "html":
        actions = summary[summary.index('<ol class="actions">'):]
        assert actions[:actions.index("</ol>")].count("<li>") == 3
    else:
        assert re.search(r"^ *3\. ", summary, re.M)
    assert ("2,5\u00a0h" if lang == "fr" else "2.5\u00a0h") in summary
    assert "30\u00a0€/mois" in summary if lang == "fr" else "30\u00a0EUR/month" in summary


def test_owner_reads_plain_words_consultant_reads_the_machinery(monkeypatch: pytest.MonkeyPatch) -> None:
    owner = run(["examples/fleuriste.yaml", "--lang", "fr", "--no-hints"], monkeypatch)
    expert = run(["examples/fleuriste.yaml", "--lang", "fr", "--no-hints", "--for", "consultant"], monkeypatch)
    for rule_mark in ("verdict-launch-gradually", "(règle ", "qui s'appuie sur les étapes"):
        assert rule_mark not in owner
        assert rule_mark in expert
    assert "voir l'étape 21" in owner  # the discreet pointer
    # the same numbers in both: the summary is word for word the same
    start, end = HEADINGS["fr"][0], HEADINGS["fr"][1]
    assert owner[owner.index(start):owner.index(end)] == expert[expert.index(start):expert.index(end)]
    # sources in full, and the table values' own sources, for the consultant only
    assert expert.count("Source\u00a0:") > owner.count("Source\u00a0:")


def test_json_is_the_same_for_both_audiences(monkeypatch: pytest.MonkeyPatch) -> None:
    args = ["examples/agence-b2b.yaml", "--format", "json", "--no-hints"]
    assert run(args, monkeypatch) == run([*args, "--for", "consultant"], monkeypatch)


class _Outline(HTMLParser):
    """The ids and classes of the sections of the page, in order, and the <style> text."""

    def __init__(self) -> None:
        super().__init__()
        self.sections: list[tuple[str, str]] = []
        self.style = ""
        self._in_style = False
        self.images: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "section":
            self.sections.append((found.get("id") or "", found.get("class") or ""))
        if tag == "style":
            self._in_style = True
        if tag == "img":
            self.images.append(found)

    def handle_endtag(self, tag: str) -> None:
        if tag == "style":
            self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.style += data


def test_printed_html_has_the_summary_alone_on_page_one(monkeypatch: pytest.MonkeyPatch) -> None:
    out = run(["examples/fleuriste.yaml", "--lang", "fr", "--format", "html", "--no-hints"], monkeypatch)
    outline = _Outline()
    outline.feed(out)
    ids = [section for section, _ in outline.sections]
    assert ids[0] == "summary", ids  # nothing but the header comes before it
    assert ids.index("details") < ids.index("reasoning")
    assert "appendix" in dict(outline.sections)["reasoning"]
    print_rules = outline.style[outline.style.index("@media print"):]
    assert re.search(r"\.summary\s*\{[^}]*break-after:\s*page", print_rules)
    assert re.search(r"\.appendix\s*\{[^}]*break-before:\s*page", print_rules)
    assert re.search(r"\.see-step[^{]*\{[^}]*display:\s*none", print_rules)  # no link printed as noise
    # the owner's page shows no rule id at all
    assert 'class="rule-id"' not in out


def test_signed_and_dated_without_any_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "clients" / "secret-folder"
    folder.mkdir(parents=True)
    sheet = folder / "fleuriste.yaml"
    sheet.write_text((EXAMPLES / "fleuriste.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    for fmt in ("text", "markdown", "html"):
        out = run([str(sheet), "--lang", "fr", "--format", fmt, "--no-hints", "--consultant", str(CONSULTANT),
                   "--date", "2026-12-01"], monkeypatch)
        assert "Claire Martin" in out
        assert "1er décembre 2026" in out
        assert "martin-conseil.fr" in out
        assert "fleuriste.yaml" in out
        for private in (str(tmp_path), "secret-folder", str(CONSULTANT.parent), "/tmp", str(Path.home())):
            assert private not in out, (fmt, private)
    en = run([str(sheet), "--lang", "en", "--no-hints", "--consultant", str(CONSULTANT), "--date", "2026-12-01"],
             monkeypatch)
    assert "Advice given by Claire Martin — Conseil web on 1 December 2026." in en
    assert "help you through the first weeks" in en


def test_the_date_comes_from_source_date_epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    out = run(["examples/fleuriste.yaml", "--lang", "fr", "--no-hints"], monkeypatch, date="1795647600")
    assert "Rapport du 25 novembre 2026." in out
    result = CliRunner().invoke(main, ["examples/fleuriste.yaml", "--date", "2026-13-45"])
    assert result.exit_code == 2 and "--date" in result.output


def test_the_profile_is_found_in_the_working_folder_or_the_environment(tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "consultant.yaml").write_text("name: Atelier Numérique\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ADVISE_CONSULTANT", raising=False)
    sheet = str(EXAMPLES / "fleuriste.yaml")
    result = CliRunner().invoke(main, [sheet, "--no-hints", "--lang", "fr"])
    assert "Conseil donné par Atelier Numérique" in result.output
    elsewhere = tmp_path / "other"
    elsewhere.mkdir()
    (elsewhere / "me.yaml").write_text("name: Studio Envi\n", encoding="utf-8")
    monkeypatch.setenv("ADVISE_CONSULTANT", str(elsewhere / "me.yaml"))
    result = CliRunner().invoke(main, [sheet, "--no-hints", "--lang", "fr"])
    assert "Conseil donné par Studio Envi" in result.output


def test_the_logo_is_embedded_as_an_image(monkeypatch: pytest.MonkeyPatch) -> None:
    out = run(["examples/fleuriste.yaml", "--format", "html", "--no-hints", "--consultant", str(CONSULTANT)],
              monkeypatch)
    outline = _Outline()
    outline.feed(out)
    (logo,) = outline.images
    assert str(logo["src"]).startswith("data:image/svg+xml;base64,")
    assert "img-src data:" in out  # the page's content policy lets the embedded image show, nothing else


def test_batch_signs_every_report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["batch", "examples/fleuriste.yaml", "examples/agence-b2b.yaml", "-o", str(out),
                                       "-j", "1", "--lang", "fr", "--consultant", str(CONSULTANT),
                                       "--date", "2026-12-01", "--for", "consultant"])
    assert result.exit_code == 0, result.output
    for name in ("fleuriste.txt", "agence-b2b.txt"):
        text = (out / name).read_text(encoding="utf-8")
        assert "Conseil donné par Claire Martin — Conseil web, le 1er décembre 2026." in text
        assert "(règle " in text


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_no_plural_in_parentheses_in_any_report(lang: str, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ALL_EXAMPLES:
        for audience in ("owner", "consultant"):
            out = run([f"examples/{name}", "--lang", lang, "--for", audience, "--all"], monkeypatch)
            assert "(s)" not in out and "(x)" not in out, (name, audience)


# Words of English that a French sentence never uses. Quotes (« ») stay as their authors
# wrote them; rule ids, table names and web addresses are names, not English.
ENGLISH = re.compile(r"\b(the|and|with|your|you|which|is|are|from|this|that|each|estimate|answers|posts|week|month|"
                     r"steps?|rule|should|would|will|have|has|been|their|only|before|after|than|when|where|what|why|"
                     r"how|profiles?|networks?|owner|warnings?|recommendations?|source for|based on|concludes|none|"
                     r"yes|no)\b")
NAMES = re.compile(r"`[^`]*`|\([a-z0-9_.-]+\)|\b[a-z]+[_-][a-z0-9_.-]+\b|\b[\w.-]+\.(fr|com|net|org|md|pro|io|mv|uk|"
                   r"design)\b|Business to business")


def outside_quotes(text: str) -> str:
    kept, depth = [], 0
    for char in text:
        if char in "«»":
            depth = depth + 1 if char == "«" else max(0, depth - 1)
            kept.append(" ")
        else:
            kept.append(char if depth == 0 else " ")
    return "".join(kept)


def test_a_french_report_contains_no_english(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every example, in the consultant's view with --all (the most text: every source in
    full, the rules that do not apply), framed in French; the article's quotes as written."""
    found = []
    for name in ALL_EXAMPLES:
        out = run([f"examples/{name}", "--lang", "fr", "--for", "consultant", "--all"], monkeypatch)
        for line in outside_quotes(out).splitlines():
            for match in ENGLISH.finditer(NAMES.sub(" ", line)):
                found.append(f"{name}: {match.group(1)!r} in {line.strip()[:120]}")
    assert not found, "\n".join(found[:20])


def test_sources_are_framed_in_the_readers_language(monkeypatch: pytest.MonkeyPatch) -> None:
    fr = run(["examples/fleuriste.yaml", "--lang", "fr", "--for", "consultant", "--no-hints"], monkeypatch)
    en = run(["examples/fleuriste.yaml", "--lang", "en", "--for", "consultant", "--no-hints"], monkeypatch)
    assert "Source\u00a0: Article, section sur les ressources en temps\u00a0: «\u00a0de combien de temps" in fr
    flat = re.sub(r"\s+", " ", en)
    assert "Source: Article, section on resources in time: « de combien de temps" in flat


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("example", ALL_EXAMPLES)
def test_the_profile_count_agrees_with_the_profiles_named(example: str, lang: str,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """"Your time keeps at most 2 profiles alive" beside one profile to animate puzzles an
    owner: when fewer are kept than the time allows, the report says what the kept ones take."""
    import json

    data = json.loads(run([f"examples/{example}", "--lang", lang, "--format", "json", "--no-hints"], monkeypatch))
    text = run([f"examples/{example}", "--lang", lang, "--no-hints"], monkeypatch)
    kept, most = data["platforms"], data["max_profiles"]
    at_most = re.search(r"keeps at most (\d+) profiles? alive|faire vivre (\d+) profils? au plus", text)
    if kept and most is not None and len(kept) < most:
        assert at_most is None, at_most
        assert re.search(r" (take|takes) [\d.]+\u00a0h a week of the [\d.]+\u00a0h you have\.|"
                         r" (demande|demandent) [\d,]+\u00a0h par semaine, sur les [\d,]+\u00a0h dont vous disposez\.",
                         text), text
    elif most:
        assert at_most is not None and int(at_most.group(1) or at_most.group(2)) == most
