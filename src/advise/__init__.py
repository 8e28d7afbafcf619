"""advise: should a small business launch on social networks, and how? The reasoning, shown.

Library first; the command line (advise.cli.main) is a thin layer over these names. They are
imported on first use (PEP 562), so that `import advise.cli.main` and `advise --version` only
load what they need.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from .version import __version__

# Public name -> the module that defines it.
_LAZY = {
    "AdviseError": "errors", "FactSheetError": "errors", "InputError": "errors", "RuleBookError": "errors",
    "RuleRunError": "errors",
    "Advisor": "advisor", "Result": "advisor", "default_rules_dir": "advisor", "default_templates_dir": "advisor",
    "FactSheet": "sheet.facts", "load_fact_sheet": "sheet.facts",
    "RuleBook": "rulebase.model", "load_rulebook": "rulebase.loading",
}

if TYPE_CHECKING:
    from .advisor import Advisor, Result, default_rules_dir, default_templates_dir
    from .errors import AdviseError, FactSheetError, InputError, RuleBookError, RuleRunError
    from .rulebase.loading import load_rulebook
    from .rulebase.model import RuleBook
    from .sheet.facts import FactSheet, load_fact_sheet


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})


def advise(facts_path: str, rules_dir: str | None = None, *, lang: str | None = None, fmt: str = "json") -> str:
    """Advise one fact sheet and return the report in `fmt` (json, text, markdown, html)."""
    from .advisor import Advisor, default_templates_dir
    from .explain.report import build_report
    from .render.renderer import Renderer
    from .sheet.facts import load_fact_sheet

    sheet = load_fact_sheet(facts_path)
    result = Advisor(rules_dir).run(sheet)
    report = build_report(result, lang or sheet.lang or "en")
    return Renderer(default_templates_dir()).render(report, fmt)


__all__ = [
    "AdviseError", "FactSheetError", "InputError", "RuleBookError", "RuleRunError",
    "Advisor", "Result", "default_rules_dir", "default_templates_dir",
    "FactSheet", "load_fact_sheet", "RuleBook", "load_rulebook", "advise", "__version__",
]
