"""The merged ranges of an .xlsx sheet are found wherever they are."""

from __future__ import annotations

import pytest

from pairing_rules.io._sheetscan import _MERGE, cell_position, merged_ranges


def _naive_merged(xml: bytes) -> list[tuple[int, int, int, int, str]]:
    """The merged ranges found by searching the whole text (what the scan reads faster)."""
    out = []
    for match in _MERGE.finditer(xml):
        ref = match.group(1)
        ends = [cell_position(p) for p in ref.split(b":")]
        if len(ends) == 2 and ends[0] is not None and ends[1] is not None:
            (r0, c0), (r1, c1) = ends[0], ends[1]
            out.append((r0, r1, c0, c1, ref.decode("ascii", "replace")))
    return out


@pytest.mark.parametrize(
    "xml",
    [
        b"<worksheet><sheetData/></worksheet>",
        b'<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>mergeCell</t></is>'
        b'</c></row></sheetData><mergeCells count="2"><mergeCell ref="A1:B2"/>'
        b'<mergeCell ref="C3:D4"/></mergeCells></worksheet>',
        b'<worksheet><x:mergeCells><x:mergeCell ref="A1:B1"/></x:mergeCells></worksheet>',
        b'<worksheet><long.prefix-1:mergeCell\nref = "A1:A2"/><mergeCell ref="b3:c3"/></worksheet>',
        b'<worksheet>mergeCell <mergeCell ref="A1:XFE1"/><mergeCell ref="E5:F6"/></worksheet>',
    ],
)
def test_merged_ranges_are_found_from_the_first_one(xml: bytes) -> None:
    assert merged_ranges(xml) == _naive_merged(xml)
