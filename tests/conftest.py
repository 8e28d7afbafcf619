"""Shared helpers: a small rule base written into tmp_path, and fact sheets to run through it.

The rule base copies the real rules/vocabulary.yaml and rules/tables/, adds a few derived
facts of every type for the tests to conclude, and holds only the rule files a test writes.
The web tests' `serve` starts an app on waitress, as `advise serve` runs it.
"""

from __future__ import annotations

import shutil
import sys
import threading
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest
import yaml

from advise.advisor import Advisor
from advise.engine.compiler import Program, compile_rulebook
import advise.engine.durable as durable_module
from advise.engine.durable import Engine
from advise.sheet.facts import fact_sheet_from_mapping
from advise.engine.inference import infer
from advise.rulebase.loading import load_rulebook
from advise.rulebase.model import RuleBook
from advise.engine.trace import Trace

ROOT = Path(__file__).resolve().parents[1]
RULES = ROOT / "rules"
EXAMPLES = ROOT / "examples"

# Derived facts added to the real vocabulary, one of each kind the rules may conclude.
TEST_FACTS = """\
  score:
    type: number
    label: {en: score, fr: score}
  bonus:
    type: number
    default: 0
    label: {en: bonus, fr: bonus}
  total_points:
    type: integer
    label: {en: total points, fr: total de points}
  level:
    type: choice
    choices: [low, medium, high]
    label: {en: level, fr: niveau}
  final_level:
    type: choice
    choices: [low, medium, high]
    label: {en: final level, fr: niveau final}
  flag:
    type: bool
    label: {en: flag, fr: drapeau}
  shortlist:
    type: list
    items: platform
    label: {en: shortlist, fr: présélection}
"""

TEST_THRESHOLD = """\
  hours_per_profile:
    value: 2
    unit: hours_per_week
    label: {en: weekly time of one profile, fr: temps hebdomadaire d'un profil}
    source: "Test value"
"""

BASE_SHEET: dict[str, Any] = {
    "business": {"name": "Test shop", "size": "tpe", "audience": "b2c", "local": True},
    "resources": {"weekly_hours": 4, "monthly_budget": 100},
    "objectives": ["sales"],
    "profiles": {"planned": ["facebook"]},
}


def random_edits(rng: Any, seeds: list[str], pieces: list[str], count: int) -> Iterator[str]:
    """`count` texts, each one of `seeds` with one to three random pieces put in at random
    places (each replacing up to two characters): the fuzzing of the YAML readers' tests."""
    for _ in range(count):
        text = rng.choice(seeds)
        for _ in range(rng.randint(1, 3)):
            at = rng.randrange(len(text) + 1)
            text = text[:at] + rng.choice(pieces) + text[at + rng.randint(0, 2):]
        yield text


def sheet_mapping(**changes: Any) -> dict[str, Any]:
    """BASE_SHEET with dotted changes: sheet_mapping(**{"business.local": False})."""
    data = {section: dict(value) if isinstance(value, dict) else value for section, value in BASE_SHEET.items()}
    for name, value in changes.items():
        section, _, key = name.partition(".")
        if key:
            data.setdefault(section, {})[key] = value
        else:
            data[section] = value
    return data


def sheet_facts(**changes: Any) -> dict[str, Any]:
    """The validated facts of BASE_SHEET with dotted changes: sheet_facts(**{"business.local": False})."""
    return fact_sheet_from_mapping(sheet_mapping(**changes)).facts


def rule(rule_id: str, *, when: Any = None, then: Any = None, priority: int | None = None,
         **extra: Any) -> dict[str, Any]:
    """A valid rule as data; `extra` adds or replaces keys (use None to drop one)."""
    data: dict[str, Any] = {
        "id": rule_id,
        "title": {"en": f"Rule {rule_id}", "fr": f"Règle {rule_id}"},
    }
    if priority is not None:
        data["priority"] = priority
    if when is not None:
        data["when"] = when
    data["then"] = then if then is not None else {"set": {"flag": True}}
    data["because"] = {"en": "Because.", "fr": "Parce que."}
    data["source"] = "Test"
    for key, value in extra.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data


class _NoAliases(yaml.SafeDumper):
    """Writes a value used twice out twice: rule files refuse anchors and aliases."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


class RuleBase:
    """A rule base in a folder: the real vocabulary and tables, and the test's own rule files."""

    def __init__(self, root: Path, extra_facts: str = TEST_FACTS):
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        shutil.copytree(RULES / "tables", root / "tables")
        # A threshold of the tests' own, so they do not depend on the shipped values.
        with open(root / "tables" / "thresholds.yaml", "a", encoding="utf-8") as thresholds:
            thresholds.write(TEST_THRESHOLD)
        vocabulary = (RULES / "vocabulary.yaml").read_text(encoding="utf-8")
        assert "\nfacts:\n" in vocabulary
        (root / "vocabulary.yaml").write_text(vocabulary.replace("\nfacts:\n", "\nfacts:\n" + extra_facts, 1),
                                              encoding="utf-8")
        self._compiled: tuple[Program, Engine] | None = None  # until a file is written

    def write(self, name: str, text: str) -> Path:
        path = self.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        self._compiled = None
        return path

    def rules(self, name: str, *rules: dict[str, Any], theme: str = "time") -> Path:
        """Write a rule file from rules given as data."""
        return self.write(name, yaml.dump({"theme": theme, "rules": list(rules)}, Dumper=_NoAliases,
                                          sort_keys=False, allow_unicode=True))

    def load(self) -> RuleBook:
        return load_rulebook(self.root)

    def program(self) -> Program:
        return compile_rulebook(self.load())

    def run(self, facts: dict[str, Any] | None = None, **changes: Any) -> Trace:
        """Run one sheet (BASE_SHEET with changes, or the facts given), the rule base loaded
        and compiled once until a file is written, as an Advisor does."""
        if self._compiled is None:
            program = self.program()
            self._compiled = program, Engine(program.definition)
        program, engine = self._compiled
        return infer(program, engine, facts if facts is not None else sheet_facts(**changes))

    def advisor(self) -> Advisor:
        return Advisor(self.root)


@pytest.fixture(scope="session", autouse=True)
def private_cache(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The compiled rule bases of a test run go to a folder of its own, never into the
    user's ~/.cache (nor a cache another run shares): a test may set its own on top."""
    folder = tmp_path_factory.mktemp("advise-cache")
    folder.chmod(0o700)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ADVISE_CACHE_DIR", str(folder))  # subprocesses inherit it
        yield folder


@pytest.fixture
def rulebase(tmp_path: Path) -> RuleBase:
    return RuleBase(tmp_path / "rules")


def bench_generate() -> Any:
    """bench/generate.py, the generator of sheets and rule bases the benchmarks use (a script
    folder, not a package: imported from there)."""
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        import generate
    finally:
        sys.path.pop(0)
    return generate


def cutting(monkeypatch: pytest.MonkeyPatch, cut: Callable[[str], str]) -> None:
    """Makes durable read `cut(text)` for every batch advise hands it (a durable that drops
    facts, as edge 15 measured)."""
    real = durable_module._rules_engine

    class Cutting:
        def __getattr__(self, name: str) -> Any:
            return getattr(real, name)

        @staticmethod
        def assert_facts(handle: int, text: str) -> Any:
            return real.assert_facts(handle, cut(text))

    monkeypatch.setattr(durable_module, "_rules_engine", Cutting())


def within(seconds: float, call: Callable[[], Any]) -> Any:
    """Run `call` on a daemon thread; fail instead of hanging the test run if it does not return."""
    outcome: dict[str, Any] = {}

    def target() -> None:
        try:
            outcome["value"] = call()
        except BaseException as error:  # noqa: BLE001 - handed back to the test
            outcome["error"] = error

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"still running after {seconds} s: durable hangs or loops"
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")


# ---------------------------------------------------------------- the web tests' server


def _serve_until_closed(server: Any) -> None:
    """waitress's loop, which ends with EBADF when the test closes the server under it."""
    try:
        server.run()
    except OSError:
        pass


@pytest.fixture(scope="module")
def serve() -> Iterator[Callable[..., int]]:
    """serve(app, threads=2) starts a WSGI app on waitress on a free port and returns the
    port; every server started is stopped when the module's tests are done."""
    import waitress

    started = []

    def start(app: Any, threads: int = 2) -> int:
        server = waitress.create_server(app, host="127.0.0.1", port=0, threads=threads, ident="advise")
        thread = threading.Thread(target=_serve_until_closed, args=(server,), daemon=True)
        thread.start()
        started.append((server, thread))
        return server.effective_port

    yield start
    for server, thread in started:
        server.close()
        thread.join(timeout=10)
