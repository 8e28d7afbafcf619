"""The package's shape: one subpackage per stage, imports that only go down, no cycles.

Imports are read with `ast` from the source, all of them: at the top of a module, inside
functions (the lazy ones) and under `if TYPE_CHECKING:`, since each is a dependency a
reader has to follow.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SOURCE = Path(__file__).resolve().parents[1] / "src" / "advise"
MAX_LINES = 600

# Each module's stage, lowest first: a module may import its own stage and those below.
STAGES = ["foundation", "sheet", "rulebase", "engine", "advisor", "explain", "render", "workbench", "web", "cli",
          "api"]
TOP_LEVEL = {"advise.version": "foundation", "advise.errors": "foundation", "advise.records": "foundation", "advise.kept": "foundation", "advise.output": "foundation",
             "advise.sandbox": "foundation", "advise.sandbox_code": "foundation", "advise.collecting": "foundation", "advise.safetext": "foundation", "advise.stopping": "foundation", "advise.advisor": "advisor", "advise.batch": "render",
             "advise.batch_summary": "render",
             "advise": "api", "advise.__main__": "api"}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SOURCE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {module_name(path): path for path in sorted(SOURCE.rglob("*.py"))}


def stage(module: str) -> str:
    if module in TOP_LEVEL:
        return TOP_LEVEL[module]
    return module.split(".")[1]


def imports(module: str) -> dict[str, int]:
    """The advise modules `module` imports -> the line of the first such import."""
    path = MODULES[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: dict[str, int] = {}
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        targets: list[str] = []
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                origin = ".".join(base + ([node.module] if node.module else []))
            else:
                origin = node.module or ""
            for alias in node.names:
                submodule = f"{origin}.{alias.name}"
                targets.append(submodule if submodule in MODULES else origin)
        elif isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        for target in targets:
            if target in MODULES and target != module:
                found.setdefault(target, node.lineno)
    return found


GRAPH = {module: imports(module) for module in MODULES}


def test_the_stages_are_the_subpackages() -> None:
    packages = sorted(path.parent.name for path in SOURCE.glob("*/__init__.py"))
    assert packages == sorted(set(STAGES) - {"foundation", "advisor", "api"})
    assert all(stage(module) in STAGES for module in MODULES)


def test_no_import_cycle() -> None:
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles = []

    def visit(module: str) -> None:  # Tarjan's strongly connected components
        index[module] = low[module] = len(index)
        stack.append(module)
        for target in GRAPH[module]:
            if target not in index:
                visit(target)
                low[module] = min(low[module], low[target])
            elif target in stack:
                low[module] = min(low[module], index[target])
        if low[module] == index[module]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == module:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for module in MODULES:
        if module not in index:
            visit(module)
    assert not cycles, "modules that import each other in a circle: " + "; ".join(map(" <-> ".join, cycles))


def test_imports_only_go_down_the_stages() -> None:
    upward = [f"{module} ({MODULES[module].relative_to(SOURCE.parent)}:{line}) imports {target}"
              for module, targets in GRAPH.items() for target, line in targets.items()
              if STAGES.index(stage(target)) > STAGES.index(stage(module))]
    assert not upward, "\n".join(upward)


def test_no_private_name_is_imported_from_another_module() -> None:
    private = []
    for module, path in MODULES.items():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and (node.level or (node.module or "").startswith("advise")):
                private += [f"{module}: {alias.name}" for alias in node.names
                            if alias.name.startswith("_") and not alias.name.startswith("__")]
    assert not private


@pytest.mark.parametrize("package", sorted(path.parent.name for path in SOURCE.glob("*/__init__.py")))
def test_each_stage_says_what_it_does_and_imports_nothing(package: str) -> None:
    tree = ast.parse((SOURCE / package / "__init__.py").read_text())
    docstring = ast.get_docstring(tree)
    assert docstring and "May import" in docstring
    assert not [node for node in ast.walk(tree) if isinstance(node, (ast.Import, ast.ImportFrom))]


def test_no_module_is_over_the_size_limit() -> None:
    long = {module: n for module, path in MODULES.items() if (n := len(path.read_text().splitlines())) > MAX_LINES}
    assert not long
