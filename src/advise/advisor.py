"""The library's front door: a rule base loaded and compiled once, run on many sheets."""

from __future__ import annotations

import os
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .engine.compiler import STAGE, Program, compile_rulebook
from .engine.durable import Engine, check_definition, registration_text
from .engine.inference import infer, plan_of
from .engine.trace import Trace
from .records import Record
from .rulebase.model import RuleBook
from .sheet.facts import FactSheet, check_open_choices, fact_sheet_from_mapping, load_fact_sheet

if TYPE_CHECKING:  # imported when hints are asked for, not by every run
    from .engine.prediction import Predictor

_PACKAGE = Path(__file__).resolve().parent


def default_rules_dir() -> Path:
    """$ADVISE_RULES, else the rules/ of a source checkout, else the copy shipped in the package."""
    return _data_dir("ADVISE_RULES", "rules")


def default_templates_dir() -> Path:
    return _data_dir("ADVISE_TEMPLATES", "explanations")


def _data_dir(variable: str, name: str) -> Path:
    if os.environ.get(variable):
        return Path(os.environ[variable])
    checkout = _PACKAGE.parent.parent / name
    if checkout.is_dir():
        return checkout
    return _PACKAGE / "data" / name


class Result(Record):
    """One sheet advised: the sheet, the rule base, and the trace of the run."""

    def __init__(self, sheet: FactSheet, rulebook: RuleBook, trace: Trace) -> None:
        self.__dict__.update(sheet=sheet, rulebook=rulebook, trace=trace)

    @property
    def facts(self) -> dict[str, Any]:
        return self.trace.facts


class Advisor:
    """Load, check and compile a rule base once; then `run` any number of fact sheets."""

    def __init__(self, rules_dir: str | os.PathLike[str] | None = None, *, cache: bool = False):
        """`cache`: reuse the rule base loaded and compiled by an earlier process (advise.engine.cache)."""
        self.rules_dir = Path(rules_dir) if rules_dir is not None else default_rules_dir()
        self._prediction_index: dict[str, Any] | None = None
        if cache:
            from .engine.cache import cached

            self.rulebook, self.program, text, self._prediction_index = cached(
                self.rules_dir, lambda: self._load(with_text=True),
                valid=lambda value: isinstance(value, tuple) and len(value) == 4
                and isinstance(value[0], RuleBook) and isinstance(value[1], Program) and isinstance(value[2], str)
                and isinstance(value[3], dict))
        else:
            self.rulebook, self.program, text, _ = self._load()
        # Checked by `_load`, before the cache kept it: not again at every start; registered
        # with the JSON text kept in the cache, not written again.
        # Every batch of a run ends with a stage fact (advise.engine.inference), which ends it for durable too.
        self.engine = Engine(self.program.definition, check=False, text=text, end_type=STAGE)

    def _load(self, with_text: bool = False) -> tuple[RuleBook, Program, str | None, dict[str, Any] | None]:
        """The rule base read and compiled, its durable definition checked (only a rule base
        that passes reaches the cache); `with_text`: and what the cache keeps with them, the
        JSON text durable registers (advise.engine.durable.registration_text) and the hints'
        predictor's index of the program (advise.engine.prediction.Predictor.index)."""
        from .rulebase.loading import load_rulebook  # not needed when the cache holds the rule base

        rulebook = load_rulebook(self.rules_dir)
        program = compile_rulebook(rulebook)
        check_definition(program.definition)
        for name, member in vars(Program).items():  # what runs compute once per rule base: kept in the cache too
            if isinstance(member, cached_property):
                getattr(program, name)
        plan_of(program)
        if not with_text:
            return rulebook, program, None, None
        from .engine.prediction import Predictor

        return rulebook, program, registration_text(program.definition, STAGE), Predictor(program).index()

    def run(self, sheet: FactSheet) -> Result:
        check_open_choices(sheet, self.rulebook.vocabulary.open_choices())
        return Result(sheet=sheet, rulebook=self.rulebook, trace=infer(self.program, self.engine, sheet.facts))

    @cached_property
    def predictor(self) -> Predictor:
        """Predicts runs with answers changed, from a run's trace (advise.engine.prediction)."""
        from .engine.prediction import Predictor

        if self._prediction_index is not None:
            try:
                return Predictor(self.program, index=self._prediction_index)
            except (KeyError, TypeError, ValueError):  # not an index this code wrote: computed afresh
                pass
        return Predictor(self.program)

    def run_file(self, path: str | os.PathLike[str]) -> Result:
        return self.run(load_fact_sheet(path))

    def run_mapping(self, mapping: dict[str, Any], *, filename: str = "<facts>") -> Result:
        return self.run(fact_sheet_from_mapping(mapping, filename=filename))
