"""The lazy public API: every name in leadgraph._LAZY resolves to what its module defines."""

from __future__ import annotations

import subprocess
import sys
from importlib import import_module
from types import ModuleType

import leadgraph


def test_every_public_name_resolves_to_its_object_even_after_its_module_is_imported():
    for name, module in leadgraph._LAZY.items():
        import_module(module)  # would rebind leadgraph.<name> if a submodule shared the name
        value = getattr(leadgraph, name)
        assert not isinstance(value, ModuleType), f"leadgraph.{name} is a module, not the public object"
        assert value is getattr(import_module(module), name)


def test_unknown_name_is_an_attribute_error():
    try:
        leadgraph.no_such_thing  # noqa: B018
    except AttributeError as exc:
        assert "no_such_thing" in str(exc)
    else:
        raise AssertionError("expected AttributeError")


def test_import_leadgraph_is_light():
    code = "import sys, leadgraph; print(sorted(m for m in ('rdflib', 'pyshacl', 'pyoxigraph') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
