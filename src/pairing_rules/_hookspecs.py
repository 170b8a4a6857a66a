"""Hook specifications: how a plugin provides packs and extends them.

Every hook is prefixed ``pairing_rules_``.  A plugin is a module (or object)
with functions marked ``@pairing_rules.hookimpl``, registered through the
entry-point group ``pairing_rules``.  A pack's ``pairing_rules_audit`` and
``pairing_rules_check`` hooks belong to the plugin that provides it; another
plugin's run for it only when that plugin declares, through
``pairing_rules_extends``, that it extends the pack, and every result then
names it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final

import pluggy

if TYPE_CHECKING:
    from ._audit import AuditFinding
    from ._dataset import Dataset
    from ._interpretations import Choices
    from ._pack import Pack
    from ._requirements import Finding

PROJECT: Final = "pairing_rules"
hookspec: Final = pluggy.HookspecMarker(PROJECT)
hookimpl: Final = pluggy.HookimplMarker(PROJECT)


@hookspec
def pairing_rules_packs() -> Sequence[Pack] | None:
    """Return the packs this plugin provides.

    An installed plugin provides the pack named like its entry point (entry
    point ``cangnan2022`` → pack ``cangnan2022``).  A plugin whose call raises,
    or whose pack is invalid, is reported by :func:`pairing_rules.plugin_errors`
    and skipped; the other plugins' packs are still listed.
    """


@hookspec
def pairing_rules_extends() -> Sequence[str] | None:
    """Return the ids of the packs, provided by others, whose audit and check this plugin extends.

    Called once when the registry resolves a pack.  The plugin's
    ``pairing_rules_audit`` and ``pairing_rules_check`` then also run for those
    packs, and every result they contribute to lists the plugin (its
    distribution's name and version) under ``extensions``, with a provenance
    hash that covers it.
    """


@hookspec
def pairing_rules_audit(pack: Pack, choices: Choices) -> Sequence[AuditFinding] | None:
    """Return audit findings for ``pack`` that its data alone cannot express.

    The core already audits rubric totals, printed sums, formula tables and
    stated figures; implement this for computations particular to a document.
    Called only for the packs the plugin provides or declares it extends.  A
    hook that raises becomes a finding naming the plugin, in that pack's
    result only.

    :param pack: the pack being audited.
    :param choices: the interpretation values in force.
    """


@hookspec
def pairing_rules_check(
    pack: Pack, dataset: Dataset, choices: Choices, context: Mapping[str, Any]
) -> Sequence[Finding] | None:
    """Return dataset-level findings for ``pack`` beyond its declared requirements.

    Called by ``check`` after the record and group requirements, only for the
    packs the plugin provides or declares it extends.  A hook that raises
    becomes a finding naming the plugin (status ``error``), in that pack's
    result only.

    :param pack: the pack checking the data.
    :param dataset: the validated records (rejected ones are not in it).
    :param choices: the interpretation values in force.
    :param context: ``as_of`` (a date) and other options of the run.
    """
