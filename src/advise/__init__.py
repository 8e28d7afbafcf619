"""advise: should a small business launch on social networks, and how? The reasoning, shown.

Library first; the command line (advise.cli) is a thin layer over these names.
"""

from __future__ import annotations

__version__ = "0.1.0"

from .errors import AdviseError, FactSheetError, InputError, RuleBookError, RuleRunError  # noqa: E402
from .advisor import Advisor, Result, default_rules_dir, default_templates_dir  # noqa: E402
from .facts import FactSheet, load_fact_sheet  # noqa: E402
from .rulebook import RuleBook, load_rulebook  # noqa: E402


def advise(facts_path: str, rules_dir: str | None = None, *, lang: str | None = None, fmt: str = "json") -> str:
    """Advise one fact sheet and return the report in `fmt` (json, text, markdown, html)."""
    from .explain import build_report
    from .render import Renderer

    sheet = load_fact_sheet(facts_path)
    result = Advisor(rules_dir).run(sheet)
    report = build_report(result, lang or sheet.lang or "en")
    return Renderer(default_templates_dir()).render(report, fmt)


__all__ = [
    "AdviseError", "FactSheetError", "InputError", "RuleBookError", "RuleRunError",
    "Advisor", "Result", "default_rules_dir", "default_templates_dir",
    "FactSheet", "load_fact_sheet", "RuleBook", "load_rulebook", "advise", "__version__",
]
