"""Sphinx configuration of the pairing-rules documentation.

Build: ``.venv/bin/python -m sphinx -W --keep-going -b html docs docs/_build/html``.
No network access is needed: no intersphinx, no remote images.  The pages under
``packs/`` are written at every build from the installed packs (see
``_ext/pairing_docs``) and are not kept in git.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "_ext"))

import pairing_rules  # noqa: E402

project = "pairing-rules"
author = "pairing-rules developers"
copyright = "pairing-rules developers"
release = pairing_rules.__version__
version = release

language = "zh_CN"
extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "pairing_docs",
]
source_suffix = {".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build", "_ext"]
templates_path: list[str] = []


autodoc_member_order = "bysource"
autodoc_typehints = "signature"
autodoc_default_options = {
    "members": True,
    "show-inheritance": True,
    # pydantic's own attributes carry pydantic's docstrings, not ours
    "exclude-members": "model_config, model_post_init, model_fields, model_computed_fields",
}

html_theme = "furo"
html_title = f"pairing-rules {release}"
html_static_path: list[str] = []
html_show_sourcelink = False
html_copy_source = False
