"""``python -m pairing_rules``: the same as the ``pairing-rules`` command."""

from __future__ import annotations

import sys

from .cli import main

sys.exit(main())
