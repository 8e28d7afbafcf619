"""Closed sets are enums (enum.StrEnum), and read exactly as the text they replaced: in JSON,
in templates and messages, in the rule-base cache."""

from __future__ import annotations

import json
import pickle
from enum import StrEnum

import jinja2
import pytest

from advise.errors import Problem, Severity
from advise.explain.answers import CheckStatus, RuleStatus
from advise.rulebase.model import THEN_KEYS, ConclusionKind

ENUMS = [Severity, ConclusionKind, CheckStatus, RuleStatus]


@pytest.mark.parametrize("enum", ENUMS, ids=lambda enum: enum.__name__)
def test_each_member_reads_as_its_text(enum: type[StrEnum]) -> None:
    template = jinja2.Environment(autoescape=True).from_string("{{ member }}|{{ member == text }}")
    for member in enum:
        text = member.value
        assert member == text and str(member) == text and f"{member}" == text
        assert json.dumps({"status": member}) == json.dumps({"status": text})
        assert template.render(member=member, text=text) == f"{text}|True"
        assert pickle.loads(pickle.dumps(member)) is member


def test_a_problem_given_its_severity_as_text_holds_the_enum() -> None:
    problem = Problem("internal", {"reason": "x"}, severity="warning")
    assert problem.severity is Severity.WARNING
    assert problem.as_dict()["severity"] == "warning"
    with pytest.raises(ValueError):
        Problem("internal", severity="fatal")


def test_the_then_keys_are_the_conclusion_kinds_in_order() -> None:
    assert THEN_KEYS == ("set", "add", "warn", "recommend") == tuple(ConclusionKind)
