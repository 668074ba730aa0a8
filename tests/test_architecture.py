"""The house rules of the package, enforced: the core imports no spreadsheet or Word library, and imports between
the rooms point one way (front ends -> app -> workbook, rules, chapters -> domain)."""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "renja_xl"
HEAVY = ("openpyxl", "xlwings", "docx", "python_calamine")
# Where the libraries above may be imported: the adapters, the build tools, the front ends and the Word writer.
MAY_IMPORT_HEAVY = ("renja_xl.engines", "renja_xl.build", "renja_xl.frontends", "renja_xl.chapters.docx_writer")

# The rooms, lowest first. A module may import its own room and any room ranked lower, never a higher one.
RANK = {
    "domain": 0, "support": 0,
    "nomenklatur": 1,
    "rules": 2,
    "fileio": 3, "workbook": 3, "sipd": 3,
    "engines": 4, "chapters": 4, "rekap": 4,
    "app": 5,
    "frontends": 6, "build": 6,
}


def _modules() -> list[str]:
    out = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE.parent).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out.append(".".join(parts))
    return out


def _room(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in RANK else None


BLOCKER = f"""
import sys
class Blocker:
    def find_spec(self, name, path=None, target=None):
        if name.split('.')[0] in {HEAVY!r}:
            raise ImportError('blocked by the architecture test: ' + name)
        return None
sys.meta_path.insert(0, Blocker())
import importlib
for name in sys.argv[1:]:
    importlib.import_module(name)
print('ok')
"""


def test_the_core_imports_without_spreadsheet_or_word_libraries() -> None:
    core = [m for m in _modules() if not m.startswith(MAY_IMPORT_HEAVY) and m != "renja_xl.__main__"]
    assert "renja_xl.domain.kode" in core and "renja_xl.workbook.reader" in core
    done = subprocess.run([sys.executable, "-c", BLOCKER, *core], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]


def test_the_blocker_really_blocks() -> None:
    """The test above could pass by accident if the blocker did nothing: an engine module must fail under it."""
    done = subprocess.run([sys.executable, "-c", BLOCKER, "renja_xl.build.xlsx_template"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode != 0 and "blocked by the architecture test" in done.stderr


def _imports(path: Path, root: Path = PACKAGE) -> list[tuple[int, str]]:
    """Every renja_xl module a file imports, top level or inside functions (relative imports resolved)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = list(path.relative_to(root.parent).with_suffix("").parts[:-1])
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names if a.name.startswith("renja_xl")]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                name = ".".join(base + ([node.module] if node.module else []))
            else:
                name = node.module or ""
            if name.startswith("renja_xl"):
                found.append((node.lineno, name))
                if name == "renja_xl":  # from renja_xl import domain
                    found += [(node.lineno, f"renja_xl.{a.name}") for a in node.names]
    return found


def test_imports_between_rooms_point_one_way() -> None:
    wrong = []
    for path in sorted(PACKAGE.rglob("*.py")):
        module = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        here = _room(module)
        if here is None:
            continue
        for line, target in _imports(path):
            there = _room(target)
            if there is not None and RANK[there] > RANK[here]:
                wrong.append(f"{path.relative_to(PACKAGE.parent)}:{line} ({here}) imports {target} ({there})")
    assert not wrong, "\n".join(wrong)


def test_every_room_is_known() -> None:
    """A new folder must take its place in RANK (and in ARCHITECTURE.md), or the rule above cannot judge it."""
    folders = {p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert folders - set(RANK) <= {"data"}, folders - set(RANK)


@pytest.mark.parametrize("wrong", ["from renja_xl.frontends.cli import main\n",
                                   "import openpyxl\n"])
def test_the_rules_catch_a_wrong_import(tmp_path: Path, wrong: str) -> None:
    """Both checks fail when a core module imports upward or imports openpyxl (run on a copy of the package)."""
    import shutil

    copy = tmp_path / "renja_xl"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    target = copy / "domain" / "money.py"
    target.write_text(target.read_text(encoding="utf-8") + "\n" + wrong, encoding="utf-8")
    if wrong.startswith("import openpyxl"):
        done = subprocess.run([sys.executable, "-c", BLOCKER, "renja_xl.domain.money"], cwd=tmp_path,
                              capture_output=True, text=True, timeout=120, env={"PYTHONPATH": str(tmp_path)})
        assert done.returncode != 0 and "blocked by the architecture test" in done.stderr
    else:
        lines = [t for _, t in _imports(target, copy)]
        assert "renja_xl.frontends.cli" in lines and RANK[_room("renja_xl.frontends.cli")] > RANK["domain"]
