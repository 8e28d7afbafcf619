"""The reasoning of the plain-text report, step by step, laid out in Python.

The appendix of a text report tells some twenty steps and a hundred premises. Laid out by
Jinja macros, they were a third of the time of a text report: each call, attribute and
`~` of a template goes through the sandbox's checks, for lines that only join words. So
explanations/_text.j2 binds `step_text(step)` and `premises(ps, indent)` to the methods of
ReasoningLines. The words are still messages.yaml's, through the render's own t(), and
paragraphs are wrapped by the template's own layout (advise.render.text_layout). The text
is that of the macros `step_in_jinja` and `premises_in_jinja` in _text.j2 (a test checks it
on every kind of step and premise, for both readers): a consultant who wants the reasoning
laid out otherwise edits those macros and binds the names to them instead.
"""

from __future__ import annotations

from itertools import groupby
from typing import Any, Callable

from ..explain.model import Premise, Step
from ..explain.wording import join_and
from ..sandbox import allow_methods
from .text_layout import text_layout

_NOT_PREMISES = "premises() lays out a list of premises (a step's premises or absent)"


class ReasoningLines:
    """`step_text(step)` and `premises(ps, indent)` for one render: its words (`words`, t),
    `style` (bold on a terminal), the template's layout (`width`, `lang`) and its reader:
    `consultant_view` adds each step's rule, the rules it overruled, every source and the
    sources of reference values; `owner_view` leaves out the sheet's line numbers (as
    _text.j2's variables of the same names)."""

    def __init__(self, words: Callable[..., str], style: Callable[..., str], width: int, lang: str, *,
                 consultant_view: bool, owner_view: bool, steps_said: dict[tuple[int, ...], str] | None = None):
        layout = text_layout(width, lang)
        self._t, self._style, self._lang = words, style, lang
        self._wrap, self._bullet = layout.wrap, layout.bullet
        self._consultant_view = bool(consultant_view)
        self._owner_view = bool(owner_view)
        self._steps_said = {} if steps_said is None else steps_said  # numbers -> " (steps 1 and 3)"
        colon = words("colon")
        self._colon = colon
        self._your_answer = words("your_answer") + colon
        self._reference_value = words("reference_value") + colon
        self._concludes = words("concludes") + colon
        self._source_label = words("source") + colon
        self._based_on = words("based_on")

    def step(self, step: Any) -> str:
        """A step of the reasoning, after a blank line: its number and title, why it holds, what
        it relied on, what it concluded, its source; every line ended."""
        if type(step) is not Step:
            raise TypeError("step_text() lays out a step of the reasoning (a theme's steps)")
        wrap = self._wrap
        title = self._style(f"{step.number}. {step.title}", bold=True)
        if self._consultant_view:
            title = f"{title}  ({self._t('rule')} {step.rule})"
        lines = ["\n", title, "\n", wrap(step.because, 3), "\n"]
        ps, absent = step.premises, step.absent
        if ps or absent:
            lines += ["   ", self._based_on, "\n", self.premises(ps, 3)]
            if absent:
                lines.append(self.premises(absent, 3))
        for fact in step.concluded:
            lines += [wrap(f"{self._concludes}{fact.label} = {fact.shown}", 3), "\n"]
        if self._consultant_view:
            for label, winner, winner_title in step.overruled_by:
                lines += [wrap(self._t("overruled_by", winner=winner, title=winner_title, fact=label), 3), "\n"]
        for source in step.sources if self._consultant_view else step.sources[:1]:
            lines += [wrap(f"{self._source_label}{source}", 3), "\n"]
        return "".join(lines)

    def premises(self, ps: Any, indent: int) -> str:
        """Each premise of `ps` (a step's `premises` or `absent`) on its own line, each line
        ended; where its value comes from follows it, e.g. " (line 4)"."""
        if not isinstance(ps, (list, tuple)):
            raise TypeError(_NOT_PREMISES)
        bullet, t = self._bullet, self._t
        lines: list[str] = []
        for p in ps:
            if type(p) is not Premise:
                raise TypeError(_NOT_PREMISES)
            kind = p.kind
            if kind == "table":
                lines.append(bullet(f"{self._reference_value}{p.label} = {p.shown}", indent))
                if self._consultant_view:
                    lines += self._sources(p.entries, indent + 2)
            elif kind == "absent":
                lines.append(bullet(t("nothing_concluded", fact=p.label), indent))
            elif kind == "sheet" or kind == "override":
                lines.append(bullet(f"{self._your_answer}{p.label} = {p.shown}{self._origin(p)}", indent))
            elif kind == "default":
                lines.append(bullet(f"{p.label} = {p.shown} ({t('rule_base_default')})", indent))
            else:  # a derived fact: the steps that concluded it
                lines.append(bullet(f"{p.label} = {p.shown}{self._steps(p.numbers)}", indent))
            lines.append("\n")
        return "".join(lines)

    def _origin(self, p: Premise) -> str:
        """Where the owner's answer comes from: set with --set, its line on the sheet (for the
        consultant), the default answer, or the steps that gave it."""
        t = self._t
        if p.kind == "override":
            return f" ({t('set_on_command_line')})"
        if p.sheet_line:
            return "" if self._owner_view else f" ({t('line')} {p.sheet_line})"
        if not p.stated:
            return f" ({t('default_answer')})"
        return self._steps(p.numbers)

    def _steps(self, numbers: tuple[int, ...]) -> str:
        """" (step 3)", " (steps 1 and 3)", or nothing: said once for each list of numbers (a
        report refers to the same steps again and again), in a bounded memory."""
        said = self._steps_said.get(numbers)
        if said is None:
            if not numbers:
                return ""
            key = "step_many" if len(numbers) > 1 else "step_one"
            said = f" ({self._t(key, n=join_and(list(numbers), self._lang))})"
            if len(self._steps_said) >= _STEPS_SAID_MAX:
                self._steps_said.clear()
            self._steps_said[tuple(numbers)] = said
        return said

    def _sources(self, entries: tuple[Any, ...], indent: int) -> list[str]:
        """The sources of a reference value's entries: each in full, or "see step N" where the
        report gave it already (one line for the entries of each such step)."""
        t, bullet, colon = self._t, self._bullet, self._colon
        lines = [f"\n{bullet(t('source_of', name=entry.name) + colon + str(entry.source), indent, '· ')}"
                 for entry in entries if entry.cited_at is None]
        cited = sorted((entry for entry in entries if entry.cited_at), key=lambda entry: entry.cited_at)
        for number, group in groupby(cited, key=lambda entry: entry.cited_at):
            names = join_and([entry.name for entry in group], self._lang)
            steps = t("step_one", n=join_and([number], self._lang))
            lines.append(f"\n{bullet(t('source_see', names=names, steps=steps), indent, '· ')}")
        return lines


allow_methods(ReasoningLines, "step", "premises")  # what _text.j2 binds
_STEPS_SAID_MAX = 1024  # lists of step numbers said, for one language's words: a worker's memory stays flat


def reasoning_lines_for(words: Callable[..., str], style: Callable[..., str], lang: str,
                        steps_said: dict[tuple[int, ...], str]) -> Callable[[int, bool, bool], ReasoningLines]:
    """The `reasoning_lines(width, consultant_view, owner_view)` of a text render: its
    ReasoningLines, with the render's own words and style, its lines at most `width` wide (as
    text_layout's). `steps_said`: kept from render to render for the same words."""

    def reasoning_lines(width: int, consultant_view: bool, owner_view: bool) -> ReasoningLines:
        return ReasoningLines(words, style, width, lang, consultant_view=consultant_view, owner_view=owner_view,
                              steps_said=steps_said)

    return reasoning_lines
