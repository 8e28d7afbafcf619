"""The prediction of a run with one answer changed (advise.engine.prediction): what the real
engine concludes, computed from the first run's trace, or None when it cannot tell."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from advise.advisor import Advisor
from advise.explain.counterfactual import bool_candidates, numeric_candidates
from advise.sheet.facts import OBJECTIVES, PLATFORMS, SHEET_FIELDS, apply_overrides, fact_sheet_from_mapping, \
    load_fact_sheet

from conftest import EXAMPLES

_ADVISOR: list[Advisor] = []


def advisor() -> Advisor:
    if not _ADVISOR:
        _ADVISOR.append(Advisor(None))
    return _ADVISOR[0]


def text(value: Any) -> str:
    return ("true" if value else "false") if isinstance(value, bool) else repr(value)


@pytest.mark.parametrize("example", sorted(EXAMPLES.glob("*.yaml")), ids=lambda path: path.stem)
def test_every_hint_candidate_is_predicted_as_the_engine_decides_it(example: Path) -> None:
    sheet = load_fact_sheet(example)
    result = advisor().run(sheet)
    changes = [(name, value) for name, values in numeric_candidates(result).items() for value in values]
    changes += [(name, not sheet.facts[name]) for name in bool_candidates(result)]
    assert changes
    for name, value in changes:
        changed = apply_overrides(sheet, [f"{name}={text(value)}"])
        predicted = advisor().predictor.facts(result.trace, {name: changed.facts[name]})
        assert predicted == advisor().run(changed).trace.facts, (name, value)


def test_no_change_predicts_the_run_itself() -> None:
    result = advisor().run(load_fact_sheet(EXAMPLES / "fleuriste.yaml"))
    assert advisor().predictor.facts(result.trace, {}) == result.trace.facts
    hours = result.sheet.facts["resources.weekly_hours"]
    assert advisor().predictor.facts(result.trace, {"resources.weekly_hours": hours}) == result.trace.facts


def test_what_the_engine_would_compare_otherwise_is_left_to_the_engine() -> None:
    """A text where the rules compare numbers: durable and Python may disagree, so no guess."""
    result = advisor().run(load_fact_sheet(EXAMPLES / "fleuriste.yaml"))
    assert advisor().predictor.facts(result.trace, {"resources.weekly_hours": "three"}) is None


ACTIONABLE_BOOLS = [name for name, spec in SHEET_FIELDS.items() if spec.type == "bool"]


@st.composite
def sheets_and_one_change(draw: st.DrawFn) -> tuple[dict, str, Any]:
    mapping = yaml.safe_load((EXAMPLES / draw(st.sampled_from(sorted(p.name for p in EXAMPLES.glob("*.yaml"))))).read_text())
    for name in ACTIONABLE_BOOLS:
        section, key = name.split(".")
        mapping.setdefault(section, {})[key] = draw(st.booleans())
    hours = st.one_of(st.integers(0, 40), st.floats(0, 168, allow_nan=False).map(lambda x: round(x, 1)))
    budget = st.one_of(st.integers(0, 3000), st.floats(0, 100_000, allow_nan=False).map(lambda x: round(x, 2)))
    mapping["resources"]["weekly_hours"] = draw(hours)
    mapping["resources"]["monthly_budget"] = draw(budget)
    mapping["objectives"] = draw(st.lists(st.sampled_from(list(OBJECTIVES)), unique=True, max_size=3))
    mapping["profiles"]["planned"] = draw(st.lists(st.sampled_from(list(PLATFORMS)), unique=True, max_size=5))
    name = draw(st.sampled_from(["resources.weekly_hours", "resources.monthly_budget", *ACTIONABLE_BOOLS]))
    if name == "resources.weekly_hours":
        value = draw(hours)
    elif name == "resources.monthly_budget":
        value = draw(budget)
    else:
        value = draw(st.booleans())
    return mapping, name, value


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sheets_and_one_change())
def test_any_sheet_with_one_answer_changed_is_predicted_as_the_engine_decides_it(case: tuple[dict, str, Any]) -> None:
    mapping, name, value = case
    sheet = fact_sheet_from_mapping(mapping)
    result = advisor().run(sheet)
    changed = apply_overrides(sheet, [f"{name}={text(value)}"])
    predicted = advisor().predictor.facts(result.trace, {name: changed.facts[name]})
    assert predicted == advisor().run(changed).trace.facts


def test_what_a_rule_concludes_without_computing_is_what_conclude_gives() -> None:
    """The predictor keeps the conclusions of rules that compute nothing: the same as
    advise.engine.inference.conclude gives them, whatever the facts."""
    from advise.engine.inference import conclude

    program = advisor().program
    kept = advisor().predictor.constants
    assert kept
    for rule_id, concluded in kept.items():
        assert concluded == conclude(program, rule_id, {})[0], rule_id
    computing = [rule_id for rule_id, compiled in program.rules.items()
                 if any(conclusion.expression is not None for conclusion in compiled.rule.then)]
    assert computing and not set(computing) & set(kept)


def test_predictions_are_the_same_from_a_new_predictor_and_after_its_memory_is_cleared(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """What the predictor keeps from one prediction to the next (which rules and facts a change
    reaches) changes no prediction, nor does the bound on how much of it it keeps."""
    from advise.engine import prediction
    from advise.engine.prediction import Predictor

    for example in sorted(EXAMPLES.glob("*.yaml")):
        result = advisor().run(load_fact_sheet(example))
        changes = [(name, float(value)) for name, values in numeric_candidates(result).items() for value in values]
        changes += [(name, not result.sheet.facts[name]) for name in bool_candidates(result)]
        kept = [advisor().predictor.facts(result.trace, {name: value}) for name, value in changes]
        fresh = [Predictor(advisor().program).facts(result.trace, {name: value}) for name, value in changes]
        assert kept == fresh, example.name
        monkeypatch.setattr(prediction, "_MAX_PLANS", 1)
        bounded = Predictor(advisor().program)
        assert [bounded.facts(result.trace, {name: value}) for name, value in changes] == fresh, example.name
        assert len(bounded._plans) <= 1
        monkeypatch.undo()


def test_a_predictor_from_its_index_in_the_cache_is_the_one_computed(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """The index the cache keeps with the rule base (Predictor.index, pickled) gives a
    predictor equal to one computed from the program, which predicts the same; and a rule
    base loaded from the cache uses it."""
    import pickle

    from advise.engine.prediction import Predictor

    program = advisor().program
    fresh = Predictor(program)
    index = pickle.loads(pickle.dumps(fresh.index(), protocol=pickle.HIGHEST_PROTOCOL))
    assert not [name for name in pickle.dumps(index).split(b"advise")[1:]]  # no class of advise's to import
    restored = Predictor(program, index=index)
    for name in (*Predictor._INDEX, "_plans"):
        assert getattr(restored, name) == getattr(fresh, name), name
    assert restored.shapes.keys() == fresh.shapes.keys()
    for rule_id, shape in fresh.shapes.items():
        for part in _Shape_parts:
            assert getattr(restored.shapes[rule_id], part) == getattr(shape, part), (rule_id, part)
    for example in sorted(EXAMPLES.glob("*.yaml")):
        result = advisor().run(load_fact_sheet(example))
        changes = [(name, float(value)) for name, values in numeric_candidates(result).items() for value in values]
        changes += [(name, not result.sheet.facts[name]) for name in bool_candidates(result)]
        assert [restored.facts(result.trace, {name: value}) for name, value in changes] == \
            [fresh.facts(result.trace, {name: value}) for name, value in changes], example.name
    monkeypatch.setenv("ADVISE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("ADVISE_NO_CACHE", raising=False)
    Advisor(None, cache=True)  # fills the cache
    cached = Advisor(None, cache=True)
    assert cached._prediction_index is not None and cached._prediction_index == fresh.index()
    assert cached.predictor.readers == fresh.readers
    cached = Advisor(None, cache=True)
    cached._prediction_index = {"shapes": {}}  # not an index this code wrote: computed afresh
    assert cached.predictor.readers == fresh.readers


_Shape_parts = ("positives", "alternatives", "negations", "decidable")


def _reference_fires(rule_id: str, store: dict[str, Any]) -> bool:
    """A rule's conditions decided straight from the rule (all / any / none, in the rule's
    order), as the prediction decided them before it kept them as tests."""
    from advise.engine.compiler import computed_from
    from advise.engine.prediction import _comparable, _Undecided
    from advise.rulebase.model import Group
    from advise.rulebase.operators import OPERATORS

    def matches(condition: Any) -> bool:
        if condition.fact not in store:
            return False
        value = store[condition.fact]
        if condition.op == "present":
            return True
        if type(value) is not type(condition.operand) and not _comparable(value, condition.operand):
            raise _Undecided(condition.fact)
        return bool(OPERATORS[condition.op].evaluate(value, condition.operand))

    program = advisor().program
    rule = program.rules[rule_id].rule
    positives, negations, alternatives = [], [], []
    for item in rule.when.items:
        if isinstance(item, Group) and item.kind == "any":
            options = [list(sub.conditions()) if isinstance(sub, Group) else [sub] for sub in item.items]
            if any(c.negated for option in options for c in option):
                raise _Undecided(rule_id)
            alternatives.append(options)
        else:
            for condition in (item.conditions() if isinstance(item, Group) else (item,)):
                (negations if condition.negated else positives).append(condition)
    positives.extend(computed_from(program.rulebook, rule))
    return (all(matches(c) for c in positives)
            and all(any(all(matches(c) for c in option) for option in options) for options in alternatives)
            and not any(matches(c) for c in negations))


odd_values = st.one_of(st.none(), st.booleans(), st.integers(-5, 200), st.floats(-5, 1e5, allow_nan=False),
                       st.sampled_from(["", "local", "instagram", "facebook", "yes"]),
                       st.lists(st.sampled_from(["instagram", "facebook", "linkedin", "tiktok", "x"]), max_size=3)
                       .map(tuple))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(sorted(p.name for p in EXAMPLES.glob("*.yaml"))), st.data())
def test_each_rule_is_decided_as_its_conditions_say_whatever_the_facts(example: str, data: st.DataObject) -> None:
    """The prediction's kept tests decide every rule as the rule's own conditions do, on facts
    of every type (present, absent, of another type than the rule compares: undecided), in
    the same order: the same test raises."""
    from advise.engine.prediction import _Undecided

    store = dict(advisor().run(load_fact_sheet(EXAMPLES / example)).trace.facts)
    for name in data.draw(st.lists(st.sampled_from(sorted(advisor().rulebook.facts)), max_size=6)):
        value = data.draw(odd_values)
        if value is None:
            store.pop(name, None)
        else:
            store[name] = value
    predictor = advisor().predictor
    for rule_id in advisor().program.rules:
        outcomes = []
        for decide in (predictor._fires, _reference_fires):
            try:
                outcomes.append(decide(rule_id, store))
            except (_Undecided, TypeError, ValueError) as error:  # facts() makes each of them None
                outcomes.append(type(error).__name__)
        assert outcomes[0] == outcomes[1], rule_id
