"""Reports as text, Markdown, HTML or JSON, through the Jinja templates in explanations/.

Templates receive the Report (advise.explain) and `t("key")` for the report's own words
(explanations/messages.yaml, every key in every language). StrictUndefined turns a typo
in a template into an error instead of an empty string.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import click
import jinja2

from .errors import LANGS, InputError, Problem, RuleBookError, did_you_mean, register_messages
from .explain import Report, report_json
from .wording import make_filters
from .yamlload import load_yaml

register_messages({
    "template-failed": {"en": "the report template failed: {reason}", "fr": "le modèle de rapport a échoué : {reason}"},
    "unknown-message": {
        "en": "the template asks for the text '{key}', which messages.yaml does not define",
        "fr": "le modèle demande le texte « {key} », que messages.yaml ne définit pas",
    },
    "bad-format": {"en": "unknown format '{value}'", "fr": "format inconnu « {value} »"},
})

FORMATS = ("text", "markdown", "html", "json")
TEMPLATE_FOR = {"text": "report.txt.j2", "markdown": "report.md.j2", "html": "report.html.j2"}
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+\-.!|~])")


def escape_markdown(value: Any) -> str:
    """Text from the sheet or the rules shows as text in Markdown, never as markup."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", str(value))


class Renderer:
    """Templates and the report's words, loaded once, for any number of reports."""

    def __init__(self, templates_dir: str | os.PathLike[str]):
        self.directory = Path(templates_dir)
        self.messages = self._load_messages()
        self._environments: dict[tuple[int, str], jinja2.Environment] = {}

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
            self._environments[key] = environment
        return self._environments[key]

    def _load_messages(self) -> dict[str, dict[str, str]]:
        path = self.directory / "messages.yaml"
        data, positions = load_yaml(path, error=RuleBookError)
        problems = []
        if not isinstance(data, dict):
            raise RuleBookError(Problem("not-a-mapping", {"found": type(data).__name__}, file=str(path), line=1))
        for key, texts in data.items():
            line = positions.line((key,))
            if not isinstance(texts, dict):
                problems.append(Problem("not-a-mapping", {"found": type(texts).__name__}, file=str(path), line=line,
                                        field=key))
                continue
            for lang in LANGS:
                if not isinstance(texts.get(lang), str):
                    problems.append(Problem("missing-translation", {"lang": lang, "langs": " and ".join(LANGS)},
                                            file=str(path), line=line, field=key))
        if problems:
            raise RuleBookError(problems)
        return data

    def render(self, report: Report, fmt: str, *, color: bool = False) -> str:
        if fmt not in FORMATS:
            raise InputError(Problem("bad-format", {"value": fmt}, field="--format", **did_you_mean(fmt, FORMATS)))
        if fmt == "json":
            return json.dumps(report_json(report), ensure_ascii=False, indent=2) + "\n"
        lang = report.lang
        vocabulary = report.result.rulebook.vocabulary

        def t(key: str) -> str:
            if key not in self.messages:
                raise jinja2.TemplateRuntimeError(f"unknown message '{key}'")
            return self.messages[key][lang]

        def style(text: Any, bold: bool = False, fg: str | None = None) -> str:
            return click.style(str(text), bold=bold, fg=fg) if color else str(text)

        try:
            template = self.environment(vocabulary, lang).get_template(TEMPLATE_FOR[fmt])
            text = template.render(report=report, t=t, style=style, lang=lang, vocabulary=vocabulary)
        except jinja2.TemplateError as error:
            raise RuleBookError(Problem("template-failed", {"reason": str(error)},
                                        file=str(self.directory / TEMPLATE_FOR[fmt]),
                                        line=getattr(error, "lineno", None))) from None
        return _tidy(text)


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
