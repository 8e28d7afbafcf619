"""Reports as text, Markdown, HTML or JSON, through the Jinja templates in explanations/.

Templates receive the Report (advise.explain), or a Proof (advise.proof) or a WhyNot
(advise.whynot), and these helpers:

* `t("key", name=value, ...)`: the report's own words (explanations/messages.yaml, every
  key in every language), with `{name}` replaced by the value. The values are escaped
  for the format (Markdown, HTML), the message itself is the consultant's text. Never
  pass what t() returned into t() again: compose a sentence as one message.
* `style(text, bold=, fg=)`: colours in the text report, only on a terminal.
* `glossary`: the entries of explanations/glossary.yaml (and of the rule base's own
  `glossary:`) whose term appears in the report's text.
* `chart`: for the HTML report, the geometry of the time picture (advise.chart).

StrictUndefined turns a typo in a template into an error instead of an empty string.
Every value from the fact sheet is escaped: autoescape in HTML, the `md` filter and t()
in Markdown.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any, Callable, Iterable

import click
import jinja2
from markupsafe import Markup, escape

from .chart import time_chart
from .errors import LANGS, InputError, Problem, RuleBookError, did_you_mean, register_messages
from .explain import Report, report_json
from .wording import make_filters
from .yamlload import describe, load_yaml

register_messages({
    "template-failed": {"en": "the report template failed: {reason}", "fr": "le modèle de rapport a échoué : {reason}"},
    "unknown-message": {
        "en": "the template asks for the text '{key}', which messages.yaml does not define",
        "fr": "le modèle demande le texte « {key} », que messages.yaml ne définit pas",
    },
    "bad-format": {"en": "unknown format '{value}'", "fr": "format inconnu « {value} »"},
    "format-not-available": {
        "en": "the {what} is not available as {format}; use one of: {choices}",
        "fr": "la réponse {what} n'existe pas au format {format} ; utilisez l'un de : {choices}",
    },
})

FORMATS = ("text", "markdown", "html", "json")
TEMPLATE_FOR = {"text": "report.txt.j2", "markdown": "report.md.j2", "html": "report.html.j2"}
EXTENSION = {"text": "txt", "markdown": "md", "html": "html"}
GLOSSARY_KEYS = ("term", "meaning", "also")
# Characters that are markup in Markdown wherever they stand (CommonMark and GitHub's).
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|~&!])")


def escape_markdown(value: Any) -> str:
    """Text from the sheet or the rules shows as text in Markdown, never as markup.

    Inline markup characters are backslash-escaped; a line break becomes a space, so a
    value never starts a new block. Templates never start a line with a value.
    """
    text = " ".join(str(value).splitlines())
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


class MarkdownText(str):
    """Text that is already Markdown (links built by a template): t() does not escape it."""


def as_markdown(value: Any) -> MarkdownText:
    return MarkdownText(value)


def upper_first(value: Any) -> Any:
    """'with 3 h more' -> 'With 3 h more' (unlike `capitalize`, the rest is kept)."""
    text = str(value)
    result = text[:1].upper() + text[1:]
    return Markup(result) if isinstance(value, Markup) else result


class Renderer:
    """Templates, the report's words and the glossary, loaded once, for any number of reports."""

    def __init__(self, templates_dir: str | os.PathLike[str]):
        self.directory = Path(templates_dir)
        self.messages = self._load_texts("messages.yaml")
        self.glossary = self._load_glossary()
        self._environments: dict[tuple[int, str], jinja2.Environment] = {}

    # -- loading

    def _load_texts(self, name: str) -> dict[str, dict[str, str]]:
        path = self.directory / name
        data, positions = load_yaml(path, error=RuleBookError)
        problems = []
        if not isinstance(data, dict):
            raise RuleBookError(Problem("not-a-mapping", {"found": describe(data)}, file=str(path), line=1))
        for key, texts in data.items():
            line = positions.line((key,))
            if not isinstance(texts, dict):
                problems.append(Problem("not-a-mapping", {"found": describe(texts)}, file=str(path), line=line,
                                        field=key))
                continue
            for lang in LANGS:
                if not isinstance(texts.get(lang), str):
                    problems.append(Problem("missing-translation", {"lang": lang, "langs": " and ".join(LANGS)},
                                            file=str(path), line=line, field=key))
        if problems:
            raise RuleBookError(problems)
        return data

    def _load_glossary(self) -> dict[str, dict[str, Any]]:
        """explanations/glossary.yaml: {id: {term: {en, fr}, meaning: {en, fr}, also: {en: [...], fr: [...]}}}."""
        path = self.directory / "glossary.yaml"
        if not path.exists():
            return {}
        data, positions = load_yaml(path, error=RuleBookError)
        if data is None:
            return {}
        if not isinstance(data, dict):
            raise RuleBookError(Problem("not-a-mapping", {"found": describe(data)}, file=str(path), line=1))
        problems: list[Problem] = []
        glossary: dict[str, dict[str, Any]] = {}
        for key, entry in data.items():
            line = positions.line((key,))

            def problem(code: str, field: str, **params: Any) -> None:
                problems.append(Problem(code, params, file=str(path), line=positions.line((key, *field.split(".")[1:]))
                                        or line, field=field))

            if not isinstance(entry, dict):
                problem("not-a-mapping", str(key), found=describe(entry))
                continue
            for name in entry:
                if name not in GLOSSARY_KEYS:
                    problems.append(Problem("unknown-key", {"key": name}, file=str(path),
                                            line=positions.line((key, name)), field=f"{key}.{name}",
                                            **did_you_mean(str(name), GLOSSARY_KEYS)))
            item: dict[str, Any] = {}
            for name in ("term", "meaning", "also"):
                texts = entry.get(name)
                if texts is None and name == "also":
                    item[name] = {lang: [] for lang in LANGS}
                    continue
                if not isinstance(texts, dict):
                    problem("missing-field" if texts is None else "not-a-mapping", f"{key}.{name}",
                            found=describe(texts))
                    continue
                for lang in LANGS:
                    value = texts.get(lang)
                    ok = (isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value)) \
                        if name == "also" else (isinstance(value, str) and value.strip())
                    if value is None:
                        problem("missing-translation", f"{key}.{name}", lang=lang, langs=" and ".join(LANGS))
                    elif not ok:
                        problem("wrong-type", f"{key}.{name}.{lang}",
                                expected="a list of words" if name == "also" else "text", found=describe(value))
                for extra in texts:
                    if extra not in LANGS:
                        problem("unknown-key", f"{key}.{name}.{extra}", key=extra)
                item[name] = texts
            glossary[str(key)] = item
        if problems:
            raise RuleBookError(problems)
        return glossary

    # -- environments and helpers

    def environment(self, vocabulary: Any, lang: str) -> jinja2.Environment:
        """One environment per rule base and language: compiled templates bind their filters."""
        key = (id(vocabulary), lang)
        if key not in self._environments:
            environment = jinja2.Environment(
                loader=jinja2.FileSystemLoader(str(self.directory)),
                undefined=jinja2.StrictUndefined,
                autoescape=jinja2.select_autoescape(enabled_extensions=("html", "html.j2"), default=False),
                trim_blocks=True,
                lstrip_blocks=True,
                keep_trailing_newline=True,
            )
            environment.filters.update(make_filters(vocabulary, lang))
            environment.filters["md"] = escape_markdown
            environment.filters["upper_first"] = upper_first
            environment.filters["as_markdown"] = as_markdown
            self._environments[key] = environment
        return self._environments[key]

    def words(self, fmt: str, lang: str) -> Callable[..., Any]:
        """t(key, **params) for one format and language (see the module docstring)."""
        messages = self.messages

        def message(key: str) -> str:
            if key not in messages:
                raise jinja2.TemplateRuntimeError(f"unknown message '{key}' (explanations/messages.yaml)")
            return messages[key][lang]

        if fmt == "html":
            def t_html(key: str, **params: Any) -> Markup:
                text = escape(message(key))
                for name, value in params.items():
                    text = Markup(text.replace("{" + name + "}", escape(value)))
                return Markup(text)
            return t_html
        def protect(value: Any) -> str:
            if fmt == "markdown" and not isinstance(value, MarkdownText):
                return escape_markdown(value)
            return str(value)

        def t(key: str, **params: Any) -> str:
            text = message(key)
            for name, value in params.items():
                text = text.replace("{" + name + "}", protect(value))
            return text
        return t

    def glossary_for(self, texts: Iterable[str], vocabulary: Any, lang: str) -> list[dict[str, str]]:
        """The glossary entries whose term (or another form of it) appears in the texts."""
        entries: dict[str, dict[str, Any]] = {}
        ours = (getattr(vocabulary, "glossary", None) or {}).items()
        terms = {entry["term"][lang].casefold() for _, entry in ours}
        for key, entry in self.glossary.items():  # the rule base's entry wins for the same term
            forms = {form.casefold() for form in [entry["term"][lang], *entry["also"][lang]]}
            if not forms & terms:
                entries[key] = entry
        for key, entry in ours:
            entries[key] = {"term": entry["term"], "meaning": entry["meaning"],
                            "also": entry.get("also", {code: [] for code in LANGS})}
        haystack = "\n".join(texts)
        found = []
        for key, entry in entries.items():
            forms = [entry["term"][lang], *entry.get("also", {}).get(lang, [])]
            if any(re.search(r"(?<!\w)" + re.escape(form) + r"(?!\w)", haystack, re.IGNORECASE) for form in forms):
                found.append({"id": key, "term": entry["term"][lang], "meaning": entry["meaning"][lang]})
        return sorted(found, key=lambda entry: (entry["term"].casefold(), entry["id"]))

    # -- rendering

    def _render(self, template_name: str, fmt: str, lang: str, vocabulary: Any, color: bool,
                **context: Any) -> str:
        def style(text: Any, bold: bool = False, fg: str | None = None) -> str:
            return click.style(str(text), bold=bold, fg=fg) if color else str(text)

        try:
            template = self.environment(vocabulary, lang).get_template(template_name)
            text = template.render(t=self.words(fmt, lang), style=style, lang=lang, vocabulary=vocabulary,
                                   fmt=fmt, **context)
        except jinja2.TemplateError as error:
            raise RuleBookError(Problem("template-failed", {"reason": str(error)},
                                        file=str(self.directory / template_name),
                                        line=getattr(error, "lineno", None))) from None
        return _tidy(text)

    def render(self, report: Report, fmt: str, *, color: bool = False) -> str:
        if fmt not in FORMATS:
            raise InputError(Problem("bad-format", {"value": fmt}, field="--format", **did_you_mean(fmt, FORMATS)))
        vocabulary = report.result.rulebook.vocabulary
        glossary = self.glossary_for(report_texts(report), vocabulary, report.lang)
        if fmt == "json":
            data = report_json(report)
            data["glossary"] = [{"term": entry["term"], "meaning": entry["meaning"]} for entry in glossary]
            return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
        chart = time_chart(report.time) if fmt == "html" and report.time is not None else None
        return self._render(TEMPLATE_FOR[fmt], fmt, report.lang, vocabulary, color and fmt == "text",
                            report=report, glossary=glossary, chart=chart)

    def render_answer(self, answer: Any, kind: str, fmt: str, vocabulary: Any, *, color: bool = False) -> str:
        """A `how` (advise.proof.Proof) or `why-not` (advise.whynot.WhyNot) answer."""
        if fmt == "json":
            return json.dumps({"version": 1, kind.replace("-", "_"): answer.as_json()}, ensure_ascii=False,
                              indent=2) + "\n"
        if fmt not in EXTENSION:
            raise InputError(Problem("bad-format", {"value": fmt}, field="--format", **did_you_mean(fmt, FORMATS)))
        name = f"{kind.replace('-', '')}.{EXTENSION[fmt]}.j2"
        return self._render(name, fmt, answer.lang, vocabulary, color and fmt == "text", answer=answer)


def report_texts(report: Report) -> list[str]:
    """What a reader reads in the report (for the glossary): verdict, items, steps, hints."""
    texts = [report.verdict_title, report.verdict_meaning]
    for item in (*report.warnings, *report.recommendations):
        texts += [item.title, item.text]
    for section in report.themes:
        texts.append(section.title)
        for step in section.steps:
            texts += [step.title, step.because]
    for entry in report.not_applied or ():
        texts.append(entry.title)
    return texts


def _tidy(text: str) -> str:
    """At most one blank line in a row, no trailing spaces, one final newline."""
    lines = [line.rstrip() for line in text.splitlines()]
    tidy: list[str] = []
    for line in lines:
        if not line and (not tidy or not tidy[-1]):
            continue
        tidy.append(line)
    while tidy and not tidy[-1]:
        tidy.pop()
    return "\n".join(tidy) + "\n"
