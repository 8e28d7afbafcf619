"""Reports as text, Markdown, HTML or JSON, through the Jinja templates in explanations/.

Templates receive the Report (advise.explain.report), or a Proof (advise.explain.proof) or a WhyNot
(advise.explain.whynot), and these helpers:

* `t("key", name=value, ...)`: the report's own words (explanations/messages.yaml, every
  key in every language), with `{name}` replaced by the value. The values are escaped
  for the format (Markdown, HTML), the message itself is the consultant's text. Never
  pass what t() returned into t() again: compose a sentence as one message.
* `style(text, bold=, fg=)`: colours in the text report, only on a terminal.
* `glossary`: the entries of explanations/glossary.yaml (and of the rule base's own
  `glossary:`) whose term appears in the report's text.
* `chart`: for the HTML report, the geometry of the time picture (advise.render.chart).
* `text_layout(width, lang)`: the `wrap` and `bullet` of the plain-text reports (see TextLayout).
* `reasoning_lines(width, consultant_view, owner_view)`: in the plain-text format, the layout
  of the reasoning's steps and premises (advise.render.text_reasoning), with the render's own
  words and style.

StrictUndefined turns a typo in a template into an error instead of an empty string.
Every value from the fact sheet is escaped: autoescape in HTML, the `md` filter and t()
in Markdown.

Compiling the templates costs more than rendering them: the compiled code is kept in
advise's cache folder (advise.engine.cache: owner-only, else not used), by Jinja's bytecode
cache, which checks each template's source before using its code.
"""

from __future__ import annotations

import functools
import json
import os
import re
from pathlib import Path
from typing import Any, Callable, Iterable

import jinja2
from markupsafe import Markup, escape

from ..engine.cache import bytecode_cache, cached_data
from ..errors import LANGS, InputError, Problem, RuleBookError, did_you_mean, register_messages
from ..explain.model import Report
from ..explain.wording import make_filters, plural_category, typography
from ..kept import TwoGenerations
from ..sandbox import REPORT_LIMITS, BoundedEnvironment
from ..sheet.yamlload import describe, load_yaml
from .formats import EXTENSION, FORMATS, TEMPLATE_FOR
from .text_layout import text_layout, wordwrap
from .text_reasoning import reasoning_lines_for

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

GLOSSARY_KEYS = ("term", "meaning", "also")
# Characters that are markup in Markdown wherever they stand (CommonMark and GitHub's).
@functools.cache  # compiled when first needed: a text or JSON report needs none of these
def _markdown_special() -> re.Pattern[str]:
    return re.compile(r"([\\`*_{}\[\]<>#|~&!])")


def escape_markdown(value: Any) -> str:
    """Text from the sheet or the rules shows as text in Markdown, never as markup.

    Inline markup characters are backslash-escaped; a line break becomes a space, so a
    value never starts a new block. Templates never start a line with a value.
    """
    text = str(value)
    done = _ESCAPED.get(text)
    if done is None:
        done = _markdown_special().sub(r"\\\1", " ".join(text.splitlines()))
        if len(text) <= 256:  # labels, values, short sentences: asked again and again, kept
            if len(_ESCAPED) >= 4096:
                _ESCAPED.clear()
            _ESCAPED[text] = done
    return done


_ESCAPED: dict[str, str] = {}  # a short text -> escaped: at most 4,096, memory stays flat


class MarkdownText(str):
    """Text that is already Markdown (links built by a template): t() does not escape it."""


def as_markdown(value: Any) -> MarkdownText:
    return MarkdownText(value)


def upper_first(value: Any) -> Any:
    """'with 3 h more' -> 'With 3 h more' (unlike `capitalize`, the rest is kept)."""
    text = str(value)
    result = text[:1].upper() + text[1:]
    return Markup(result) if isinstance(value, Markup) else result


# Compiled when first used (re's own cache), by an HTML report only.
_HTML_TEXT = r"(<style>.*?</style>|<[^>]*>)|([^<]+)"
_HTML_TAG = r"(<style>.*?</style>|<[^>]*>)"  # _HTML_TEXT's tags


# Pieces kept (advise.kept): most are the templates' own, the same in every report, among
# others that hold a sheet's values. 2,048 a generation, so at most 4,096 kept in all, as one
# store was: a worker's memory stays flat.
_TYPESET: TwoGenerations[str] = TwoGenerations(2048)


def _typeset_piece(piece: str, lang: str) -> str:
    """typography(piece, lang), remembered (a bounded memory: it stays flat)."""
    done = _TYPESET.newer.get((piece, lang))  # most pieces (a report has hundreds): a call less
    return _TYPESET.get((piece, lang), typography, piece, lang) if done is None else done


def typeset(text: str, fmt: str, lang: str) -> str:
    """The language's no-break spaces (advise.explain.wording.typography) in a whole report:
    Markdown as it is, HTML in its text only (never inside a tag or the style sheet). The
    text report has them already: its paragraphs are laid out by TextLayout, which adds them
    before it wraps."""
    if fmt == "markdown":
        return "\n".join(_typeset_piece(line, lang) if " " in line else line for line in text.split("\n"))
    if fmt == "html":
        # The pieces between tags in turn (cut where _HTML_TEXT's tags are); one holds a '<'
        # only when no '>' follows anywhere, where _HTML_TEXT itself decides.
        pieces = re.split(_HTML_TAG, text, flags=re.DOTALL)
        for index in range(0, len(pieces), 2):
            piece = pieces[index]
            if " " in piece:
                pieces[index] = _typeset_piece(piece, lang) if "<" not in piece else \
                    re.sub(_HTML_TEXT, lambda match: match.group(1) or typography(match.group(2), lang), piece,
                           flags=re.DOTALL)
        return "".join(pieces)
    return text


class Renderer:
    """Templates, the report's words and the glossary, loaded once, for any number of reports."""

    def __init__(self, templates_dir: str | os.PathLike[str], *, reload: bool = True):
        """`reload`: each report reads a template again if its file changed (a server whose
        templates a consultant edits); False: as first read, for the renderer's life (a
        batch: its reports alike, without a look at the files for each)."""
        self.directory = Path(templates_dir)
        self.reload = reload
        # Read and checked once, then loaded from advise's private cache (advise.engine.cache).
        self.messages, self.glossary = cached_data(
            "texts", f"{self.directory}|{self.directory.resolve()}",
            [self.directory / "messages.yaml", self.directory / "glossary.yaml"],
            lambda: (self._load_texts("messages.yaml"), self._load_glossary()),
            valid=lambda value: isinstance(value, tuple) and len(value) == 2
            and all(isinstance(part, dict) for part in value))
        self._environments: dict[tuple[int, str], jinja2.Environment] = {}
        self._glossaries: dict[tuple[int, str], tuple[Any, dict[str, dict[str, Any]], _TermFinder]] = {}
        self._words: dict[tuple[str, str], tuple[Any, Callable[..., Any]]] = {}
        # lang -> (t, the step numbers worded with it): see advise.render.text_reasoning
        self._steps_said: dict[str, tuple[Callable[..., Any], dict[tuple[int, ...], str]]] = {}

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
                text = texts.get(lang)
                plural_forms = isinstance(text, dict) and set(text) == {"one", "other"} \
                    and all(isinstance(form, str) for form in text.values())
                if not isinstance(text, str) and not plural_forms:
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
            filters = make_filters(vocabulary, lang)
            filters.update(wordwrap=wordwrap, md=escape_markdown, upper_first=upper_first, as_markdown=as_markdown)
            environment = BoundedEnvironment(  # a templates folder may come from anyone: see advise.sandbox
                limits=REPORT_LIMITS,
                filters=filters,
                globals_={"text_layout": text_layout},
                loader=jinja2.FileSystemLoader(str(self.directory)),
                undefined=jinja2.StrictUndefined,
                autoescape=jinja2.select_autoescape(enabled_extensions=("html", "html.j2"), default=False),
                trim_blocks=True,
                lstrip_blocks=True,
                keep_trailing_newline=True,
                bytecode_cache=bytecode_cache(),
                auto_reload=self.reload,
            )
            self._environments[key] = environment
        return self._environments[key]

    def words(self, fmt: str, lang: str) -> Callable[..., Any]:
        """t(key, **params) for one format and language (see the module docstring): made once
        for the messages they read (a web renderer may swap its messages for its own)."""
        found = self._words.get((fmt, lang))
        if found is None or found[0] is not self.messages:
            found = self._words[(fmt, lang)] = (self.messages, self._make_words(fmt, lang))
        return found[1]

    def _make_words(self, fmt: str, lang: str) -> Callable[..., Any]:
        messages = self.messages
        typeset_texts: dict[str, str] = {}  # a message's text -> with its typography: a few hundred texts
        alone: dict[str, Any] = {}  # key -> t(key) without parameters, as it is asked again and again

        def message(key: str, params: dict[str, Any]) -> str:
            if key not in messages:
                raise jinja2.TemplateRuntimeError(f"unknown message '{key}' (explanations/messages.yaml)")
            text = messages[key][lang]
            if isinstance(text, dict):  # {one: ..., other: ...}: the form that agrees with `count`
                category = plural_category(params.get("count"), lang)
                text = text[category if category in text else "other"]
            done = typeset_texts.get(text)
            if done is None:
                done = typeset_texts[text] = typography(text, lang)
            return done

        if fmt == "html":
            def t_html(key: str, **params: Any) -> Markup:
                if not params:
                    found = alone.get(key)
                    if found is None:
                        found = alone[key] = Markup(escape(message(key, params)))
                    return found  # type: ignore[no-any-return]
                # Plain str.replace on the escaped texts: what Markup.replace does (it escapes the
                # new text), without making a Markup at each step.
                text = str(escape(message(key, params)))
                for name, value in params.items():
                    text = text.replace("{" + name + "}", str(escape(value)))
                return Markup(text)
            return t_html
        def protect(value: Any) -> str:
            if fmt == "markdown" and not isinstance(value, MarkdownText):
                return escape_markdown(value)
            return str(value)
        def t(key: str, **params: Any) -> str:
            if not params:
                found = alone.get(key)
                if found is None:
                    found = alone[key] = message(key, params)
                return found  # type: ignore[no-any-return]
            text = message(key, params)
            for name, value in params.items():
                text = text.replace("{" + name + "}", protect(value))
            return text
        return t

    def _reasoning_lines(self, words: Callable[..., str], style: Callable[..., str], lang: str) -> Callable[..., Any]:
        """reasoning_lines for one text render in `lang`; what it words is kept for the same words."""
        found = self._steps_said.get(lang)
        if found is None or found[0] is not words:
            found = self._steps_said[lang] = (words, {})
        return reasoning_lines_for(words, style, lang, found[1])

    def glossary_for(self, texts: Iterable[str], vocabulary: Any, lang: str) -> list[dict[str, str]]:
        """The glossary entries whose term (or another form of it) appears in the texts."""
        entries, finder = self._glossary_finder(vocabulary, lang)
        found = [{"id": key, "term": entries[key]["term"][lang], "meaning": entries[key]["meaning"][lang]}
                 for key in finder.find_all(texts)]
        return sorted(found, key=lambda entry: (entry["term"].casefold(), entry["id"]))

    def _glossary_finder(self, vocabulary: Any, lang: str) -> tuple[dict[str, dict[str, Any]], "_TermFinder"]:
        """The entries for this rule base and language, and their finder: built once."""
        key = (id(vocabulary), lang)
        cached = self._glossaries.get(key)
        if cached is not None and cached[0] is vocabulary:
            return cached[1], cached[2]
        entries: dict[str, dict[str, Any]] = {}
        ours = (getattr(vocabulary, "glossary", None) or {}).items()
        terms = {entry["term"][lang].casefold() for _, entry in ours}
        for name, entry in self.glossary.items():  # the rule base's entry wins for the same term
            forms = {form.casefold() for form in [entry["term"][lang], *entry["also"][lang]]}
            if not forms & terms:
                entries[name] = entry
        for name, entry in ours:
            entries[name] = {"term": entry["term"], "meaning": entry["meaning"],
                             "also": entry.get("also", {code: [] for code in LANGS})}
        finder = _TermFinder({name: [entry["term"][lang], *entry.get("also", {}).get(lang, [])]
                              for name, entry in entries.items()})
        if len(self._glossaries) >= 8:
            self._glossaries.clear()
        self._glossaries[key] = (vocabulary, entries, finder)
        return entries, finder

    # -- rendering

    def _render(self, template_name: str, fmt: str, lang: str, vocabulary: Any, color: bool,
                **context: Any) -> str:
        def style(text: Any, bold: bool = False, fg: str | None = None) -> str:
            if not color:
                return str(text)
            import click  # only for colours on a terminal: the library does not need click

            return click.style(str(text), bold=bold, fg=fg)

        try:
            environment = self.environment(vocabulary, lang)
            template = environment.get_template(template_name)
            words = self.words(fmt, lang)
            variables = dict(t=words, style=style, lang=lang, vocabulary=vocabulary, fmt=fmt, **context)
            if fmt == "text":
                variables["reasoning_lines"] = self._reasoning_lines(words, style, lang)
            text = environment.render(template, variables)
        except jinja2.TemplateError as error:
            raise RuleBookError(Problem("template-failed", {"reason": str(error)},
                                        file=str(self.directory / template_name),
                                        line=getattr(error, "lineno", None))) from None
        return _tidy(typeset(text, fmt, lang))

    def render(self, report: Report, fmt: str, *, color: bool = False) -> str:
        if fmt not in FORMATS:
            raise InputError(Problem("bad-format", {"value": fmt}, field="--format", **did_you_mean(fmt, FORMATS)))
        if report.json_only and fmt != "json":  # a bug of the caller: never a report with parts missing
            raise ValueError(f"a report built for JSON alone (build_report(for_json=True)) cannot be rendered as "
                             f"{fmt}: build it without for_json")
        vocabulary = report.result.rulebook.vocabulary
        glossary = self.glossary_for(report_texts(report), vocabulary, report.lang)
        if fmt == "json":
            from .json_report import report_text  # not loaded for the other formats

            terms = [{"term": entry["term"], "meaning": entry["meaning"]} for entry in glossary]
            return report_text(report, terms) + "\n"
        chart = None
        if fmt == "html" and report.time is not None:
            from .chart import time_chart

            chart = time_chart(report.time)
        return self._render(TEMPLATE_FOR[fmt], fmt, report.lang, vocabulary, color and fmt == "text",
                            report=report, glossary=glossary, chart=chart)

    def render_answer(self, answer: Any, kind: str, fmt: str, vocabulary: Any, *, color: bool = False) -> str:
        """A `how` (advise.explain.proof.Proof) or `why-not` (advise.explain.whynot.WhyNot) answer."""
        if fmt == "json":
            return json.dumps({"version": 1, kind.replace("-", "_"): answer.as_json()}, ensure_ascii=False,
                              indent=2) + "\n"
        if fmt not in EXTENSION:
            raise InputError(Problem("bad-format", {"value": fmt}, field="--format", **did_you_mean(fmt, FORMATS)))
        name = f"{kind.replace('-', '')}.{EXTENSION[fmt]}.j2"
        return self._render(name, fmt, answer.lang, vocabulary, color and fmt == "text", answer=answer)


# Characters for which `re.IGNORECASE` matching is plain equality of `str.lower()`, one
# character for one: ASCII and the letters and signs of French and English texts (checked
# pair by pair by tests/test_speedups.py). A text made of these alone can be searched
# lowercased; any other character (ı, ſ, İ, K, ẞ, Greek...) and the regular expressions
# decide alone.
_CASE_SAFE = frozenset([chr(code) for code in range(128)]
                       + list("àâäçéèêëîïôöùûüÿœæÀÂÄÇÉÈÊËÎÏÔÖÙÛÜŸŒÆ«»‘’‚“”„…–—•·°€£§©®™×÷"
                              "\u00a0\u202f\u2009\u2011"))


def _case_safe(text: str) -> bool:
    """Whether every character of `text` is in _CASE_SAFE: ASCII at once, else a set test (a
    regular expression of the same class took 0.3 ms of every start to compile, and a report's
    texts, some 7,000 characters, take 30 us more this way)."""
    return text.isascii() or _CASE_SAFE.issuperset(text)


class _TermFinder:
    r"""Which entries have a form that appears in a text as a whole word, case aside: the same
    answer as one `re.search(r"(?<!\w)FORM(?!\w)", text, re.IGNORECASE)` per form, faster.

    In a text of _CASE_SAFE characters, a form matches (bounds aside) exactly where its
    lowercase is found in the lowercased text: at each place found, the characters on
    either side are checked as the pattern's `\w` would (a letter, a digit or _). Otherwise,
    or for a form with other characters, its pattern searches alone (compiled then).
    """

    _KEPT_MAX = 2048  # texts whose forms are kept, in each of two generations (see find_all): 4,096 in all

    def __init__(self, forms: dict[str, list[str]]):
        self.forms = forms
        self.unique = list(dict.fromkeys(form for names in forms.values() for form in names))
        self.lowered = {form: form.lower() for form in self.unique if _CASE_SAFE.issuperset(form)}
        self._pairs = list(self.lowered.items())  # (form, its lowercase), searched in a lowercased text
        self._unlowered = [form for form in self.unique if form not in self.lowered]  # their patterns search
        self._patterns: dict[str, re.Pattern[str]] = {}  # compiled when first needed: most never are
        # A form found in "\n".join(texts) is found in one of the texts, and conversely, unless
        # it holds a line break or is empty (a line break is no word character: the bounds agree).
        self.by_text = all(form and "\n" not in form for form in self.unique)
        self._kept: TwoGenerations[frozenset[str]] = TwoGenerations(self._KEPT_MAX)

    def pattern(self, form: str) -> re.Pattern[str]:
        """`form` as a whole word, case aside."""
        found = self._patterns.get(form)
        if found is None:
            found = self._patterns[form] = re.compile(r"(?<!\w)" + re.escape(form) + r"(?!\w)", re.IGNORECASE)
        return found

    def find(self, text: str) -> list[str]:
        """The names of the entries found, in the order given."""
        return self._names(self._found(text))

    def find_all(self, texts: Iterable[str]) -> list[str]:
        """find("\n".join(texts)), text by text: a report's texts are mostly those of the
        reports before it (rule texts, titles), so what each holds is kept (bounded: two
        generations of _KEPT_MAX texts) and only a few texts a report are searched."""
        if not self.by_text:
            return self.find("\n".join(texts))
        found: set[str] = set()
        kept, found_in = self._kept, self._found_in
        for text in texts:
            held = kept.newer.get(text)  # most texts: looked up here, a call less
            if held is None:
                held = kept.get(text, found_in, text)
            if held:  # most texts hold no term
                found |= held
        return self._names(found)

    def _names(self, found: set[str]) -> list[str]:
        return [name for name, forms in self.forms.items() if any(form in found for form in forms)]

    def _found_in(self, text: str) -> frozenset[str]:
        return frozenset(self._found(text))

    def _found(self, text: str) -> set[str]:
        """The forms found in `text`. In a lowercased text, a form's lowercase is looked for
        first (`in`: most forms are in no text) and its bounds checked only where it is."""
        found: set[str] = set()
        if _case_safe(text):
            lowered = text.lower()
            for form, low in self._pairs:
                if low in lowered:
                    start, size = lowered.find(low), len(low)
                    while start != -1:
                        if _whole_word(text, start, start + size):
                            found.add(form)
                            break
                        start = lowered.find(low, start + 1)
            searched = self._unlowered
        else:
            searched = self.unique
        for form in searched:
            if self.pattern(form).search(text):
                found.add(form)
        return found


def _whole_word(text: str, start: int, end: int) -> bool:
    r"""What `(?<!\w)` and `(?!\w)` check around text[start:end]: no word character (re's
    `\w` in a str pattern: str.isalnum() or _) just before or just after."""
    before = text[start - 1] if start else ""
    after = text[end] if end < len(text) else ""
    return not (before.isalnum() or before == "_" or after.isalnum() or after == "_")


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
