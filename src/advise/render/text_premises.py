"""The premises of a step in the plain-text report, one a line, laid out in Python.

explanations/_text.j2 binds `premises(ps, indent)` to PremiseLines.premises. A report has
about a hundred premises; laid out by a Jinja macro, they took an eighth of the time of a
text report (some 0.3 ms of 2.7), for lines that only join words. The words are still
messages.yaml's, through the template's own t(); the layout is that of the macro
`premises_in_jinja` in _text.j2, which gives the same text (a test checks it on every
kind of premise). A consultant who wants premises laid out otherwise edits that macro and
binds `premises` to it instead.
"""

from __future__ import annotations

from itertools import groupby
from typing import Any, Callable

from ..explain.model import Premise
from ..explain.wording import join_and
from ..sandbox import allow_methods
from .text_layout import TextLayout, text_layout


class PremiseLines:
    """`premises(ps, indent)` for one render: its words (`t`), its layout (width, language)
    and its reader: `consultant_view` adds the sources of reference values, `owner_view`
    leaves out the sheet's line numbers (as _text.j2's variables of the same names)."""

    def __init__(self, words: Callable[..., str], layout: TextLayout, lang: str, *, consultant_view: bool,
                 owner_view: bool, steps_said: dict[tuple[int, ...], str] | None = None):
        self._t = words
        self._steps_said = {} if steps_said is None else steps_said  # numbers -> " (steps 1 and 3)"
        self._bullet = layout.bullet
        self._lang = lang
        self._consultant_view = bool(consultant_view)
        self._owner_view = bool(owner_view)
        colon = words("colon")
        self._colon = colon
        self._your_answer = words("your_answer") + colon
        self._reference_value = words("reference_value") + colon

    def premises(self, ps: Any, indent: int) -> str:
        """Each premise of `ps` (a step's `premises` or `absent`) on its own line, each line
        ended; where its value comes from follows it, e.g. " (line 4)"."""
        if not isinstance(ps, (list, tuple)):
            raise TypeError("premises() lays out a list of premises (a step's premises or absent)")
        bullet, t = self._bullet, self._t
        lines: list[str] = []
        for p in ps:
            if type(p) is not Premise:
                raise TypeError("premises() lays out a list of premises (a step's premises or absent)")
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


allow_methods(PremiseLines, "premises")  # what _text.j2 calls
_STEPS_SAID_MAX = 1024  # lists of step numbers said, for one language's words: a worker's memory stays flat


def premise_lines_for(words: Callable[..., str], lang: str) -> Callable[[int, bool, bool], PremiseLines]:
    """The `premise_lines(width, consultant_view, owner_view)` of a text render: a PremiseLines
    with the render's own words, its lines at most `width` wide (as text_layout's)."""

    steps_said: dict[tuple[int, ...], str] = {}

    def premise_lines(width: int, consultant_view: bool, owner_view: bool) -> PremiseLines:
        return PremiseLines(words, text_layout(width, lang), lang, consultant_view=consultant_view,
                            owner_view=owner_view, steps_said=steps_said)

    return premise_lines
