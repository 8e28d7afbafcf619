"""The web app: the questionnaire, its report, and the JSON API, on the library.

A thin layer, like the command line: it reads a request, calls advise.advisor and the
report builders, and renders with the same templates as `advise FILE --format html`.

Threads: durable_rules promises nothing about them, so each thread that serves requests
gets its own Advisor and Renderer (a thread-local, built on its first request from the
rule cache); nothing else is shared but read-only data. The app keeps no state between
requests, and stores and logs no answer (see advise.web.server for the access log).
"""

from __future__ import annotations

import json
import logging
import os
import threading
from pathlib import Path
from typing import Any

from flask import Flask, Response, render_template, request
from markupsafe import Markup
from werkzeug.exceptions import HTTPException

from ..errors import AdviseError, FactSheetError, Problem, did_you_mean
from ..records import replace
from ..sheet.consultant import Consultant
from ..sheet.facts import REPORT_LANGS, FactSheet, parse_fact_sheet
from .form import (FORM_FILE, WHAT_IF_FIELDS, WHAT_IF_PREFIX, Answers, field_of, hidden_fields, html_id, language_field,
                   questionnaire, read_form, what_if_assignments)
from .words import WORDS

MAX_BODY = 1024 * 1024  # 1 MiB: a fact sheet is a few hundred bytes
REQUEST_FILE = "<request>"  # the file name the problems of an API request carry
MAX_SHEET_NAME = 100  # a sheet's file name given in Content-Disposition
API_FORMATS = {"json": "application/json", "html": "text/html", "markdown": "text/markdown",
               "text": "text/plain"}
YAML_TYPES = ("application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml")
JSON_TYPES = ("application/json",)
# Nothing external, ever: styles are inline, there is no script, forms post to this site.
CONTENT_SECURITY_POLICY = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'; "
                           "base-uri 'none'; frame-ancestors 'none'")
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",  # reports carry an owner's answers: no cache keeps them
}

log = logging.getLogger("advise.web")


class _Workers(threading.local):
    """Per thread: its own Advisor and Renderers (durable_rules is not shared across threads)."""

    advisor: Any = None
    renderers: dict[str, Any] | None = None


# The report's words that speak of the command line, as an owner on the web reads them;
# the API keeps the CLI's words (its bytes are the CLI's).
FORM_MESSAGES = {
    "set_on_command_line": {"en": "changed in “What if?”", "fr": "modifié dans « Et si… ? »"},
    "generated_by": {
        "en": "Report produced by advise from the answers to the questionnaire. The same answers always give "
              "the same report.",
        "fr": "Rapport produit par advise à partir des réponses au questionnaire. Les mêmes réponses donnent "
              "toujours le même rapport.",
    },
}
# The form's answers have no file name: the report takes the unnamed sheet's closing line.
FORM_MESSAGES["generated_by_unnamed"] = FORM_MESSAGES["generated_by"]


class Service:
    """What the routes need: the rule base and templates, one Advisor per thread."""

    def __init__(self, rules_dir: str | os.PathLike[str] | None, templates_dir: str | os.PathLike[str] | None,
                 consultant: Consultant | None = None):
        from ..advisor import Advisor, default_templates_dir
        from ..render.renderer import Renderer

        self.rules_dir = Path(rules_dir) if rules_dir is not None else None
        self.templates_dir = Path(templates_dir) if templates_dir is not None else default_templates_dir()
        self.consultant = consultant  # signs every report, as `advise FILE --consultant` does
        self._local = _Workers()
        # Built here, once: a broken rule base or template folder stops the start, not a request.
        first = Advisor(self.rules_dir, cache=True)
        self.rulebook = first.rulebook
        self.renderer_class = Renderer
        Renderer(self.templates_dir)
        self.advisors: dict[int, Any] = {}  # thread id -> its advisor (read by the tests)
        self._lock = threading.Lock()
        self._forms: dict[str, Any] = {}
        self.report_css = (self.templates_dir / "_report.css").read_text(encoding="utf-8") \
            if (self.templates_dir / "_report.css").is_file() else ""

    def advisor(self) -> Any:
        local = self._local
        if local.advisor is None:
            from ..advisor import Advisor

            local.advisor = Advisor(self.rules_dir, cache=True)
            with self._lock:
                self.advisors[threading.get_ident()] = local.advisor
        return local.advisor

    def renderer(self, audience: str = "api") -> Any:
        """The thread's renderer: "api" speaks as the CLI, "form" as the questionnaire."""
        local = self._local
        if local.renderers is None:
            local.renderers = {}
        renderer = local.renderers.get(audience)
        if renderer is None:
            renderer = local.renderers[audience] = self.renderer_class(self.templates_dir)
            if audience == "form":
                renderer.messages = {**renderer.messages, **{key: texts for key, texts in FORM_MESSAGES.items()
                                                             if key in renderer.messages}}
        return renderer

    def questionnaire(self, lang: str) -> Any:
        """The questionnaire for a language, built once (it reads the rules to say why we ask)."""
        found = self._forms.get(lang)
        if found is None:
            found = self._forms[lang] = questionnaire(self.rulebook, lang)
        return found

    def report(self, sheet: FactSheet, lang: str, fmt: str, *, hints: bool = True,
               assignments: list[str] | None = None, audience: str = "api") -> str:
        from ..explain.report import build_report

        advisor = self.advisor()
        changes = None
        if assignments:
            from ..explain.whatif import what_if

            result, changes = what_if(advisor, sheet, assignments)
        else:
            result = advisor.run(sheet)
        found_hints = None
        if hints:
            from ..explain.counterfactual import find_hints

            found_hints = find_hints(advisor, result)
        # The date: SOURCE_DATE_EPOCH, else the day of the request (a server runs for days).
        report = build_report(result, lang, hints=found_hints, what_if=changes, consultant=self.consultant,
                              for_json=fmt == "json")
        return self.renderer(audience).render(report, fmt)


def create_app(rules_dir: str | os.PathLike[str] | None = None,
               templates_dir: str | os.PathLike[str] | None = None, consultant: Consultant | None = None) -> Flask:
    """The Flask app; `consultant` signs its reports (advise.sheet.consultant.load_consultant).
    Raises AdviseError (exit 2) if the rule base or the templates are broken."""
    service = Service(rules_dir, templates_dir, consultant)
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = MAX_BODY
    app.config["MAX_FORM_MEMORY_SIZE"] = MAX_BODY
    app.extensions["advise"] = service
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    @app.after_request
    def secure(response: Response) -> Response:
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if request.path == "/":
            response.headers.add("Vary", "Accept-Language")
        return response

    @app.get("/healthz")
    def healthz() -> Response:
        return Response("ok\n", mimetype="text/plain")

    @app.get("/")
    def form_page() -> Any:
        lang = _page_lang()
        values = {"lang": [lang]}
        return _form_response(service, lang, values, None, 200)

    @app.post("/")
    def form_post() -> Any:
        answers = read_form(request.form)
        lang = answers.lang or _page_lang()
        if not answers.ok:
            return _form_response(service, lang, answers.values, answers, 422)
        return _report_response(service, answers, lang)

    @app.post("/edit")
    def edit() -> Any:
        """'Change my answers': the questionnaire again, filled with the answers (posted, so that
        they never appear in an address or a log)."""
        values = {name: [str(v) for v in request.form.getlist(name)] for name in request.form.keys()
                  if not name.startswith(WHAT_IF_PREFIX)}
        lang = (values.get("lang") or [""])[0]
        lang = lang if lang in REPORT_LANGS else _page_lang()
        return _form_response(service, lang, values, None, 200)

    @app.post("/api/advise")
    def api() -> Any:
        return _api(service)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Any:
        code = error.code or 500
        if request.path.startswith("/api/"):
            key = {413: "too_large", 404: "not_found", 405: "method"}.get(code)
            message = WORDS["en"][key] if key else (error.description or error.name)
            return _json({"problems": [{"code": f"http-{code}", "message": message}]}, code)
        lang = _page_lang()
        key = {413: "too_large", 404: "not_found", 405: "method"}.get(code, "server_error")
        return render_template("message.html", lang=lang, w=WORDS[lang], message=WORDS[lang][key],
                               css=Markup(service.report_css)), code

    @app.errorhandler(Exception)
    def internal_error(error: Exception) -> Any:
        # The type only: a message could quote an answer, and answers are never logged.
        log.error("internal error on %s %s: %s", request.method, request.path, type(error).__name__)
        if request.path.startswith("/api/"):
            return _json({"problems": [{"code": "internal", "message": "internal error"}]}, 500)
        lang = _page_lang()
        return render_template("message.html", lang=lang, w=WORDS[lang], message=WORDS[lang]["server_error"],
                               css=Markup(service.report_css)), 500

    return app


def _page_lang() -> str:
    asked = request.args.get("lang", "")
    if asked in REPORT_LANGS:
        return asked
    return request.accept_languages.best_match(REPORT_LANGS, default="en") or "en"


def _form_response(service: Service, lang: str, values: dict[str, list[str]], answers: Answers | None,
                   status: int) -> Any:
    words = WORDS[lang]
    problems = answers.problems if answers is not None else {}
    shown: dict[str, list[str]] = {}
    for name, found in problems.items():
        shown[name] = [_problem_text(problem, lang, words, in_form=bool(name)) for problem in found]
    summary = []
    for section in service.questionnaire(lang):
        for item in section.fields:
            for text in shown.get(item.name, ()):
                summary.append((item.id, item.question, text))
    for text in shown.get("lang", ()):
        summary.append(("f-lang", words["language"], text))
    html = render_template("questionnaire.html", lang=lang, w=words, sections=service.questionnaire(lang),
                           language=language_field(lang), values=values, errors=shown, summary=summary,
                           general=shown.get("", []), count=answers.count() if answers else 0,
                           css=Markup(service.report_css))
    return Response(html, status=status, mimetype="text/html")


def _problem_text(problem: Problem, lang: str, words: dict[str, str], *, in_form: bool) -> str:
    if problem.code == "missing-field" and in_form:
        return words["answer_required"]
    text = problem.message(lang)
    if not in_form and problem.field:
        text = f"{problem.field}{' :' if lang == 'fr' else ':'} {text}"
    hint = problem.hint_text(lang)
    if hint:
        text += f" ({hint})"
    return text


def _report_response(service: Service, answers: Answers, lang: str) -> Any:
    """The HTML report of `advise FILE --format html`, with 'change my answers' and the what-if block."""
    assert answers.sheet is not None
    assignments, what_if_problems = what_if_assignments(answers)
    try:
        html = service.report(answers.sheet, lang, "html", assignments=assignments or None, audience="form")
    except FactSheetError as error:  # what only the rule base decides (a sector it does not know)
        answers.sheet = None
        answers.problems = {}
        for problem in error.problems:
            answers.problems.setdefault(field_of(problem.field), []).append(problem)
        return _form_response(service, lang, answers.values, answers, 422)
    words = WORDS[lang]
    asked = {name: (answers.values.get(WHAT_IF_PREFIX + name) or [""])[0] for name in WHAT_IF_FIELDS}
    current = {name: _shown_number(answers.sheet.facts.get(name)) for name in WHAT_IF_FIELDS}
    hidden = hidden_fields(answers.values)
    top = render_template("report_top.html", lang=lang, w=words, hidden=hidden)
    block = render_template(
        "report_actions.html", lang=lang, w=words, hidden=hidden,
        what_if=[(name, html_id(WHAT_IF_PREFIX + name), words["hours_label" if "hours" in name else "budget_label"],
                  asked[name] or current[name],
                  [_problem_text(p, lang, words, in_form=True) for p in what_if_problems.get(name, [])])
                 for name in WHAT_IF_FIELDS],
        changed=bool(assignments))
    css = render_template("_form.css")
    page = _inject(html, top, block, css)
    return Response(page, status=422 if what_if_problems else 200, mimetype="text/html")


def _shown_number(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return "" if value is None else str(value)


def _inject(html: str, top: str, block: str, css: str) -> str:
    """The web's own parts around the report, whose page stays the templates' own: its style
    in the head, 'change my answers' first, the what-if block after the summary (which holds
    the verdict), before the details."""
    def insert(text: str, markers: tuple[str, ...], piece: str, *, before: bool = False) -> str:
        for marker in markers:
            at = text.find(marker)
            if at >= 0:
                at = at if before else at + len(marker)
                return text[:at] + "\n" + piece + "\n" + text[at:]
        return piece + text

    html = insert(html, ("</head>",), f"<style>\n{css}</style>", before=True)
    if '<section class="details"' in html:
        html = insert(html, ('<section class="details"',), block, before=True)
    else:
        html = insert(html, ("</header>", "<main>", "<body>"), block)
    return insert(html, ("<main>", "<body>"), top)


# ---------------------------------------------------------------- the API


def _api(service: Service) -> Any:
    fmt = request.args.get("format", "json")
    lang_arg = request.args.get("lang")
    hints_arg = request.args.get("hints", "true").lower()
    problems = []
    if fmt not in API_FORMATS:
        problems.append(Problem("bad-format", {"value": fmt}, field="format", **did_you_mean(fmt, API_FORMATS)))
    if lang_arg is not None and lang_arg not in REPORT_LANGS:
        problems.append(Problem("bad-choice", {"value": lang_arg, "choices": ", ".join(REPORT_LANGS)}, field="lang",
                                **did_you_mean(lang_arg, REPORT_LANGS)))
    if hints_arg not in ("true", "false", "1", "0", "yes", "no"):
        problems.append(Problem("bad-choice", {"value": hints_arg, "choices": "true, false"}, field="hints"))
    error_lang = lang_arg if lang_arg in REPORT_LANGS else "en"
    if problems:
        return _problems(problems, error_lang)
    mimetype = (request.mimetype or "").lower()
    if mimetype not in YAML_TYPES + JSON_TYPES:
        return _json({"problems": [{"code": "unsupported-media-type",
                                    "message": "send the fact sheet as application/yaml or application/json"}]}, 415)
    raw = request.get_data(cache=False)
    try:
        name = _sheet_name(request.headers.get("Content-Disposition"))
        sheet = _sheet_from_body(raw, mimetype in JSON_TYPES, name)
    except FactSheetError as error:
        return _problems(error.problems, error_lang)
    lang = lang_arg or sheet.lang or "en"
    try:
        text = service.report(sheet, lang, fmt, hints=hints_arg in ("true", "1", "yes"))
    except AdviseError as error:
        if error.exit_code == 2:
            return _problems(error.problems, lang)
        raise
    return Response(text, mimetype=API_FORMATS[fmt])


def _sheet_name(disposition: str | None) -> str | None:
    """The sheet's file name, when the client gives it (`Content-Disposition: attachment;
    filename="fleuriste.yaml"`): the report names it where `advise fleuriste.yaml` does, so
    the API gives the CLI's very bytes. Only the name, never a folder."""
    if not disposition:
        return None
    from werkzeug.http import parse_options_header

    name = parse_options_header(disposition)[1].get("filename", "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    if not name or len(name) > MAX_SHEET_NAME or not name.isprintable():
        shown = "".join(ch if ch.isprintable() else "?" for ch in name[:MAX_SHEET_NAME])
        raise FactSheetError(Problem("wrong-type", {"expected": f"a file name of 1 to {MAX_SHEET_NAME} printable "
                                                                "characters", "found": repr(shown)},
                                     field="Content-Disposition"))
    return name


def _sheet_from_body(raw: bytes, is_json: bool, name: str | None = None) -> FactSheet:
    from ..sheet.yamlload import load_yaml_text

    try:
        text = raw.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        raise FactSheetError(Problem("not-utf8", {"offset": exc.start}, file=REQUEST_FILE)) from None
    if is_json:
        try:
            json.loads(text)
        except json.JSONDecodeError as exc:
            raise FactSheetError(Problem("yaml-syntax", {"reason": f"invalid JSON: {exc.msg}"}, file=REQUEST_FILE,
                                         line=exc.lineno, column=exc.colno)) from None
    # JSON is YAML: one loader gives the lines of both.
    data, positions = load_yaml_text(text, filename=REQUEST_FILE, error=FactSheetError)
    sheet = parse_fact_sheet(data, filename=REQUEST_FILE, positions=positions)
    return replace(sheet, path=name)  # the report shows the name given, else none


def _problems(problems: list[Problem], lang: str) -> Response:
    items = []
    for problem in problems:
        item = problem.as_dict(lang)
        item.pop("file", None)
        items.append(item)
    return _json({"problems": items}, 422)


def _json(data: Any, status: int) -> Response:
    return Response(json.dumps(data, ensure_ascii=False, indent=2) + "\n", status=status, mimetype="application/json")


__all__ = ["create_app", "Service", "MAX_BODY", "SECURITY_HEADERS"]
