"""The rule book: every file under rules/, loaded and checked before anything runs.

rules/
  vocabulary.yaml     derived facts, warnings, recommendations, verdicts, platforms, themes
  tables/*.yaml       knowledge tables: each value with its source
  **/*.yaml           rule files, one theme each (any name but the above)
  **/*.cases.yaml     scenario cases beside the rules (read by advise.workbench.cases)
  invariants.yaml     what must hold for every sheet (read by advise.workbench.invariants)

A problem in any file stops the load: no advice from a partial rule base. Every problem
names its file, line and rule id, and they are all reported at once.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..errors import RuleBookError, Severity
from ..sheet.yamlload import Positions, load_yaml
from .digest import rules_digest
from .model import Rule, RuleBook, Table, fact_roots
from .problems import Collector
from .reader import RuleFileReader
from .tables import read_table
from .textreads import Reads
from .vocabulary import VocabularyReader


# The invariants the rule base must keep for every sheet (advise.workbench.invariants).
INVARIANTS_FILE = "invariants.yaml"


def load_rulebook(directory: str | Path) -> RuleBook:
    """Load and check every file of a rule base. Raises RuleBookError listing every problem."""
    root = Path(directory)
    problems = Collector()
    if not root.is_dir():
        problems.add("rules-dir-missing", file=str(root))
        raise RuleBookError(problems.problems)

    def rel(path: Path) -> str:
        return path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)

    def display(path: Path) -> str:
        return (root / rel(path)).as_posix() if not root.is_absolute() else str(path)

    all_yaml = sorted(root.rglob("*.yaml"), key=lambda path: rel(path))
    vocabulary_path = root / "vocabulary.yaml"
    table_paths = [p for p in all_yaml if rel(p).startswith("tables/")]
    invariants_path = root / INVARIANTS_FILE  # read by advise.workbench.invariants, not a rule file
    rule_paths = [p for p in all_yaml if p != vocabulary_path and p not in table_paths
                  and p != invariants_path and not p.name.endswith(".cases.yaml")]

    loaded: dict[Path, tuple[Any, Positions]] = {}
    for path in [vocabulary_path, *table_paths, *rule_paths]:
        if path == vocabulary_path and not path.exists():
            problems.add("vocabulary-missing", file=display(path))
            continue
        try:
            loaded[path] = load_yaml(path, error=RuleBookError, display_name=display(path))
        except RuleBookError as error:
            problems.problems.extend(error.problems)
    if not rule_paths:
        problems.add("rules-none", file=str(root))

    vocabulary = None
    if vocabulary_path in loaded:
        vocabulary = VocabularyReader(display(vocabulary_path), *loaded[vocabulary_path], problems).read()
    tables: dict[str, Table] = {}
    for path in table_paths:
        if path in loaded:
            table = read_table(display(path), *loaded[path], problems, vocabulary)
            if table is None:
                continue
            if table.name in tables:
                problems.add("table-duplicate", file=table.file, line=table.line, name=table.name,
                             other=tables[table.name].file)
            elif vocabulary and (table.name in vocabulary.facts or table.name in vocabulary.families
                                 or table.name in fact_roots(vocabulary)):
                problems.add("table-name-clash", file=table.file, line=table.line, name=table.name)
            else:
                tables[table.name] = table
    rules: list[Rule] = []
    text_reads: dict[str, Reads | None] = {}
    if vocabulary is not None:
        seen: dict[str, str] = {}
        for path in rule_paths:
            if path not in loaded:
                continue
            reader = RuleFileReader(display(path), *loaded[path], problems, vocabulary, tables)
            for rule in reader.read(order_start=len(rules)):
                if rule.id in seen:
                    problems.add("rule-duplicate-id", file=rule.file, line=rule.line, rule=rule.id,
                                 id=rule.id, other=seen[rule.id])
                    continue
                seen[rule.id] = f"{rule.file}:{rule.line}"
                rules.append(rule)
            text_reads.update(reader.text_reads)
        check_set_and_add(rules, problems)

    errors = [p for p in problems.problems if p.severity == Severity.ERROR]
    if errors:
        raise RuleBookError(errors)
    assert vocabulary is not None
    read = [vocabulary_path, *table_paths, *rule_paths]
    content = {rel(p): loaded[p][0] for p in read}
    if invariants_path.is_file():  # what the rule base promises is part of what it is
        content[rel(invariants_path)] = _invariants_content(invariants_path, display(invariants_path))
    return RuleBook(directory=root, rules=tuple(rules), tables=tables, vocabulary=vocabulary,
                    files=tuple(rel(p) for p in read), digest=rules_digest(content),
                    text_reads=text_reads)


def _invariants_content(path: Path, name: str) -> Any:
    """The invariants file's data for the digest; its bytes' hash when it does not read (the
    checker reports that, not the loading)."""
    import hashlib

    try:
        return load_yaml(path, error=RuleBookError, display_name=name)[0]
    except RuleBookError:
        return "unreadable:" + hashlib.sha256(path.read_bytes()).hexdigest()


def check_set_and_add(rules: list[Rule], problems: Collector) -> None:
    kinds: dict[str, dict[str, list[Rule]]] = {}
    for rule in rules:
        for conclusion in rule.then:
            kinds.setdefault(conclusion.fact, {}).setdefault(conclusion.kind, []).append(rule)
    for name, by_kind in kinds.items():
        if "set" in by_kind and "add" in by_kind:
            first = by_kind["add"][0]
            problems.add("set-and-add", file=first.file, line=first.line, rule=first.id, name=name,
                         rules=", ".join(r.id for r in by_kind["set"] + by_kind["add"]))

