"""The layering contract, checked on every import in the package (those inside functions too).

    shared layer  (config, errors, jwt, db, sql, mailer, objectstore, catalogue, pg, bootstrap, ...)
        ↑
    services      (auth, rest, storage, realtime, meta, mail, backup, studio, helpdesk, webapp) and the gateway
        ↑
    composition   (app, server, workers, cli)

The shared layer imports no service and nothing above it; a service imports the shared layer and its own
package only, never another service; the gateway is a service-level package that knows no service (the
composition root hands it what it needs). A package or module not listed here fails the test until it
is placed, so a new one cannot slip in between the layers.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "oricol"

SHARED = {"__init__", "config", "errors", "jwt", "db", "pgpipe", "sql", "sqlsplit", "identity", "metrics", "logs", "mailer",
          "objectstore", "catalogue", "pg", "migrate", "service", "sharedredis", "websocket", "staticfiles",
          "initenv", "serving", "migrations", "httpserver", "clientaddr", "bootstrap", "asgi"}
SERVICES = {"auth", "rest", "storage", "realtime", "meta", "mail", "backup", "studio", "helpdesk", "webapp",
            "gateway"}
COMPOSITION = {"app", "server", "workers", "cli", "moving", "__main__"}


def _unit(module: str) -> str:
    """`oricol.rest.plan` -> `rest`; `oricol` itself -> `__init__`."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _layer(unit: str) -> str:
    for name, members in (("shared", SHARED), ("service", SERVICES), ("composition", COMPOSITION)):
        if unit in members:
            return name
    raise AssertionError(f"oricol.{unit} is in no layer: add it to tests/foundation/test_layers.py")


def _imports(path: Path) -> list[tuple[int, str]]:
    """Every `oricol.*` module a file imports, relative imports resolved."""
    module = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            found.append((node.lineno, target))
            # a private name taken from another unit counts as a crossing of its own (`oricol._private`)
            found += [(node.lineno, f"oricol._private:{target}.{alias.name}") for alias in node.names
                      if alias.name.startswith("_") and _unit(target) != _unit(module)]
            if target == "oricol":  # `from oricol import jwt`: the names are modules of the package
                found += [(node.lineno, f"oricol.{alias.name}") for alias in node.names]
            if node.level and not node.module:  # `from . import x`: x may be a module
                found += [(node.lineno, f"{target}.{alias.name}") for alias in node.names]
    return [(line, name) for line, name in found if name == "oricol" or name.startswith("oricol.")]


def _violations() -> list[str]:
    wrong = []
    for path in sorted(PACKAGE.rglob("*.py")):
        own = _unit(".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts))
        own_layer = _layer(own)
        for line, target in _imports(path):
            where = f"{path.relative_to(PACKAGE.parent)}:{line} imports {target}"
            if target.startswith("oricol._private:"):
                wrong.append(f"{where.replace('oricol._private:', '')} (a private name of another unit: make it public "
                             "in a module both may import)")
                continue
            other = _unit(target)
            if other == own or (target == "oricol" and own_layer != "shared"):
                continue
            other_layer = _layer(other)
            rank = {"shared": 0, "service": 1, "composition": 2}
            if rank[other_layer] > rank[own_layer]:
                wrong.append(f"{where} (a {own_layer} module may not import the {other_layer} layer)")
            elif own_layer == "service" and other_layer == "service":
                wrong.append(f"{where} (services never import each other: move what both need to the shared layer)")
    return wrong


def test_every_import_respects_the_layers():
    assert _violations() == []


@pytest.mark.parametrize("source, expected", [
    ("from oricol.rest import plan\n", "services never import each other"),
    ("from oricol.server import http_options\n", "may not import the composition layer"),
    ("from oricol import app\n", "may not import the composition layer"),
    ("from oricol.jwt import _segments\n", "a private name of another unit"),
])
def test_the_checker_catches_a_crossing(tmp_path, monkeypatch, source, expected):
    # A service module that crosses a layer is reported (the checker itself could otherwise pass vacuously).
    fake = tmp_path / "oricol"
    (fake / "auth").mkdir(parents=True)
    (fake / "auth" / "__init__.py").write_text("")
    (fake / "auth" / "bad.py").write_text(source)
    monkeypatch.setattr(__import__(__name__, fromlist=["PACKAGE"]), "PACKAGE", fake)
    assert any(expected in line for line in _violations())
