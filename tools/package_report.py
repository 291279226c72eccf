"""What a learner's `pip install` carries: the wheel built from a checkout, and its import structure.

    python -m tools package-report [CHECKOUT ...]

For each checkout (default: this one) it builds the wheel, as Colab's install line does, and
prints its size and files, the package's lines of Python, and the import graph of its modules:
import edges between them, layers (a module's layer is one more than the highest layer it
imports), and cycles. Give an older checkout (`git worktree add ../before REV`) to compare.
"""
from __future__ import annotations

import ast
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

PACKAGE = "workshop_utils"


@dataclass
class Report:
    checkout: Path
    wheel_bytes: int
    wheel_files: list[str]
    python_lines: int
    modules: list[str]
    edges: set[tuple[str, str]]
    layers: dict[str, int]
    cycles: list[list[str]]

    def lines(self) -> list[str]:
        python = [name for name in self.wheel_files if name.endswith(".py")]
        top = max(self.layers.values(), default=-1) + 1
        return [f"{self.checkout}:",
                f"  wheel: {self.wheel_bytes / 1024:.1f} KiB, {len(self.wheel_files)} files "
                f"({len(python)} Python files, {self.python_lines:,} lines)",
                f"  modules: {len(self.modules)}, import edges: {len(self.edges)}, layers: {top}, "
                f"cycles: {len(self.cycles)}" + "".join(f"\n    cycle: {' -> '.join(c)}" for c in self.cycles)]


def build_wheel(checkout: Path, folder: Path) -> Path:
    """The wheel, built from a copy of what packaging reads (a build in the checkout would leave
    build/ behind, whose stale files a later wheel could pick up)."""
    source = folder / "source"
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info", "build")
    shutil.copytree(checkout / PACKAGE, source / PACKAGE, ignore=ignore)
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(checkout / name, source / name)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", str(folder),
                    str(source)], check=True)
    return next(folder.glob("*.whl"))


def module_name(path: str) -> str:
    name = path.removesuffix(".py").replace("/", ".")
    return name.removesuffix(".__init__")


def imported_modules(source: str, module: str, is_package: bool, known: set[str]) -> set[str]:
    """The package's own modules that `module` imports (relative or absolute, at any depth)."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = module if is_package else module.rpartition(".")[0]
            for _ in range(max(node.level - 1, 0)):
                base = base.rpartition(".")[0]
            stem = (f"{base}.{node.module}" if node.module else base) if node.level else (node.module or "")
            names = [stem] + [f"{stem}.{alias.name}" for alias in node.names]
        else:
            continue
        found |= {name for name in names if name in known and name != module}
    return found


def top_level_imports(source: str) -> set[str]:
    """The top-level names of the absolute imports in a source file (`import a.b` gives a)."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found |= {alias.name.partition(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            found.add(node.module.partition(".")[0])
    return found


def layers_and_cycles(modules: list[str], edges: set[tuple[str, str]]) -> tuple[dict[str, int], list[list[str]]]:
    imports = {module: sorted(target for source, target in edges if source == module) for module in modules}
    layer, state, cycles = {}, {}, []

    def visit(module: str, path: list[str]) -> int:
        if state.get(module) == "open":
            cycles.append(path[path.index(module):] + [module])
            return 0
        if module in layer:
            return layer[module]
        state[module] = "open"
        layer[module] = 1 + max((visit(target, path + [module]) for target in imports[module]), default=-1)
        state[module] = "done"
        return layer[module]

    for module in modules:
        visit(module, [])
    return layer, cycles


def report(checkout: Path) -> Report:
    with tempfile.TemporaryDirectory() as folder:
        wheel = build_wheel(checkout, Path(folder))
        with zipfile.ZipFile(wheel) as archive:
            names = [name for name in archive.namelist() if not name.endswith("/")]
            sources = {name: archive.read(name).decode("utf-8") for name in names
                       if name.startswith(f"{PACKAGE}/") and name.endswith(".py")}
        size = wheel.stat().st_size
    modules = sorted(module_name(path) for path in sources)
    known = set(modules)
    edges = {(module_name(path), target) for path, text in sources.items()
             for target in imported_modules(text, module_name(path), path.endswith("__init__.py"), known)}
    layers, cycles = layers_and_cycles(modules, edges)
    return Report(checkout, size, names, sum(text.count("\n") for text in sources.values()), modules, edges,
                  layers, cycles)


def main(checkouts: list[str]) -> None:
    for checkout in checkouts or [str(Path(__file__).resolve().parent.parent)]:
        print("\n".join(report(Path(checkout).resolve()).lines()))
