"""Layers: every module imports on its own (no import cycle, issue 9), and importing or calling
the library leaves global state alone (environment, matplotlib, transformers, MLflow)."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "linkclf"


def _modules() -> dict[str, Path]:
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        name = ".".join(path.relative_to(REPO).with_suffix("").parts)
        out[name.removesuffix(".__init__")] = path
    return out


def _imports(name: str, path: Path, known: set[str]) -> set[str]:
    """linkclf modules ``name`` imports anywhere in its code (lazy imports included)."""
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1] + ([base] if base else []))
            for alias in node.names:
                full = f"{base}.{alias.name}"
                found.add(full if full in known else base)
    return {m for m in found if m in known and m != name}


def test_the_import_graph_has_no_cycle() -> None:
    """Lazy imports count: hoisting one must never create a cycle (train <-> evaluate did)."""
    modules = _modules()
    graph = {m: _imports(m, p, set(modules)) for m, p in modules.items()}
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(m: str) -> None:
        state[m] = 1
        path.append(m)
        for n in sorted(graph[m]):
            if state.get(n) == 1:
                raise AssertionError("import cycle: " + " -> ".join(path[path.index(n) :] + [n]))
            if n not in state:
                visit(n)
        path.pop()
        state[m] = 2

    for m in sorted(graph):
        if m not in state:
            visit(m)
    assert "linkclf.evaluate" not in graph["linkclf.train"]
    assert "linkclf.train" not in graph["linkclf.evaluate"]


# Each module imported first, alone, in a forked child of an interpreter that has loaded only
# third-party libraries: the order-dependent ImportError of a cycle shows, at fork cost.
_ISOLATED = r"""
import importlib, json, os, sys
import numpy, pandas, sklearn.base, lightgbm, tldextract, idna  # noqa: F401 (shared warm-up)
failed = {}
for name in json.loads(sys.argv[1]):
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        try:
            importlib.import_module(name)
            code = 0
        except BaseException as exc:  # report any failure to the parent
            os.write(w, f"{type(exc).__name__}: {exc}".encode()[:500])
            code = 1
        os._exit(code)
    os.close(w)
    _, status = os.waitpid(pid, 0)
    message = os.read(r, 500).decode()
    os.close(r)
    if status:
        failed[name] = message or f"exit status {status}"
print(json.dumps(failed))
"""


def test_every_module_imports_on_its_own() -> None:
    names = [m for m in _modules() if not m.endswith("__main__")]
    done = subprocess.run(
        [sys.executable, "-c", _ISOLATED, json.dumps(names)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )
    assert json.loads(done.stdout.strip().splitlines()[-1]) == {}


_SIDE_EFFECTS = r"""
import importlib, json, os, pkgutil, sys, tempfile
import matplotlib, mlflow, sentence_transformers, torch  # their own import-time settings first
from transformers.utils import logging as hf_logging

store = "sqlite:///" + os.path.join(tempfile.mkdtemp(), "mine.db")
mlflow.set_tracking_uri(store)
before = {
    "environ": dict(os.environ),
    "backend": matplotlib.rcParams["backend"],
    "verbosity": hf_logging.get_verbosity(),
    "bars": hf_logging.is_progress_bar_enabled(),
}
import linkclf
for info in pkgutil.walk_packages(linkclf.__path__, "linkclf."):
    if not info.name.endswith("__main__"):
        importlib.import_module(info.name)
from linkclf import plots, tracking
from linkclf.features.embed import SentenceTransformerEmbedder

SentenceTransformerEmbedder().encode(["a link to a bakery"])
plots.reliability_figure({"reliability": [], "test": {"brier": 0.1}})
with tracking.run("side-effects", {}):  # no uri: the caller's store stays the store
    pass
after = {
    "environ": dict(os.environ),
    "backend": matplotlib.rcParams["backend"],
    "verbosity": hf_logging.get_verbosity(),
    "bars": hf_logging.is_progress_bar_enabled(),
}
changed = {k: [str(before[k])[:200], str(after[k])[:200]] for k in before if before[k] != after[k]}
if before["environ"] != after["environ"]:
    keys = set(before["environ"]) ^ set(after["environ"]) | {
        k for k in before["environ"] if after["environ"].get(k) != before["environ"][k]
    }
    changed["environ"] = sorted(keys)
changed_uri = mlflow.get_tracking_uri() != store
print(json.dumps({"changed": changed, "uri_overridden": changed_uri}))
"""


def test_importing_and_calling_the_library_changes_no_global_state(tmp_path: Path) -> None:
    env = {
        k: v
        for k, v in __import__("os").environ.items()
        if k not in ("MLFLOW_TRACKING_URI", "HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE")
    }
    env["LINKCLF_CACHE"] = str(tmp_path / "cache")
    done = subprocess.run(
        [sys.executable, "-c", _SIDE_EFFECTS],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result == {"changed": {}, "uri_overridden": False}
