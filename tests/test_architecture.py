"""The package's shape, checked: import layers, no cycles, no homework in the core.

Layers, lowest first: the ground (records, errors, paths, the answer key, notation, the spaCy
set-up, the sandbox, privacy, and the kinds and homeworks *registries*), then the stages in
build order (ingest → segment → extract → verify → label), then the plug-ins (claim kinds in
``tractor/kinds/``, homework folders in ``tractor/homeworks/<hw>/``), then everything that runs
or reads a build (pipeline, executor, dataset, report, publish, cli). A module imports only from
its own layer or below; every import counts, the ones inside functions too. The registries find
plug-ins by name at run time (as entry points are found), never by an import statement.
"""

import ast
import io
import re
import tokenize
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "tractor"
GROUND = {"tractor", "tractor.errors", "tractor.paths", "tractor.records", "tractor.answer_key", "tractor.english",
          "tractor.notation", "tractor.sandbox", "tractor.privacy", "tractor.kinds", "tractor.homeworks"}
STAGES = ("ingest", "segment", "extract", "verify", "label")
PLUGINS = ("tractor.kinds.", "tractor.homeworks.")


def _module(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _layer(module: str) -> int:
    top = ".".join(module.split(".")[:2])
    if module in GROUND or top in GROUND - {"tractor.kinds", "tractor.homeworks"}:
        return 0
    if module.startswith(PLUGINS):
        return 1 + len(STAGES)
    if top.removeprefix("tractor.") in STAGES:
        return 1 + STAGES.index(top.removeprefix("tractor."))
    return 2 + len(STAGES)


def _imports(path: Path) -> set[str]:
    module = _module(path)
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    found, tree = set(), ast.parse(path.read_text(encoding="utf-8"))
    typing_only = {id(n) for stmt in ast.walk(tree) if isinstance(stmt, ast.If) and ast.unparse(stmt.test) == "TYPE_CHECKING"
                   for n in ast.walk(stmt)}
    for node in ast.walk(tree):
        if id(node) in typing_only:  # annotations only: never imported at run time
            continue
        if isinstance(node, ast.ImportFrom):
            base = package.split(".")[:len(package.split(".")) - node.level + 1] if node.level else []
            target = ".".join(base + ([node.module] if node.module else [])) if node.level else node.module
            names = [f"{target}.{a.name}" for a in node.names]
            known = [n for n in names if n in MODULES]
            found |= set(known) or {target}
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
    return {m for m in found if m == "tractor" or m.startswith("tractor.")}


FILES = sorted(PACKAGE.rglob("*.py"))
MODULES = {_module(f) for f in FILES}
GRAPH = {_module(f): _imports(f) for f in FILES}


# Each import row: a module reaching above its layer names the edge.
@pytest.mark.parametrize("module", sorted(GRAPH))
def test_imports_stay_in_their_layer(module):
    above = sorted(t for t in GRAPH[module] if _layer(t) > _layer(module))
    assert not above, f"{module} (layer {_layer(module)}) imports {above}"


def test_no_import_cycle():
    index, low, stack, on_stack, cycles = {}, {}, [], set(), []

    def visit(v):  # Tarjan's strongly connected components
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in GRAPH.get(v, ()):
            if w not in GRAPH:
                continue
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while (w := stack.pop()) != v:
                on_stack.discard(w)
                component.append(w)
            on_stack.discard(v)
            if component:
                cycles.append(sorted(component + [v]))

    for v in sorted(GRAPH):
        if v not in index:
            visit(v)
    assert cycles == []


# A homework's name and its topic's words live in its folders, never in the core's code
# (identifiers and string literals; docstrings and comments may use HW9 as an example).
HOMEWORK_WORDS = re.compile(r"hw0?9|attention|einsum|feature_map|multihead|mqa|W_[qkvo]\b", re.I)
CORE = [f for f in FILES if not _module(f).startswith("tractor.homeworks.")]


def _code_tokens(path: Path):
    tokens = list(tokenize.generate_tokens(io.StringIO(path.read_text(encoding="utf-8")).readline))
    for i, tok in enumerate(tokens):
        docstring = tok.type == tokenize.STRING and (i == 0 or tokens[i - 1].type in (tokenize.INDENT, tokenize.NEWLINE,
                                                                                     tokenize.DEDENT, tokenize.NL))
        if tok.type in (tokenize.NAME, tokenize.STRING) and not docstring:
            yield tok


@pytest.mark.parametrize("path", CORE, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_homework_in_the_core(path):
    hits = [f"{t.start[0]}: {t.string[:60]}" for t in _code_tokens(path) if HOMEWORK_WORDS.search(t.string)]
    assert hits == []
