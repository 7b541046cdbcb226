"""graphgrad.check: will this TF 1.x script run on graphgrad? Read statically, never executed.

`python -m graphgrad.check script.py [more.py ...]` lists, with file:line, the TF names a script
uses that graphgrad lacks and the known behavioural differences it relies on. Names are resolved
by looking them up in the graphgrad package itself, so the answer follows the code.
"""
import ast
import importlib
import inspect
import re
import types
from dataclasses import dataclass, field

from .known import BY_NAME

# Module paths that stand for the TF root namespace.
_ROOTS = ("tensorflow.compat.v1", "tensorflow", "graphgrad")
# Calls that only matter to TF 2 and have no meaning here.
_V2_SWITCHES = {"disable_v2_behavior", "disable_eager_execution", "enable_v2_behavior"}


@dataclass
class Finding:
    """One name a script uses: `kind` is 'missing' or 'differs'; `lines` are where it is used."""
    path: str
    kind: str
    name: str
    message: str
    lines: list = field(default_factory=list)

    def format(self):
        more = ""
        if len(self.lines) > 1:
            more = f" (also line{'s' if len(self.lines) > 2 else ''} "
            more += ", ".join(str(n) for n in self.lines[1:]) + ")"
        return f"{self.path}:{self.lines[0]}: {self.kind}: {self.name}: {self.message}{more}"


def _canonical(module_path):
    """('contrib', 'rnn') for 'tensorflow.contrib.rnn'; None for modules outside TF/graphgrad."""
    for root in _ROOTS:
        if module_path == root or module_path.startswith(root + "."):
            return _strip_compat(tuple(p for p in module_path[len(root):].split(".") if p))
    return None


def _strip_compat(parts):
    """tf.compat.v1.X is tf.X."""
    return parts[2:] if parts[:2] == ("compat", "v1") else parts


def resolve(parts):
    """Look `parts` up under graphgrad: (object, None), or (None, index of the first missing
    part)."""
    import graphgrad
    obj = graphgrad
    for i, part in enumerate(parts):
        if part.startswith("__"):
            return None, i
        try:
            obj = getattr(obj, part)
            continue
        except AttributeError:
            pass
        if isinstance(obj, types.ModuleType):
            try:
                obj = importlib.import_module(f"{obj.__name__}.{part}")
                continue
            except ImportError:
                pass
        return None, i
    return obj, None


def _class_has(cls, attr):
    """Whether instances of `cls` have `attr`: a class attribute, or `self.attr = ` in its code."""
    if hasattr(cls, attr):
        return True
    pattern = re.compile(rf"\bself\.{re.escape(attr)}\s*=")
    for klass in cls.__mro__:
        try:
            if pattern.search(inspect.getsource(klass)):
                return True
        except (OSError, TypeError):
            continue
    return False


def differs_note(obj):
    """The "Differs from TF:" paragraph of `obj`'s docstring, on one line, or None."""
    doc = inspect.getdoc(obj) if callable(obj) else None
    if not doc or "Differs from TF:" not in doc:
        return None
    text = doc.split("Differs from TF:", 1)[1].split("\n\n", 1)[0]
    return " ".join(text.split())


class _Scanner(ast.NodeVisitor):
    def __init__(self, path, notes=False):
        self.path = path
        self.notes = notes  # also report the "Differs from TF:" notes of docstrings
        self.aliases = {}    # local name -> canonical TF path (tuple)
        self.instances = {}  # local name -> canonical path of the class it was created from
        self.findings = {}   # (kind, name) -> Finding

    def add(self, kind, name, message, line):
        key = (kind, name)
        if key not in self.findings:
            self.findings[key] = Finding(self.path, kind, name, message)
        self.findings[key].lines.append(line)

    # -- imports and aliases -------------------------------------------------------------------
    def visit_Import(self, node):
        for alias in node.names:
            parts = _canonical(alias.name)
            if parts is None:
                continue
            if alias.asname:
                self.aliases[alias.asname] = parts
                self.use(parts, node.lineno)
            else:  # `import tensorflow.contrib` binds `tensorflow`
                self.aliases[alias.name.split(".")[0]] = ()
                self.use(parts, node.lineno)

    def visit_ImportFrom(self, node):
        base = _canonical(node.module or "") if node.level == 0 else None
        if base is None:
            return
        for alias in node.names:
            if alias.name == "*":
                continue
            parts = base + (alias.name,)
            self.aliases[alias.asname or alias.name] = parts
            self.use(parts, node.lineno)

    def visit_Assign(self, node):
        self.generic_visit(node)
        if len(node.targets) != 1 or not isinstance(node.targets[0], ast.Name):
            return
        target = node.targets[0].id
        self.aliases.pop(target, None)
        self.instances.pop(target, None)
        value = node.value
        if isinstance(value, ast.Call):
            parts = self.chain(value.func)
            if parts is not None and inspect.isclass(resolve(parts)[0]):
                self.instances[target] = parts
        else:
            parts = self.chain(value)
            if parts is not None and isinstance(resolve(parts)[0], types.ModuleType):
                self.aliases[target] = parts

    # -- uses ----------------------------------------------------------------------------------
    def chain(self, node):
        """The canonical TF path that an expression `a.b.c` names, or None."""
        attrs = []
        while isinstance(node, ast.Attribute):
            attrs.append(node.attr)
            node = node.value
        if isinstance(node, ast.Name) and node.id in self.aliases:
            return _strip_compat(self.aliases[node.id] + tuple(reversed(attrs)))
        return None

    def visit_Attribute(self, node):
        parts = self.chain(node)
        if parts is not None:
            self.use(parts, node.lineno)
            return
        base, attrs = node, []
        while isinstance(base, ast.Attribute):
            attrs.append(base.attr)
            base = base.value
        cls_parts = None
        if isinstance(base, ast.Call):
            cls_parts = self.chain(base.func)
            shown = "tf." + ".".join(cls_parts) + "(...)" if cls_parts is not None else None
        elif isinstance(base, ast.Name) and base.id in self.instances:
            cls_parts = self.instances[base.id]
            shown = f"{base.id} (tf.{'.'.join(cls_parts)})"
        if cls_parts is not None:
            self.use_member(cls_parts, attrs[-1], shown, node.lineno)
        self.visit(base)

    def visit_Call(self, node):
        parts = self.chain(node.func)
        if parts is not None and resolve(parts)[1] is None:
            entry = BY_NAME.get(".".join(parts))
            if entry is not None and entry.when is not None and entry.when(node):
                self.add("differs", "tf." + entry.name, entry.message, node.lineno)
        self.generic_visit(node)

    def use(self, parts, line):
        if not parts:
            return
        obj, missing_at = resolve(parts)
        name = "tf." + ".".join(parts)
        if missing_at is not None:
            if parts[-1] in _V2_SWITCHES:
                self.add("missing", name, "not needed: graphgrad is always in TF1 graph mode; "
                         "delete this call", line)
                return
            have = "tf." + ".".join(parts[:missing_at]) if missing_at else "graphgrad"
            self.add("missing", name, f"{have} has no '{parts[missing_at]}'", line)
            return
        entry = BY_NAME.get(".".join(parts))
        if entry is not None and entry.when is None:
            self.add("differs", name, entry.message, line)
        note = differs_note(obj) if self.notes and entry is None else None
        if note:
            self.add("differs", name, note, line)

    def use_member(self, cls_parts, attr, shown, line):
        cls, missing_at = resolve(cls_parts)
        if missing_at is None and inspect.isclass(cls) and not _class_has(cls, attr):
            self.add("missing", f"{shown}.{attr}", f"{cls.__name__} has no '{attr}'", line)


def check_source(source, path="<string>", notes=False):
    """Findings for one script's source text, ordered by line.

    With `notes`, every name whose docstring says "Differs from TF:" is reported too."""
    scanner = _Scanner(path, notes)
    scanner.visit(ast.parse(source, filename=path))
    return sorted(scanner.findings.values(), key=lambda f: (f.lines[0], f.kind, f.name))


def check_file(path, notes=False):
    with open(path, encoding="utf-8") as f:
        return check_source(f.read(), str(path), notes)


__all__ = ["Finding", "check_file", "check_source", "resolve"]
