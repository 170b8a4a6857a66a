"""Rule pack ``hunan2016``: 湘教通〔2016〕420号 关于在全省基础教育学校开展校校结对帮扶工作的通知.

The pack is data (``pack.yaml`` beside the document's text ``document.txt``);
this module registers it and adds what the data cannot express:

- the completeness check of 一 4: every pair's agreement must state the pairing
  relationship, the content, the annual plan, the responsible department and
  the liaison; one finding per pair names exactly the items that are missing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Final

from pairing_rules import (
    Agreement,
    Choices,
    Dataset,
    Fact,
    Finding,
    Pack,
    PackError,
    Pair,
    Status,
    Text,
    field_label,
    hookimpl,
    load_pack,
)

PACK_ID: Final = "hunan2016"
PACK_FILE: Final = Path(__file__).with_name("pack.yaml")
#: the provision (一 4) listing the agreement items; also the id of its findings
AGREEMENT_RULE: Final = "agreement.contents"


def load() -> Pack:
    """Load the pack from its file (a fresh object each call)."""
    pack = load_pack(PACK_FILE)
    agreement_items(pack)  # fail at load time, not at check time, on a bad item list
    return pack


@hookimpl
def pairing_rules_packs() -> Sequence[Pack]:
    return [load()]


@hookimpl
def pairing_rules_check(
    pack: Pack, dataset: Dataset, choices: Choices, context: Mapping[str, Any]
) -> Sequence[Finding] | None:
    pairs = [r for r in dataset.records("pairs") if isinstance(r, Pair)]
    return agreement_completeness(pack, pairs)


def agreement_rule(pack: Pack) -> Fact:
    """The provision of 一 4 that lists the items an agreement must state."""
    for fact in pack.definition.provisions:
        if fact.id == AGREEMENT_RULE:
            return fact
    raise PackError(f"pack {pack.id}: provision {AGREEMENT_RULE} is missing")


def agreement_items(pack: Pack) -> list[str]:
    """The :class:`~pairing_rules.Agreement` fields the agreement must state, in the document's order."""
    value = agreement_rule(pack).value
    known = set(Agreement.model_fields)
    if (
        not isinstance(value, list)
        or not value
        or not all(isinstance(v, str) and v in known for v in value)
    ):
        raise PackError(
            f"pack {pack.id}: provision {AGREEMENT_RULE} must list Agreement fields "
            f"({', '.join(sorted(known))}), got {value!r}"
        )
    return [str(v) for v in value]


def stated(value: object) -> bool:
    """Whether an agreement item is stated: non-empty text."""
    return isinstance(value, str) and value.strip() != ""


def missing_items(pair: Pair, items: Sequence[str]) -> list[str]:
    """The items of ``items`` that the pair's agreement does not state (all when it has none)."""
    agreement = pair.agreement
    if agreement is None:
        return list(items)
    return [name for name in items if not stated(getattr(agreement, name))]


def agreement_completeness(pack: Pack, pairs: Sequence[Pair]) -> list[Finding]:
    """One finding per pair: met when its agreement states every item of 一 4.

    ``observed`` is ``{"missing": [...]}`` (field names, in the document's
    order), ``expected`` is ``{"required": [...]}``; the message names the
    missing items in Chinese and English.
    """
    rule = agreement_rule(pack)
    items = agreement_items(pack)

    def names(fields: Sequence[str], lang: str) -> list[str]:
        return [field_label(Agreement, f, "zh" if lang == "zh" else "en") for f in fields]

    out = []
    for pair in pairs:
        missing = missing_items(pair, items)
        if not missing:
            status = Status.MET
            message = Text(
                zh=f"结对 {pair.id} 的帮扶协议已明确全部 {len(items)} 项："
                + "、".join(names(items, "zh")),
                en=f"the agreement of pair {pair.id} states every item: "
                + ", ".join(names(items, "en")),
            )
        elif pair.agreement is None:
            status = Status.UNMET
            message = Text(
                zh=f"结对 {pair.id} 未填报帮扶协议内容，缺少：" + "、".join(names(missing, "zh")),
                en=f"pair {pair.id} reports no agreement; missing: "
                + ", ".join(names(missing, "en")),
            )
        else:
            status = Status.UNMET
            message = Text(
                zh=f"结对 {pair.id} 的帮扶协议缺少：" + "、".join(names(missing, "zh")),
                en=f"the agreement of pair {pair.id} lacks: " + ", ".join(names(missing, "en")),
            )
        out.append(
            Finding(
                requirement=AGREEMENT_RULE,
                label=rule.label,
                status=status,
                record=pair.id,
                collection="pairs",
                observed={"missing": missing},
                expected={"required": items},
                source=rule.source,
                message=message,
            )
        )
    return out


__all__ = [
    "AGREEMENT_RULE",
    "PACK_FILE",
    "PACK_ID",
    "agreement_completeness",
    "agreement_items",
    "agreement_rule",
    "load",
    "missing_items",
    "stated",
]
