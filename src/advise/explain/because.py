"""The rules' `because` texts, rendered for one sheet in the reader's language (Jinja,
strict: a text that names an unknown fact is an error with the rule's id), in advise's
bounded sandbox (advise.sandbox): a text that reaches for what it may not, or runs away,
is bad input naming the rule."""

from __future__ import annotations

from typing import Any, Callable

import jinja2

from ..engine.cache import bytecode_cache
from ..errors import Problem, RuleBookError, RuleRunError, register_messages
from ..rulebase.model import Rule, RuleBook
from ..sandbox import RULE_TEXT_LIMITS, BoundedEnvironment, is_unsafe
from .wording import make_filters, typography

register_messages({
    "because-unsafe": {
        "en": "the explanation of the rule does what a rule text may not do: {reason}",
        "fr": "l'explication de la règle fait ce qu'un texte de règle ne peut pas faire : {reason}",
    },
    "because-failed": {
        "en": "the explanation of the rule cannot be written for this sheet: {reason}",
        "fr": "l'explication de la règle ne peut pas être rédigée pour cette fiche : {reason}",
    },
})


def fact_context(trace_facts: dict[str, Any], rulebook: RuleBook) -> dict[str, Any]:
    """Dotted facts as nested mappings, so templates write {{ resources.weekly_hours }}."""
    context: dict[str, Any] = {}
    for name in sorted(trace_facts):
        value = trace_facts[name]
        value = list(value) if isinstance(value, tuple) else value
        parts = name.split(".")
        node = context
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    for table_name, table in rulebook.tables.items():
        context[table_name] = table.values()
    return context


class Because:
    """Renders rules' `because` texts; one Jinja environment per language, strict."""

    def __init__(self, rulebook: RuleBook, lang: str):
        self.environment = BoundedEnvironment(limits=RULE_TEXT_LIMITS, filters=make_filters(rulebook.vocabulary, lang),
                                              undefined=jinja2.StrictUndefined, autoescape=False,
                                              keep_trailing_newline=False)
        self.lang = lang
        self.cache: dict[str, jinja2.Template] = {}

    def _compile(self, name: str, text: str) -> jinja2.Template:
        """`environment.from_string(text)`, its compiled code kept in the bytecode cache
        (advise.engine.cache.bytecode_cache), which checks the text before using the code."""
        environment = self.environment
        cache = bytecode_cache()
        if cache is None:
            return environment.from_string(text)
        bucket = cache.get_bucket(environment, name, None, text)
        code = bucket.code
        if code is None:
            code = environment.compile(text)
            bucket.code = code
            cache.set_bucket(bucket)
        return environment.template_class.from_code(environment, code, environment.make_globals(None), None)

    def render(self, rule: Rule, context: dict[str, Any]) -> str:
        return self.bound(context)(rule)

    def bound(self, context: dict[str, Any]) -> Callable[[Rule], str]:
        """render(rule, context) for many rules and one context (which must not change meanwhile).

        What `template.render(context, lang=...)` does for each, but the template's variables
        (Jinja's globals, then the context, then `lang`) are merged once, not per rule.
        """
        environment, lang = self.environment, self.lang
        variables = dict(environment.globals)
        variables.update(context)
        variables["lang"] = lang

        def render(rule: Rule) -> str:
            text = rule.because[lang]
            try:
                template = self.cache.get(rule.id) or self._compile(f"because-{lang}-{rule.id}", text)
                self.cache[rule.id] = template
                return typography(str(environment.render(template, variables, shared=True)).strip(), lang)
            except jinja2.TemplateError as error:
                if is_unsafe(error):  # the sandbox refusing a text makes the rule base bad input (exit 2)
                    raise RuleBookError(Problem("because-unsafe", {"reason": str(error)}, file=rule.file,
                                                line=rule.line, rule=rule.id, field=f"because.{lang}")) from None
                raise RuleRunError(Problem("because-failed", {"reason": str(error)}, file=rule.file, line=rule.line,
                                           rule=rule.id)) from None

        return render


# Compiling the rules' `because` texts costs far more than rendering them (about 10 ms a
# report): one compiled set per rule book and language, kept while the rule book lives.
_BECAUSE_CACHE: dict[tuple[int, str], tuple[RuleBook, Because]] = {}


def because_for(rulebook: RuleBook, lang: str) -> Because:
    key = (id(rulebook), lang)
    cached = _BECAUSE_CACHE.get(key)
    if cached is None or cached[0] is not rulebook:
        if len(_BECAUSE_CACHE) >= 8:
            _BECAUSE_CACHE.clear()
        cached = _BECAUSE_CACHE[key] = (rulebook, Because(rulebook, lang))
    return cached[1]


