"""Imports point down: `loket` ← `properties` ← `projects` ← `matching` (issue 12, part 5).

Every Python file of the four packages is parsed, migrations included, and each module it
imports (at module level, inside a function, or by a literal name given to `import_module` or
`import_string`) is mapped to its layer. A lower app that must start work in a higher one sends
a signal the higher one connects to (`properties.signals`, `projects.signals`); demo data is
found by `seed_demo` without importing the apps (`loket.demo`).

A function-level import also needs a reason: a comment on the line above it (or at its end).

The root URLconf and the settings name the apps as strings, as Django's composition root does;
they import none of them."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ("loket", "properties", "projects", "matching")
# Calls whose literal first argument is a dotted module path, imported when they run.
IMPORTING_CALLS = {"import_module", "import_string", "__import__"}


def python_files(package: str) -> list[Path]:
    return sorted(
        path
        for path in (ROOT / package).rglob("*.py")
        if not any(part.startswith(".") or part == "__pycache__" for part in path.parts)
    )


def module_name(path: Path) -> tuple[str, bool]:
    """The dotted name of `path`, and whether it is a package's `__init__`."""
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        return ".".join(parts[:-1]), True
    return ".".join(parts), False


def imported_modules(tree: ast.AST, module: str, is_package: bool):
    """(line, dotted name, inside a function) for every import in `tree`."""
    package = module.split(".") if is_package else module.split(".")[:-1]

    def visit(node, in_function):
        for child in ast.iter_child_nodes(node):
            nested = in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
            if isinstance(child, ast.Import):
                for alias in child.names:
                    yield child.lineno, alias.name, in_function
            elif isinstance(child, ast.ImportFrom):
                if child.level:
                    base = package[: len(package) - child.level + 1]
                    name = ".".join([*base, child.module] if child.module else base)
                else:
                    name = child.module
                yield child.lineno, name, in_function
            elif (
                isinstance(child, ast.Call)
                and getattr(child.func, "id", getattr(child.func, "attr", None)) in IMPORTING_CALLS
                and child.args
                and isinstance(child.args[0], ast.Constant)
                and isinstance(child.args[0].value, str)
            ):
                yield child.lineno, child.args[0].value, in_function
            yield from visit(child, nested)

    yield from visit(tree, False)


def layer_of(name: str) -> int | None:
    top = name.split(".")[0]
    return LAYERS.index(top) if top in LAYERS else None


def upward_imports(package: str) -> list[str]:
    found = []
    own = LAYERS.index(package)
    for path in python_files(package):
        module, is_package = module_name(path)
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for line, name, _in_function in imported_modules(tree, module, is_package):
            layer = layer_of(name)
            if layer is not None and layer > own:
                found.append(f"{path.relative_to(ROOT)}:{line} imports {name}")
    return found


def unexplained_function_imports(package: str) -> list[str]:
    found = []
    for path in python_files(package):
        module, is_package = module_name(path)
        source = path.read_text(encoding="utf-8")
        lines = source.splitlines()
        tree = ast.parse(source, filename=str(path))
        for line, name, in_function in imported_modules(tree, module, is_package):
            if not in_function or "#" in lines[line - 1]:
                continue
            # The comment may stand above a group of imports.
            above = line - 2
            while above >= 0 and lines[above].strip().startswith(("from ", "import ")):
                above -= 1
            if above < 0 or not lines[above].strip().startswith("#"):
                found.append(f"{path.relative_to(ROOT)}:{line} imports {name}")
    return found


@pytest.mark.parametrize("package", LAYERS)
def test_imports_point_down(package):
    assert upward_imports(package) == []


@pytest.mark.parametrize("package", LAYERS)
def test_function_level_imports_say_why(package):
    assert unexplained_function_imports(package) == []


def test_the_check_sees_every_kind_of_import():
    """The parser finds module-level, function-level, relative and by-name imports."""
    source = (
        "import matching.scoring\n"
        "from ..domain import site_create\n"
        "def f():\n"
        "    from projects.tasks import x\n"
        "    return import_module('matching.demo')\n"
    )
    found = list(imported_modules(ast.parse(source), "properties.views.owner", False))
    assert found == [
        (1, "matching.scoring", False),
        (2, "properties.domain", False),
        (4, "projects.tasks", True),
        (5, "matching.demo", True),
    ]
    assert [layer_of(name) for _line, name, _f in found] == [3, 1, 2, 3]
