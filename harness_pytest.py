"""The harness' pytest plugin as pytest loads it (pyproject.toml's pytest11 entry point).

A top-level module of its own, installed as a file of the distribution, on purpose: pytest
rewrites the assertions of the modules that a plugin's distribution lists, and an editable
install lists no Python file, so pytest fell back to the whole package of the entry point,
harness/ (about 80 library modules, whose asserts only narrow types), parsing and rewriting
each at every start: a tenth of the spot suite's time. Listed, this module is what pytest
marks; harness.plugin, which it loads, is marked by name.
"""

pytest_plugins = ["harness.plugin"]
