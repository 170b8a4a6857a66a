"""Tools for pack authors: Hypothesis strategies and the conformance suite.

``pairing_rules.testing.strategies`` holds the strategies;
:class:`PackConformance` is the suite a pack's tests subclass.  Importing this
package needs pytest and Hypothesis (the ``test`` extra).
"""

from __future__ import annotations

from . import strategies
from .conformance import PackConformance, interpretation_overrides, records_for

__all__ = ["PackConformance", "interpretation_overrides", "records_for", "strategies"]
