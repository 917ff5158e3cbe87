"""Applying claimed code to a question's template: blanks filled, patches spliced in.

The template is data (a ``.py`` file in the homework's data folder with ``{a}``... placeholders);
claimed code is text from a transcript and is only ever *parsed* here (``ast``), never run: the
patched source goes to the sandbox. A patch edit is a ``def``/``class`` block (replaces the
method or class of that name) or a statement ``x = ...`` (replaces the template statement that
assigns ``x``). Edits are counted in *units* (a method, or an assignment outside a replaced
method), which is what "minimal changes" is measured in.
"""

from __future__ import annotations

import ast
import functools
import re
import textwrap
from dataclasses import dataclass, field

_BLANK = re.compile(r"\{([a-z])\}")
_FENCE = re.compile(r"```[^\n]*\n(.*?)```", re.S)


class PatchError(ValueError):
    """Claimed code that cannot be read or placed; a verifier reports it as unverified."""


def blanks_in(template: str) -> list[str]:
    return sorted(set(_BLANK.findall(template)))


def fill_blanks(template: str, blanks: dict[str, str]) -> str:
    missing = [b for b in blanks_in(template) if b not in blanks]
    if missing:
        raise PatchError(f"blanks {', '.join(missing)} have no value")
    return _BLANK.sub(lambda m: blanks[m[1]].strip(), template)


def code_blocks(text: str) -> list[str]:
    """Fenced blocks of a text, or the whole text when it has no fences."""
    blocks = _FENCE.findall(text)
    return blocks or [text]


def repair(snippet: str) -> ast.Module:
    """Parse a snippet as printed in a transcript: dedented, with trailing comments that the
    page wrapped onto the next line joined back (``# d can be`` / ``d_model or 2*d_model``)."""
    lines = textwrap.dedent(snippet.strip("\n")).split("\n")
    lines = [ln for ln in lines if ln.strip() not in ("...", "…")]
    for _ in range(len(lines)):
        source = "\n".join(lines)
        try:
            tree = ast.parse(source)
        except SyntaxError as exc:
            bad = _wrapped_comment_line(lines, (exc.lineno or 0) - 1)
            if bad is not None:
                lines[bad - 1:bad + 1] = [lines[bad - 1] + " " + lines[bad].strip()]
                continue
            if exc.msg.startswith("unexpected indent") or exc.msg.startswith("unindent"):
                lines = textwrap.dedent("\n".join(ln.lstrip() if i else ln for i, ln in enumerate(lines))).split("\n")
                try:
                    return ast.parse("\n".join(lines))
                except SyntaxError:
                    pass
            raise PatchError(f"code does not parse: {exc.msg} (line {exc.lineno})") from exc
        stray = _stray_comment_line(tree, lines)
        if stray is None:
            return tree
        lines[stray - 1:stray + 1] = [lines[stray - 1] + " " + lines[stray].strip()]
    raise PatchError("code does not parse")


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def _wrapped_comment_line(lines: list[str], error_line: int) -> int | None:
    """The line, at or before a syntax error, that continues the comment above it: it follows
    a commented line and sits left of both its neighbours (or is where the error is)."""
    for i in range(min(error_line, len(lines) - 1), 0, -1):
        if "#" not in lines[i - 1]:
            continue
        after = lines[i + 1] if i + 1 < len(lines) else ""
        if i == error_line or (_indent(lines[i]) < _indent(lines[i - 1]) and _indent(after) > _indent(lines[i])):
            return i
    return None


def _stray_comment_line(tree: ast.Module, lines: list[str]) -> int | None:
    """Index of a bare non-call expression line that follows a commented line: the tail of a
    wrapped comment (``[batch, seq, d_model]``), which has no effect as code."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Expr) and not isinstance(node.value, (ast.Call, ast.Constant, ast.Await)):
            i = node.lineno - 1
            if i > 0 and "#" in lines[i - 1] and node.end_lineno == node.lineno:
                return i
    return None


@dataclass
class Patched:
    source: str
    changed: set[str] = field(default_factory=set)  # units whose code differs from the base
    unplaced: list[str] = field(default_factory=list)  # statements matching no template unit


def _same(a: ast.AST, b: ast.AST) -> bool:
    return _dump(a) == ast.dump(b)


@functools.lru_cache(maxsize=4096)
def _dump(node: ast.AST) -> str:
    """A template node's dump, remembered: templates are parsed once (:func:`_units`)."""
    return ast.dump(node)


def _target(stmt: ast.stmt) -> str | None:
    if isinstance(stmt, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
        targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
        return " = ".join(ast.unparse(t) for t in targets)
    return None


@functools.lru_cache(maxsize=64)
def _units(base: str) -> tuple[ast.ClassDef, dict, dict]:
    """The template's class, its methods and its assignments (target -> (method, statement)),
    parsed once per template: every claim on a part patches the same base. Read only."""
    tree = ast.parse(base)
    cls = next((n for n in tree.body if isinstance(n, ast.ClassDef)), None)
    if cls is None:
        raise PatchError("template has no class")
    methods = {m.name: m for m in cls.body if isinstance(m, ast.FunctionDef)}
    assigned: dict[str, list[tuple[str, ast.stmt]]] = {}
    for name, method in methods.items():
        for node in method.body:
            if (target := _target(node)) is not None:
                assigned.setdefault(target, []).append((name, node))
    return cls, methods, assigned


def apply_edits(base: str, edits: list[str]) -> Patched:
    """Splice each edit into ``base`` (whose single class is the unit container)."""
    cls, methods, assigned = _units(base)
    lines = base.split("\n")
    replaced: dict[tuple[int, int], tuple[str, str]] = {}  # (start, end) -> (unit, new text)
    result = Patched(base)
    for edit in edits:
        for stmt in repair(edit).body:
            placed = _place(stmt, cls, methods, assigned, replaced, result)
            if not placed:
                result.unplaced.append(ast.unparse(stmt).split("\n")[0])
    for (start, end), (unit, text) in sorted(replaced.items(), reverse=True):
        indent = re.match(r"\s*", lines[start - 1])[0]
        lines[start - 1:end] = textwrap.indent(text, indent).split("\n")
    result.source = "\n".join(lines)
    return result


def _place(stmt, cls, methods, assigned, replaced, result) -> bool:
    if isinstance(stmt, ast.ClassDef) and stmt.name == cls.name:
        for node in stmt.body:
            if not isinstance(node, (ast.Expr,)):
                _place(node, cls, methods, assigned, replaced, result)
        return True
    if isinstance(stmt, ast.FunctionDef):
        old = methods.get(stmt.name)
        if old is None:
            return False
        start = old.decorator_list[0].lineno if old.decorator_list else old.lineno
        for span in [s for s in replaced if start <= s[0] <= old.end_lineno]:
            del replaced[span]  # a whole-method edit supersedes earlier line edits inside it
        replaced[(start, old.end_lineno)] = (stmt.name, ast.unparse(stmt))
        if not _same(old, stmt):
            result.changed.add(stmt.name)
        return True
    if isinstance(stmt, (ast.Import, ast.ImportFrom, ast.Pass)) or (
            isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant)):
        return True
    target = _target(stmt)
    candidates = assigned.get(target, []) if target is not None else []
    if any(_same(node, stmt) for _, node in candidates):
        return True  # restates the template
    init = methods.get("__init__")
    if target and target.startswith("self.") and not candidates and init is not None:
        last = init.body[-1]  # a new attribute (self.d_v = ...) goes at the end of __init__
        span = (last.lineno, last.end_lineno)
        unit, text = replaced.get(span, (_target(last) or "__init__", ast.unparse(last)))
        replaced[span] = (unit, text + "\n" + ast.unparse(stmt))
        result.changed.add(target)
        return True
    if target is None or len(candidates) != 1:
        return False
    name, node = candidates[0]
    if any(s[0] <= node.lineno <= s[1] and u == name for s, (u, _) in replaced.items()):
        return True  # its method was already replaced as a whole
    replaced[(node.lineno, node.end_lineno)] = (target, ast.unparse(stmt))
    result.changed.add(target)
    return True
