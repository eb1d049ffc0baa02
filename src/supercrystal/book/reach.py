"""Which slow results a chapter parameter reaches: what a change of it recomputes (not physics).

A slow result is a cached task (:mod:`supercrystal.book.tasks`) keyed by its arguments, so a new value of a
chapter parameter recomputes exactly the tasks whose arguments depend on it.  This module finds them by
reading the code, without running it:

* :func:`task_graph` -- for every function of the package, the tasks it calls or hands on (a task object
  passed to ``cache.prefetch`` counts), transitively; calls are resolved through each module's imports;
* :func:`parameter_reach` -- for every parameter of a chapter (its ``parameters`` cell), the tasks it reaches:
  the chapter's code cells are read in order and every name assigned from an expression that reads a
  parameter (or a name already depending on one, or inside a loop or branch that does) depends on it; a
  statement that calls something reaching a task, with a dependent name among what it reads, makes that
  parameter reach the task.

The analysis errs on the side of "recomputes": a statement that reads a parameter and calls a task counts
even if the parameter does not end up among the task's arguments.  It reads the chapter's ``.md`` source
and the package's source files, and imports nothing of the chapter.
"""
from __future__ import annotations

import ast
import functools
from pathlib import Path

from supercrystal.paths import ROOT

PACKAGE = ROOT / "src" / "supercrystal"
TASKS_MODULE = "supercrystal.book.tasks"


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(tree: ast.AST, module: str, modules: set[str]) -> dict[str, tuple[str, str | None]]:
    """Local name -> (module, attribute or None for the module itself) of the imports of ``tree``."""
    out = {}
    package = module if module in modules and (PACKAGE / "__init__.py").exists() else module.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                if a.asname:
                    out[a.asname] = (a.name, None)
                else:
                    out[a.name.split(".")[0]] = (a.name.split(".")[0], None)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = module.split(".")[:-node.level] if not module.endswith("__init__") else module.split(".")
                base = ".".join(anchor + ([base] if base else []))
            for a in node.names:
                full = f"{base}.{a.name}"
                out[a.asname or a.name] = (full, None) if full in modules else (base, a.name)
    del package
    return out


def _referenced(node: ast.AST, imports: dict, local: set[str], module: str) -> set[tuple[str, str]]:
    """(module, function) of every function ``node`` calls or refers to: ``f``, ``alias.f``."""
    refs = set()
    for n in ast.walk(node):
        if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load):
            if n.id in local:
                refs.add((module, n.id))
            elif n.id in imports and imports[n.id][1] is not None:
                refs.add(imports[n.id])
        elif isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name) and n.value.id in imports:
            mod, attr = imports[n.value.id]
            if attr is None:
                refs.add((mod, n.attr))
    return refs


@functools.lru_cache(maxsize=1)
def _package() -> dict[str, tuple[ast.Module, dict]]:
    files = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    modules = set(files)
    out = {}
    for name, path in files.items():
        tree = ast.parse(path.read_text(), filename=str(path))
        out[name] = (tree, _imports(tree, name, modules))
    return out


def task_names() -> set[str]:
    """The functions of :mod:`supercrystal.book.tasks` decorated with ``@task``."""
    tree, _ = _package()[TASKS_MODULE]
    names = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            for d in node.decorator_list:
                if (isinstance(d, ast.Name) and d.id == "task") or (isinstance(d, ast.Attribute) and d.attr == "task"):
                    names.add(node.name)
    return names


@functools.lru_cache(maxsize=1)
def task_graph() -> dict[tuple[str, str], frozenset[str]]:
    """(module, function) -> the names of the tasks it reaches, for every top-level function of the package."""
    tasks = task_names()
    edges: dict[tuple[str, str], set[tuple[str, str]]] = {}
    for module, (tree, imports) in _package().items():
        local = {n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}
        for node in tree.body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                edges[(module, node.name)] = _referenced(node, imports, local, module) - {(module, node.name)}
    reach = {k: {k[1]} if k[0] == TASKS_MODULE and k[1] in tasks else set() for k in edges}
    changed = True
    while changed:
        changed = False
        for k, callees in edges.items():
            new = set().union(*(reach.get(c, set()) for c in callees)) - reach[k]
            if new:
                reach[k] |= new
                changed = True
    return {k: frozenset(v) for k, v in reach.items()}


def _loads(node: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}


#: methods that change their object (a list or dict filled in a loop); other method calls only read it
MUTATORS = {"append", "extend", "update", "add", "insert", "setdefault"}


def _stores(node: ast.AST) -> set[str]:
    """Names a statement assigns, and the objects it changes in place (``x.append(...)``, ``x[k] = v``)."""
    rebound, changed = _bindings(node)
    return rebound | changed


def _bindings(node: ast.AST) -> tuple[set[str], set[str]]:
    """(names a statement binds anew, objects it changes in place)."""
    rebound, changed = set(), set()
    for n in ast.walk(node):
        if isinstance(n, ast.Name) and isinstance(n.ctx, (ast.Store, ast.Del)):
            rebound.add(n.id)
        elif isinstance(n, (ast.Subscript, ast.Attribute)) and isinstance(n.ctx, ast.Store):
            base = n.value
            while isinstance(base, (ast.Subscript, ast.Attribute)):
                base = base.value
            if isinstance(base, ast.Name):
                changed.add(base.id)
        elif (isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and isinstance(n.func.value, ast.Name)
              and n.func.attr in MUTATORS):
            changed.add(n.func.value.id)
    if isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name):
        rebound.discard(node.target.id)  # x += y keeps what x depended on
        changed.add(node.target.id)
    return rebound, changed


class _Chapter:
    def __init__(self, params: list[str]):
        self.depends: dict[str, set[str]] = {p: {p} for p in params}
        self.imports: dict[str, tuple[str, str | None]] = {}
        self.functions: dict[str, frozenset[str]] = {}  # functions defined in the chapter -> tasks reached
        self.reach: dict[str, set[str]] = {p: set() for p in params}
        self.graph = task_graph()

    def _tasks_of(self, node: ast.AST) -> set[str]:
        found = set()
        for ref in _referenced(node, self.imports, set(), "__chapter__"):
            found |= self.graph.get(ref, frozenset())
            if ref[0] == TASKS_MODULE and ref[1] in task_names():
                found.add(ref[1])
        for name in _loads(node) & set(self.functions):
            found |= self.functions[name]
        return found

    def _deps(self, names: set[str]) -> set[str]:
        return set().union(*(self.depends.get(n, set()) for n in names if n not in self.imports))

    def _assign(self, names: set[str], deps: set[str], changed: set[str] = frozenset()) -> None:
        """``names`` bound anew now depend on ``deps`` (only), the objects ``changed`` in place also on them."""
        for name in names - set(self.imports):
            self.depends[name] = set(deps)
        for name in set(changed) - set(self.imports):
            self.depends[name] = self.depends.get(name, set()) | deps

    def run(self, stmts: list[ast.stmt], context: set[str]) -> None:
        for stmt in stmts:
            if isinstance(stmt, (ast.Import, ast.ImportFrom)):
                modules = set(_package())
                self.imports.update(_imports(ast.Module(body=[stmt], type_ignores=[]), "__chapter__", modules))
            elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
                self.functions[stmt.name] = frozenset(self._tasks_of(stmt))
                own = {a.arg for a in ast.walk(stmt.args) if isinstance(a, ast.arg)} | _stores(stmt)
                self._assign({stmt.name}, self._deps(_loads(stmt) - own) | context)  # the globals it reads
            elif isinstance(stmt, (ast.For, ast.AsyncFor, ast.While, ast.If, ast.With, ast.AsyncWith, ast.Try)):
                head = [getattr(stmt, a) for a in ("iter", "test") if hasattr(stmt, a)]
                head += [i.context_expr for i in getattr(stmt, "items", [])]
                inner = context | self._deps(set().union(*(_loads(h) for h in head))) if head else set(context)
                for target in [getattr(stmt, "target", None)] + [i.optional_vars for i in getattr(stmt, "items", [])]:
                    if target is not None:
                        self._assign(_stores(target), inner)
                bodies = [getattr(stmt, a, []) for a in ("body", "orelse", "finalbody")]
                bodies += [h.body for h in getattr(stmt, "handlers", [])]
                for _ in range(2):  # twice: what a loop's later statements set, its earlier ones read next time
                    for body in bodies:
                        self.run(body, inner)
            else:
                self._calls(stmt, context)
                rebound, changed = _bindings(stmt)
                deps = context | self._deps(_loads(stmt))
                # a name both read and bound (x = f(x), a comprehension's variable) keeps what it read
                self._assign(rebound - changed, deps, changed)

    def _calls(self, stmt: ast.stmt, context: set[str]) -> None:
        """Every call in ``stmt`` that reaches tasks: the parameters its arguments depend on reach them (with
        the iterables of the comprehensions around it, and what a chapter function reads)."""
        def visit(node, around: set[str]):
            if isinstance(node, (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
                around = around | set().union(*(_loads(g.iter) | set().union(*(_loads(c) for c in g.ifs))
                                                for g in node.generators))
            if isinstance(node, ast.Call):
                found = self._tasks_of(node.func)
                if found:
                    args = list(node.args) + [k.value for k in node.keywords]
                    reads = around | set().union(*(_loads(a) for a in args))
                    if isinstance(node.func, ast.Attribute):
                        reads |= _loads(node.func.value)  # a method of an object that depends on one
                    for p in context | self._deps(reads):
                        self.reach[p] |= found
            elif isinstance(node, (ast.Name, ast.Attribute)) and isinstance(node.ctx, ast.Load):
                found = self._tasks_of(node)  # a task handed on (cache.prefetch([(tasks.x, args)]))
                if found and not isinstance(getattr(node, "_parent", None), ast.Call):
                    for p in context | self._deps(around | self._siblings(node)):
                        self.reach[p] |= found
            for child in ast.iter_child_nodes(node):
                child._parent = node
                visit(child, around)

        visit(stmt, set())

    @staticmethod
    def _siblings(node: ast.AST) -> set[str]:
        """What travels with a task handed on as a value: the names of the tuple or call holding it."""
        parent = getattr(node, "_parent", None)
        return _loads(parent) if isinstance(parent, (ast.Tuple, ast.List, ast.Call)) else set()


def parameter_reach(source: Path) -> dict[str, set[str]]:
    """Parameter name -> the tasks a new value of it recomputes, for the chapter ``source`` (``book/x.md``),
    parameters in the order of its ``parameters`` cell."""
    from supercrystal.book import sources

    cells = [c for c in sources.notebook(Path(source)).cells if c.cell_type == "code"]
    params = []
    for c in cells:
        if "parameters" in c.metadata.get("tags", []):
            params += [n for stmt in ast.parse(c.source).body for n in sorted(_stores(stmt))]
    chapter = _Chapter(params)
    for c in cells:
        if "parameters" in c.metadata.get("tags", []):
            continue
        code = "\n".join(line for line in c.source.splitlines() if not line.lstrip().startswith(("%", "!")))
        chapter.run(ast.parse(code).body, set())
    return {p: chapter.reach[p] for p in params}
