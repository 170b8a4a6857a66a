"""zhejiang2021: the table of 附件1 and its formula audit, the verification standard, progress.

附件1 说明二2: new members = town schools × 60% × 40% + rural schools × 70% − fusion/co-build
members formed by 2020; the rounding is not written down (default: half up on the whole result,
a rounded value below 1 is "no task", printed "/"). 附件2: synchronous lessons ≥ 2 subjects and
≥ 20 lessons, online research ≥ 8 and offline ≥ 4, teacher exchange (fusion: free flow; co-build:
a backbone teacher at every member), each with its evidence. 三(二): 30% verified by 2021-06-30,
60% by 2021-09-30, all by 2021-11-30.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import subprocess
import sys
from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pairing_rules import CheckReport, Finding, Pack, Registry, Status, audit, check, quota
from pairing_rules.testing import PackConformance

HERE = Path(__file__).parents[1]
SAMPLE = HERE / "examples" / "communities-2021.json"
TABLES = HERE / "src" / "pairing_rules_zhejiang2021" / "tables"
COLUMNS = (
    "schools_total",
    "urban_schools",
    "town_schools",
    "rural_schools",
    "members_fusion",
    "members_cobuild",
    "members_collaboration",
    "new_members",
    "pairs",
)
CITIES = (
    "杭州市",
    "宁波市",
    "温州市",
    "嘉兴市",
    "湖州市",
    "绍兴市",
    "金华市",
    "衢州市",
    "舟山市",
    "台州市",
    "丽水市",
)


@pytest.fixture(scope="module")
def pack() -> Pack:
    return Registry().get_pack("zhejiang2021")


class TestConformance(PackConformance):
    pack_id = "zhejiang2021"


def test_metadata(pack: Pack) -> None:
    doc = pack.document
    assert doc.doc_number == "浙教办函〔2021〕53号"
    assert doc.issuer == "浙江省教育厅办公室"
    assert doc.published == dt.date(2021, 3, 23)
    assert "新增城乡教育共同体结对学校(校区)1500家" in doc.title
    source = HERE.parents[2] / "shared" / "sources" / "zhejiang2021.txt"
    shipped = (HERE / "src" / "pairing_rules_zhejiang2021" / "document.txt").read_text("utf-8")
    assert doc.text == shipped
    if source.exists():  # the shipped text is a verbatim copy of the source
        assert shipped == source.read_text("utf-8")


# ------------------------------------------------------------------ 附件1 as reference data


def _num(cell: Any) -> int:
    """A printed cell as a number: blank and "/" (no task) count 0."""
    return cell if isinstance(cell, int) else 0


def test_allocation_table_shape(pack: Pack) -> None:
    rows = pack.table("allocation").rows
    kinds: dict[str, int] = defaultdict(int)
    for row in rows:
        kinds[row["kind"]] += 1
    # 90 counties (说明三1 "全省90个县(市、区)") + 15 代管 rows, 11 小计, 1 合计
    assert dict(kinds) == {"county": 90, "managed": 15, "subtotal": 11, "total": 1}
    assert [r["city"] for r in rows if r["kind"] == "subtotal"] == list(CITIES)
    names = {r["name"] for r in rows}
    assert {"西湖风景名胜区代管", "杭州湾新区代管", "钱塘新区代管", "景宁畲族自治县"} <= names
    assert "西湖风景名胜区" not in names and "代管" not in names
    # the cells as printed: blank is None, "/" stays "/", the one printed 0 stays 0
    by_name = {r["name"]: r for r in rows}
    assert by_name["上城区"]["town_schools"] is None and by_name["上城区"]["new_members"] == "/"
    assert by_name["松阳县"]["members_cobuild"] == 0
    assert by_name["萧山区"] == {
        "city": "杭州市",
        "name": "萧山区",
        "kind": "county",
        "schools_total": 128,
        "urban_schools": 98,
        "town_schools": 14,
        "rural_schools": 16,
        "members_fusion": 3,
        "members_cobuild": None,
        "members_collaboration": 74,
        "new_members": 12,
        "pairs": 24,
    }


def test_allocation_rows_reproduce_every_subtotal_and_the_total(pack: Pack) -> None:
    rows = pack.table("allocation").rows
    sums: dict[str, list[int]] = defaultdict(lambda: [0] * len(COLUMNS))
    for row in rows:
        if row["kind"] in ("county", "managed"):
            sums[row["city"]] = [
                a + _num(row[c]) for a, c in zip(sums[row["city"]], COLUMNS, strict=True)
            ]
    subtotals = {r["city"]: [_num(r[c]) for c in COLUMNS] for r in rows if r["kind"] == "subtotal"}
    assert subtotals == dict(sums)
    (total,) = [r for r in rows if r["kind"] == "total"]
    grand = [_num(total[c]) for c in COLUMNS]
    assert grand == [sum(col) for col in zip(*subtotals.values(), strict=True)]
    # 合计 as printed: 5054 2184 1649 1221 155 444 1254 766 1532
    assert grand == [5054, 2184, 1649, 1221, 155, 444, 1254, 766, 1532]
    # 一: the city floors 174 152 320 102 134 54 210 60 30 216 80 are the 小计 of the school totals
    floors = [174, 152, 320, 102, 134, 54, 210, 60, 30, 216, 80]
    assert [subtotals[c][COLUMNS.index("pairs")] for c in CITIES] == floors
    assert sum(floors) == 1532


def test_every_row_is_internally_consistent(pack: Pack) -> None:
    for row in pack.table("allocation").rows:
        urban, town, rural = (
            _num(row[c]) for c in ("urban_schools", "town_schools", "rural_schools")
        )
        assert urban + town + rural == row["schools_total"], row["name"]
        # 说明二2 "一般按成员校数的2倍计": every school total is twice the members, "/" with "/"
        if row["new_members"] == "/":
            assert row["pairs"] == "/", row["name"]
        else:
            assert row["pairs"] == 2 * row["new_members"], row["name"]


def _csv(name: str) -> list[dict[str, str]]:
    with (TABLES / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_quota_rows_are_the_reference_rows(pack: Pack) -> None:
    reference = [r for r in pack.table("allocation").rows if r["kind"] in ("county", "managed")]
    counties = pack.quota_table("counties").rows
    pairs = pack.quota_table("pairs").rows
    assert len(reference) == len(counties) == len(pairs) == 105
    for ref, row, pair in zip(reference, counties, pairs, strict=True):
        assert (row.parent, row.region) == (pair.parent, pair.region) == (ref["city"], ref["name"])
        printed = ref["new_members"]
        assert row.published == (None if printed == "/" else printed)
        assert row.printed == ("/" if printed == "/" else None)
        for column in COLUMNS[:7]:
            assert row.inputs[column] == _num(ref[column]), (ref["name"], column)
        # members_before is the formula's subtrahend: fusion + co-build, never collaboration
        assert row.inputs["members_before"] == _num(ref["members_fusion"]) + _num(
            ref["members_cobuild"]
        )
        assert row.inputs.get("pairs") == (None if ref["pairs"] == "/" else ref["pairs"])
        assert pair.published == row.inputs.get("pairs")
        assert pair.inputs.get("new_members") == row.published
    assert len(_csv("quota_counties.csv")) == 105


def test_printed_sums_all_match(pack: Pack) -> None:
    report = quota(pack, audit_rows=True)
    # 11 cities × 9 columns + 合计 × 9 columns
    assert len(report.sums) == 108
    assert all(s["matches"] for s in report.sums)
    assert report.total_published == 766
    for table, count in (("pairs", 12), ("city_floors", 3)):
        sums = quota(pack, table=table).sums
        assert len(sums) == count and all(s["matches"] for s in sums)
    assert quota(pack, table="pairs").total_published == 1532
    assert quota(pack, table="city_floors").total_published == 1532


# ------------------------------------------------------------------ the formula audit

# (city, county as printed, published (None = "/"), exact formula value, half-up quota (None = no task))
# exact = town × 0.24 + rural × 0.7 − (fusion + co-build members formed by 2020), from the printed cells
ROWS = [
    ("杭州市", "上城区", None, "0", None),  # 0 × 0.24 + 0 × 0.7 − 0
    ("杭州市", "下城区", None, "0", None),  # 0 × 0.24 + 0 × 0.7 − 0
    ("杭州市", "江干区", None, "0", None),  # 0 × 0.24 + 0 × 0.7 − 0
    ("杭州市", "拱墅区", None, "0", None),  # 0 × 0.24 + 0 × 0.7 − 0
    ("杭州市", "西湖区", None, "-0.3", None),  # 0 × 0.24 + 1 × 0.7 − 1
    ("杭州市", "滨江区", None, "0", None),  # 0 × 0.24 + 0 × 0.7 − 0
    ("杭州市", "萧山区", 12, "11.56", 12),  # 14 × 0.24 + 16 × 0.7 − 3
    ("杭州市", "余杭区", 14, "14.34", 14),  # 16 × 0.24 + 15 × 0.7 − 0
    ("杭州市", "富阳区", 15, "15.22", 15),  # 8 × 0.24 + 19 × 0.7 − 0
    ("杭州市", "临安区", 16, "15.52", 16),  # 18 × 0.24 + 16 × 0.7 − 0
    ("杭州市", "桐庐县", 12, "12.12", 12),  # 33 × 0.24 + 6 × 0.7 − 0
    ("杭州市", "淳安县", None, "-1.08", None),  # 28 × 0.24 + 26 × 0.7 − 26
    ("杭州市", "建德市", 15, "13.9", 14),  # 20 × 0.24 + 13 × 0.7 − 0
    ("杭州市", "西湖风景名胜区代管", None, "0", None),  # 0 × 0.24 + 0 × 0.7 − 0
    ("杭州市", "钱塘新区代管", 3, "3.2", 3),  # 0 × 0.24 + 6 × 0.7 − 1
    ("宁波市", "海曙区", 5, "5.04", 5),  # 6 × 0.24 + 8 × 0.7 − 2
    ("宁波市", "江北区", None, "-1.6", None),  # 0 × 0.24 + 2 × 0.7 − 3
    ("宁波市", "北仑区", 2, "2.12", 2),  # 3 × 0.24 + 2 × 0.7 − 0
    ("宁波市", "镇海区", 2, "1.88", 2),  # 2 × 0.24 + 2 × 0.7 − 0
    ("宁波市", "鄞州区", 5, "5.46", 5),  # 19 × 0.24 + 7 × 0.7 − 4
    ("宁波市", "奉化区", None, "0.2", None),  # 10 × 0.24 + 4 × 0.7 − 5
    ("宁波市", "象山县", 7, "6.64", 7),  # 36 × 0.24 + 10 × 0.7 − 9
    ("宁波市", "宁海县", 28, "27.86", 28),  # 49 × 0.24 + 23 × 0.7 − 0
    ("宁波市", "余姚市", 7, "7.24", 7),  # 46 × 0.24 + 6 × 0.7 − 8
    ("宁波市", "慈溪市", 15, "14.56", 15),  # 24 × 0.24 + 14 × 0.7 − 1
    ("宁波市", "大榭开发区代管", None, "0", None),  # 0 × 0.24 + 0 × 0.7 − 0
    ("宁波市", "宁波高新区代管", None, "0", None),  # 0 × 0.24 + 0 × 0.7 − 0
    ("宁波市", "东钱湖度假区代管", 2, "2.36", 2),  # 4 × 0.24 + 2 × 0.7 − 0
    ("宁波市", "宁波市本级代管", None, "0", None),  # 0 × 0.24 + 0 × 0.7 − 0
    ("宁波市", "杭州湾新区代管", 3, "8.42", 8),  # 3 × 0.24 + 11 × 0.7 − 0
    ("温州市", "鹿城区", 5, "5.14", 5),  # 1 × 0.24 + 7 × 0.7 − 0
    ("温州市", "龙湾区", None, "-8.3", None),  # 0 × 0.24 + 1 × 0.7 − 9
    ("温州市", "瓯海区", 10, "9.58", 10),  # 2 × 0.24 + 13 × 0.7 − 0
    ("温州市", "洞头区", 2, "1.68", 2),  # 2 × 0.24 + 6 × 0.7 − 3
    ("温州市", "永嘉县", 12, "12.1", 12),  # 60 × 0.24 + 41 × 0.7 − 31
    ("温州市", "平阳县", 35, "34.98", 35),  # 57 × 0.24 + 39 × 0.7 − 6
    ("温州市", "苍南县", 18, "17.94", 18),  # 76 × 0.24 + 21 × 0.7 − 15
    ("温州市", "文成县", 18, "17.64", 18),  # 21 × 0.24 + 18 × 0.7 − 0
    ("温州市", "泰顺县", 22, "21.66", 22),  # 29 × 0.24 + 21 × 0.7 − 0
    ("温州市", "瑞安市", None, "-14.04", None),  # 4 × 0.24 + 50 × 0.7 − 50
    ("温州市", "乐清市", 33, "32.76", 33),  # 9 × 0.24 + 48 × 0.7 − 3
    ("温州市", "龙港市", 1, "0.72", 1),  # 3 × 0.24 + 0 × 0.7 − 0
    ("温州市", "温州市本级代管", None, "0", None),  # 0 × 0.24 + 0 × 0.7 − 0
    ("温州市", "经济技术开发区代管", 4, "4.08", 4),  # 17 × 0.24 + 0 × 0.7 − 0
    ("嘉兴市", "南湖区", 1, "1.3", 1),  # 5 × 0.24 + 3 × 0.7 − 2
    ("嘉兴市", "秀洲区", 4, "4.28", 4),  # 12 × 0.24 + 2 × 0.7 − 0
    ("嘉兴市", "嘉善县", 12, "12.36", 12),  # 34 × 0.24 + 6 × 0.7 − 0
    ("嘉兴市", "海盐县", 10, "10.46", 10),  # 29 × 0.24 + 5 × 0.7 − 0
    ("嘉兴市", "海宁市", 11, "10.88", 11),  # 22 × 0.24 + 8 × 0.7 − 0
    ("嘉兴市", "平湖市", 6, "5.44", 5),  # 11 × 0.24 + 4 × 0.7 − 0
    ("嘉兴市", "桐乡市", 7, "6.42", 6),  # 18 × 0.24 + 3 × 0.7 − 0
    ("嘉兴市", "经济开发区代管", None, "0", None),  # 0 × 0.24 + 0 × 0.7 − 0
    ("湖州市", "吴兴区", 9, "8.7", 9),  # 10 × 0.24 + 9 × 0.7 − 0
    ("湖州市", "南浔区", 10, "9.94", 10),  # 21 × 0.24 + 7 × 0.7 − 0
    ("湖州市", "德清县", 13, "13.02", 13),  # 28 × 0.24 + 9 × 0.7 − 0
    ("湖州市", "长兴县", 19, "19.14", 19),  # 36 × 0.24 + 15 × 0.7 − 0
    ("湖州市", "安吉县", 16, "15.86", 16),  # 34 × 0.24 + 11 × 0.7 − 0
    ("绍兴市", "越城区", None, "-1.12", None),  # 2 × 0.24 + 12 × 0.7 − 10
    ("绍兴市", "柯桥区", None, "-12.66", None),  # 11 × 0.24 + 11 × 0.7 − 23
    ("绍兴市", "上虞区", 13, "12.78", 13),  # 17 × 0.24 + 21 × 0.7 − 6
    ("绍兴市", "新昌县", 11, "11.04", 11),  # 31 × 0.24 + 8 × 0.7 − 2
    ("绍兴市", "诸暨市", None, "-5.04", None),  # 39 × 0.24 + 48 × 0.7 − 48
    ("绍兴市", "嵊州市", 3, "3.28", 3),  # 22 × 0.24 + 20 × 0.7 − 16
    ("金华市", "婺城区", 10, "8.26", 8),  # 19 × 0.24 + 11 × 0.7 − 4
    ("金华市", "金东区", 6, "6.34", 6),  # 16 × 0.24 + 15 × 0.7 − 8
    ("金华市", "武义县", 13, "13.46", 13),  # 24 × 0.24 + 11 × 0.7 − 0
    ("金华市", "浦江县", 4, "4.36", 4),  # 24 × 0.24 + 18 × 0.7 − 14
    ("金华市", "磐安县", 1, "1.06", 1),  # 19 × 0.24 + 5 × 0.7 − 7
    ("金华市", "兰溪市", 19, "19.02", 19),  # 18 × 0.24 + 21 × 0.7 − 0
    ("金华市", "义乌市", 10, "10.28", 10),  # 22 × 0.24 + 20 × 0.7 − 9
    ("金华市", "东阳市", 21, "21.14", 21),  # 41 × 0.24 + 29 × 0.7 − 9
    ("金华市", "永康市", 21, "21.1", 21),  # 15 × 0.24 + 25 × 0.7 − 0
    ("衢州市", "柯城区", 1, "1.46", 1),  # 4 × 0.24 + 15 × 0.7 − 10
    ("衢州市", "衢江区", None, "-13.12", None),  # 12 × 0.24 + 10 × 0.7 − 23
    ("衢州市", "常山县", 1, "-9.32", None),  # 22 × 0.24 + 12 × 0.7 − 23
    ("衢州市", "开化县", 23, "23.72", 24),  # 23 × 0.24 + 26 × 0.7 − 0
    ("衢州市", "龙游县", 5, "4.9", 5),  # 25 × 0.24 + 17 × 0.7 − 13
    ("衢州市", "江山市", None, "-19.94", None),  # 19 × 0.24 + 15 × 0.7 − 35
    ("衢州市", "衢州市本级代管", None, "0", None),  # 0 × 0.24 + 0 × 0.7 − 0
    ("舟山市", "定海区", 4, "4.32", 4),  # 3 × 0.24 + 8 × 0.7 − 2
    ("舟山市", "普陀区", 3, "2.6", 3),  # 5 × 0.24 + 2 × 0.7 − 0
    ("舟山市", "岱山县", 5, "5.2", 5),  # 10 × 0.24 + 4 × 0.7 − 0
    ("舟山市", "嵊泗县", 3, "3.08", 3),  # 7 × 0.24 + 2 × 0.7 − 0
    ("舟山市", "舟山市本级代管", None, "0.24", None),  # 1 × 0.24 + 0 × 0.7 − 0
    ("台州市", "椒江区", None, "-9.36", None),  # 1 × 0.24 + 2 × 0.7 − 11
    ("台州市", "黄岩区", None, "-8.44", None),  # 14 × 0.24 + 6 × 0.7 − 16
    ("台州市", "路桥区", 10, "9.64", 10),  # 11 × 0.24 + 10 × 0.7 − 0
    ("台州市", "三门县", None, "-9.46", None),  # 31 × 0.24 + 13 × 0.7 − 26
    ("台州市", "天台县", 8, "8.36", 8),  # 34 × 0.24 + 26 × 0.7 − 18
    ("台州市", "仙居县", 13, "13.18", 13),  # 32 × 0.24 + 25 × 0.7 − 12
    ("台州市", "温岭市", 18, "17.68", 18),  # 27 × 0.24 + 16 × 0.7 − 0
    ("台州市", "临海市", 54, "55.22", 55),  # 23 × 0.24 + 71 × 0.7 − 0
    ("台州市", "玉环市", 5, "4.5", 5),  # 5 × 0.24 + 9 × 0.7 − 3
    ("台州市", "台州市本级代管", None, "0", None),  # 0 × 0.24 + 0 × 0.7 − 0
    ("台州市", "台州湾新区代管", None, "0.94", 1),  # 1 × 0.24 + 1 × 0.7 − 0
    ("丽水市", "莲都区", 4, "3.54", 4),  # 6 × 0.24 + 3 × 0.7 − 0
    ("丽水市", "青田县", 2, "1.8", 2),  # 30 × 0.24 + 18 × 0.7 − 18
    ("丽水市", "缙云县", 15, "14.52", 15),  # 28 × 0.24 + 24 × 0.7 − 9
    ("丽水市", "遂昌县", 7, "6.92", 7),  # 18 × 0.24 + 8 × 0.7 − 3
    ("丽水市", "松阳县", 6, "6.28", 6),  # 12 × 0.24 + 12 × 0.7 − 5
    ("丽水市", "云和县", None, "-1.1", None),  # 10 × 0.24 + 5 × 0.7 − 7
    ("丽水市", "庆元县", 6, "7.34", 7),  # 16 × 0.24 + 5 × 0.7 − 0
    ("丽水市", "景宁畲族自治县", None, "-4.06", None),  # 11 × 0.24 + 9 × 0.7 − 13
    ("丽水市", "龙泉市", None, "-1.58", None),  # 8 × 0.24 + 15 × 0.7 − 14
    ("丽水市", "丽水市本级代管", None, "0.7", 1),  # 0 × 0.24 + 1 × 0.7 − 0
]

#: the rows where the table departs from the formula (half up): the table's number vs the formula's
DEVIATIONS = {
    ("杭州市", "建德市"): (15, 14),  # 13.90 → 14, printed 15
    ("宁波市", "杭州湾新区代管"): (3, 8),  # 8.42 → 8, printed 3
    ("嘉兴市", "平湖市"): (6, 5),  # 5.44 → 5
    ("嘉兴市", "桐乡市"): (7, 6),  # 6.42 → 6
    ("金华市", "婺城区"): (10, 8),  # 8.26 → 8
    ("衢州市", "常山县"): (1, None),  # −9.32: no task, printed 1
    ("衢州市", "开化县"): (23, 24),  # 23.72 → 24
    ("台州市", "临海市"): (54, 55),  # 55.22 → 55
    ("台州市", "台州湾新区代管"): (None, 1),  # 0.94 → 1, printed "/"
    ("丽水市", "庆元县"): (6, 7),  # 7.34 → 7
    ("丽水市", "丽水市本级代管"): (None, 1),  # 0.70 → 1, printed "/"
}


def test_pinned_rows_follow_from_the_printed_cells(pack: Pack) -> None:
    # the expected values above, recomputed from the reference table with plain decimals
    reference = [r for r in pack.table("allocation").rows if r["kind"] in ("county", "managed")]
    assert [(r["city"], r["name"]) for r in reference] == [(c, n) for c, n, *_ in ROWS]
    for ref, (_city, _name, published, exact, computed) in zip(reference, ROWS, strict=True):
        value = (
            Decimal(_num(ref["town_schools"])) * Decimal("0.6") * Decimal("0.4")
            + Decimal(_num(ref["rural_schools"])) * Decimal("0.7")
            - _num(ref["members_fusion"])
            - _num(ref["members_cobuild"])
        )
        assert value == Decimal(exact)
        assert published == (None if ref["new_members"] == "/" else ref["new_members"])
        agrees = (computed or 0) == (published or 0)
        assert agrees is ((ref["city"], ref["name"]) not in DEVIATIONS)


def test_audit_of_every_row(pack: Pack) -> None:
    report = quota(pack, audit_rows=True)
    assert report.audited and len(report.rows) == len(ROWS) == 105
    for row, (city, county, published, exact, computed) in zip(report.rows, ROWS, strict=True):
        assert (row.parent, row.region) == (city, county)
        assert row.published == published
        assert row.exact == Decimal(exact), county
        assert row.computed == computed, county
        assert row.deviation == (computed or 0) - (published or 0), county
    agreeing = [(r.parent, r.region) for r in report.rows if r.deviation == 0]
    departing = {
        (r.parent, r.region): (r.published, r.computed) for r in report.rows if r.deviation
    }
    assert len(agreeing) == 94
    assert departing == DEVIATIONS


#: the formula on every row, added up: the 11 deviations sum to −1 + 5 − 1 − 1 − 2 − 1 + 1 + 1
#: + 1 + 1 + 1 = +4, so 766 + 4 = 770 new members and 770 × 2 = 1540 paired schools; by city:
#: 杭州 87 − 1 (建德) = 86 → 172, 宁波 76 + 5 (杭州湾) = 81 → 162, 嘉兴 51 − 1 − 1 = 49 → 98,
#: 金华 105 − 2 (婺城) = 103 → 206, 台州 108 + 1 + 1 = 110 → 220, 丽水 40 + 1 + 1 = 42 → 84;
#: 衢州 30 − 1 (常山) + 1 (开化) = 30 keeps its 60
TOTALS = {
    ("formula_total", "counties:合计"): (
        {"new_members": 770, "schools": 1540},
        {"new_members": 766, "schools": 1532},
    ),
    ("formula_city_floor", "city_floors:杭州市"): (172, 174),
    ("formula_city_floor", "city_floors:宁波市"): (162, 152),
    ("formula_city_floor", "city_floors:嘉兴市"): (98, 102),
    ("formula_city_floor", "city_floors:金华市"): (206, 210),
    ("formula_city_floor", "city_floors:台州市"): (220, 216),
    ("formula_city_floor", "city_floors:丽水市"): (84, 80),
}


def test_audit_findings(pack: Pack) -> None:
    found = {(f.code, f.subject): (f.observed, f.expected) for f in audit(pack).findings}
    assert found == {
        **{
            ("formula_deviation", f"counties:{city}:{county}"): values
            for (city, county), values in DEVIATIONS.items()
        },
        **TOTALS,
    }
    (total,) = [f for f in audit(pack).findings if f.code == "formula_total"]
    assert "770" in total.message.zh and "1,540" in total.message.zh
    assert "766" in total.message.zh and "1,532" in total.message.zh
    assert total.source.section == "附件1 说明二2"
    (finding,) = [f for f in audit(pack).findings if f.subject.endswith(":杭州湾新区代管")]
    assert "表列 3" in finding.message.zh and "8.42" in finding.message.zh
    assert "+5" in finding.message.zh


@pytest.mark.parametrize(
    ("rule", "agreeing"),
    [("half_up", 94), ("half_even", 93), ("floor", 69), ("down", 69), ("ceiling", 59)],
)
def test_the_default_rounding_fits_the_table_best(pack: Pack, rule: str, agreeing: int) -> None:
    report = quota(pack, audit_rows=True, interpretations={"zhejiang2021.rounding": rule})
    assert sum(1 for r in report.rows if r.deviation == 0) == agreeing
    assert [u.id for u in report.interpretations] == ["zhejiang2021.rounding"]


def test_half_even_differs_at_yuhuan_only(pack: Pack) -> None:
    up = quota(pack, audit_rows=True)
    even = quota(pack, audit_rows=True, interpretations={"zhejiang2021.rounding": "half_even"})
    changed = [
        (a.region, a.computed, b.computed)
        for a, b in zip(up.rows, even.rows, strict=True)
        if a.computed != b.computed
    ]
    # 玉环市: 5 × 0.24 + 9 × 0.7 − 3 = 4.5, printed 5
    assert changed == [("玉环市", 5, 4)]
    found = {
        f.subject: (f.observed, f.expected)
        for f in audit(pack, interpretations={"zhejiang2021.rounding": "half_even"}).findings
    }
    assert found["counties:台州市:玉环市"] == (5, 4)
    # 12 rows; 770 − 1 = 769 members, 1538 schools; 台州 110 − 1 = 109 → 218: still six floors
    assert found["counties:合计"] == (
        {"new_members": 769, "schools": 1538},
        {"new_members": 766, "schools": 1532},
    )
    assert found["city_floors:台州市"] == (218, 216)
    assert len(found) == 12 + 1 + 6


def test_school_totals_and_city_floors_follow_twice_the_members(pack: Pack) -> None:
    pairs = quota(pack, table="pairs", audit_rows=True)
    assert all(r.deviation == 0 for r in pairs.rows)
    (xiaoshan,) = [r for r in pairs.rows if r.region == "萧山区"]
    assert (xiaoshan.published, xiaoshan.computed) == (24, 24)  # 12 members × 2
    floors = quota(pack, table="city_floors", audit_rows=True)
    assert {r.region: (r.published, r.computed) for r in floors.rows} == {
        "杭州市": (174, 174),  # 小计 87 × 2
        "宁波市": (152, 152),  # 76 × 2
        "温州市": (320, 320),  # 160 × 2
        "嘉兴市": (102, 102),  # 51 × 2
        "湖州市": (134, 134),  # 67 × 2
        "绍兴市": (54, 54),  # 27 × 2
        "金华市": (210, 210),  # 105 × 2
        "衢州市": (60, 60),  # 30 × 2
        "舟山市": (30, 30),  # 15 × 2
        "台州市": (216, 216),  # 108 × 2
        "丽水市": (80, 80),  # 40 × 2
    }


def test_quota_json_contract(pack: Pack) -> None:
    data = quota(pack, audit_rows=True).as_json()
    assert data["table"] == "counties" and data["audited"] is True
    assert len(data["rows"]) == 105
    for row in data["rows"]:
        assert set(row) == {
            "city",
            "county",
            "published",
            "printed",
            "exact",
            "computed",
            "deviation",
        }
    by_county = {r["county"]: r for r in data["rows"]}
    assert by_county["杭州湾新区代管"] == {
        "city": "宁波市",
        "county": "杭州湾新区代管",
        "published": 3,
        "printed": None,
        "exact": 8.42,
        "computed": 8,
        "deviation": 5,
    }
    assert by_county["淳安县"]["published"] is None and by_county["淳安县"]["printed"] == "/"
    assert by_county["淳安县"]["computed"] is None and by_county["淳安县"]["deviation"] == 0
    assert by_county["常山县"]["computed"] is None and by_county["常山县"]["deviation"] == -1
    assert data["interpretations"][0]["id"] == "zhejiang2021.rounding"
    json.dumps(data, ensure_ascii=False)


# ------------------------------------------------------------------ the verification standard

FULL = dict(
    sync_subjects=2,
    sync_lessons=20,
    online_research=8,
    offline_research=4,
    evidence_approval=True,
    evidence_assessment_plan=True,
    evidence_lessons=True,
    evidence_research=True,
    evidence_teacher_list=True,
)
TYPES = {
    "融合型": dict(members=["甲校区"], teachers_barrier_free=True),
    "共建型": dict(members=["甲小学", "乙小学"], members_with_backbone_teacher=2),
}


def statuses(
    pack: Pack, kind: str, overrides: dict[str, str] | None = None, **fields: Any
) -> dict[str, Status]:
    record = {
        "id": "T",
        "type": kind,
        "year": 2021,
        "formed_year": 2021,
        **FULL,
        **TYPES[kind],
        **fields,
    }
    report = check(
        pack, {"communities": [record]}, as_of=dt.date(2021, 12, 31), interpretations=overrides
    )
    assert not report.rejected, report.rejected
    (result,) = report.results
    return {f.requirement: f.status for f in result.findings}


MET, UNMET, NEEDS, NA = Status.MET, Status.UNMET, Status.NEEDS_EVIDENCE, Status.NOT_APPLICABLE


@pytest.mark.parametrize("kind", ["融合型", "共建型"])
def test_everything_at_its_threshold_is_met(pack: Pack, kind: str) -> None:
    assert statuses(pack, kind) == {
        "formation": MET,
        "operation.lessons": MET,
        "operation.research": MET,
        "operation.exchange": MET,
    }


@pytest.mark.parametrize("kind", ["融合型", "共建型"])
@pytest.mark.parametrize(
    ("requirement", "field", "below", "at", "above"),
    [
        ("operation.lessons", "sync_subjects", 1, 2, 3),  # 年内不少于2门学科
        ("operation.lessons", "sync_lessons", 19, 20, 21),  # 累计不少于20节
        ("operation.research", "online_research", 7, 8, 9),  # 网络研修不少于8次
        ("operation.research", "offline_research", 3, 4, 5),  # 线下教研不少于4次
    ],
)
def test_numeric_thresholds(
    pack: Pack, kind: str, requirement: str, field: str, below: int, at: int, above: int
) -> None:
    assert statuses(pack, kind, **{field: below})[requirement] is UNMET
    assert statuses(pack, kind, **{field: at})[requirement] is MET
    assert statuses(pack, kind, **{field: above})[requirement] is MET
    # not reported counts as zero: unmet
    assert statuses(pack, kind, **{field: None})[requirement] is UNMET


@pytest.mark.parametrize("kind", ["融合型", "共建型"])
@pytest.mark.parametrize(
    ("requirement", "evidence", "numbers"),
    [
        ("formation", "evidence_approval", {"members": []}),
        ("formation", "evidence_assessment_plan", {"members": []}),
        ("operation.lessons", "evidence_lessons", {"sync_lessons": 19}),
        ("operation.research", "evidence_research", {"offline_research": 3}),
        ("operation.exchange", "evidence_teacher_list", None),
    ],
)
def test_evidence(
    pack: Pack, kind: str, requirement: str, evidence: str, numbers: dict[str, Any] | None
) -> None:
    # the numbers met, the proof missing (or not reported): needs evidence, not met
    assert statuses(pack, kind, **{evidence: False})[requirement] is NEEDS
    assert statuses(pack, kind, **{evidence: None})[requirement] is NEEDS
    # the numbers not met: unmet, with or without the proof
    if numbers is not None:
        assert statuses(pack, kind, **numbers)[requirement] is UNMET
        assert statuses(pack, kind, **numbers, **{evidence: False})[requirement] is UNMET


def test_evidence_message_names_what_is_missing(pack: Pack) -> None:
    record = {
        "id": "T",
        "type": "共建型",
        "year": 2021,
        **FULL,
        **TYPES["共建型"],
        "evidence_teacher_list": False,
    }
    report = check(pack, {"communities": [record]}, as_of=dt.date(2021, 12, 31))
    (finding,) = [f for f in report.results[0].findings if f.requirement == "operation.exchange"]
    assert finding.status is NEEDS
    assert "已交流教师的名单" in finding.message.zh and "exchanged teachers" in finding.message.en
    assert finding.observed["evidence_teacher_list"] is False
    assert report.results[0].passed is False


@pytest.mark.parametrize("kind", ["融合型", "共建型"])
@pytest.mark.parametrize(("members", "status"), [(0, UNMET), (1, MET), (3, MET)])
def test_formation_needs_a_member_school(
    pack: Pack, kind: str, members: int, status: Status
) -> None:
    # 附件2 一(一): the list names the new community's member schools; none listed is not formed
    names = [f"成员{n}" for n in range(members)]
    got = statuses(pack, kind, members=names, members_with_backbone_teacher=members)
    assert got["formation"] is status


def test_fusion_teacher_flow(pack: Pack) -> None:
    assert statuses(pack, "融合型", teachers_barrier_free=True)["operation.exchange"] is MET
    assert statuses(pack, "融合型", teachers_barrier_free=False)["operation.exchange"] is UNMET
    assert statuses(pack, "融合型", teachers_barrier_free=None)["operation.exchange"] is UNMET
    # the co-build coverage does not apply to a fusion community
    assert statuses(pack, "融合型", members_with_backbone_teacher=0)["operation.exchange"] is MET


@pytest.mark.parametrize(
    ("members", "covered", "status"),
    [
        (3, 2, UNMET),  # one member without a backbone teacher: 3 − 2 = 1 > 0
        (3, 3, MET),  # every member covered: 3 − 3 = 0
        (1, 1, MET),
        (1, 0, UNMET),  # 1 − 0 = 1, and no backbone teacher at all
        (1, None, UNMET),  # not reported counts as 0
    ],
)
def test_cobuild_backbone_teacher_at_every_member(
    pack: Pack, members: int, covered: int | None, status: Status
) -> None:
    names = [f"成员{n}" for n in range(members)]
    got = statuses(pack, "共建型", members=names, members_with_backbone_teacher=covered)
    assert got["operation.exchange"] is status
    # free flow is a fusion rule: it does not rescue a co-build community
    got = statuses(
        pack,
        "共建型",
        members=names,
        members_with_backbone_teacher=covered,
        teachers_barrier_free=True,
    )
    assert got["operation.exchange"] is status


def test_cobuild_exchange_observed_values(pack: Pack) -> None:
    record = {
        "id": "T",
        "type": "共建型",
        "year": 2021,
        **FULL,
        "members": ["甲", "乙", "丙"],
        "members_with_backbone_teacher": 2,
    }
    report = check(pack, {"communities": [record]}, as_of=dt.date(2021, 12, 31))
    (finding,) = [f for f in report.results[0].findings if f.requirement == "operation.exchange"]
    assert finding.observed == {
        "members_with_backbone_teacher": 2,
        "(count(members) − members_with_backbone_teacher)": 1,
    }
    assert finding.expected == {
        "members_with_backbone_teacher": "≥ 1",
        "(count(members) − members_with_backbone_teacher)": "≤ 0",
    }


def test_collaboration_and_older_communities_are_not_applicable(pack: Pack) -> None:
    collab = {"id": "X", "type": "协作型", "year": 2021, "members": ["甲"], "sync_lessons": 0}
    older = {"id": "O", "type": "融合型", "year": 2021, "formed_year": 2020, "members": ["甲"]}
    undated = {"id": "U", "type": "融合型", "year": 2021, "members": ["甲"]}
    report = check(pack, {"communities": [collab, older, undated]}, as_of=dt.date(2021, 12, 31))
    found = {r.id: {f.status for f in r.findings} for r in report.results}
    assert found["X"] == {NA} and found["O"] == {NA}
    # a record without a year formed is taken as new: held to the standard
    assert UNMET in found["U"]
    assert {r.id: r.passed for r in report.results} == {"X": True, "O": True, "U": False}


def test_per_member_reading(pack: Pack) -> None:
    per = {"zhejiang2021.activity_unit": "per_member"}
    two = ["甲", "乙"]
    # two members: 40 lessons = 20 each (met), 39 = 19.5 each (unmet); the default counts 20 for the community
    base = dict(
        members=two,
        members_with_backbone_teacher=2,
        sync_lessons=40,
        online_research=16,
        offline_research=8,
    )
    assert statuses(pack, "共建型", per, **base)["operation.lessons"] is MET
    assert (
        statuses(pack, "共建型", per, **{**base, "sync_lessons": 39})["operation.lessons"] is UNMET
    )
    assert statuses(pack, "共建型", **{**base, "sync_lessons": 20})["operation.lessons"] is MET
    assert (
        statuses(pack, "共建型", per, **{**base, "sync_lessons": 20})["operation.lessons"] is UNMET
    )
    # online 15 / 2 = 7.5 < 8; offline 7 / 2 = 3.5 < 4
    assert statuses(pack, "共建型", per, **base)["operation.research"] is MET
    assert (
        statuses(pack, "共建型", per, **{**base, "online_research": 15})["operation.research"]
        is UNMET
    )
    assert (
        statuses(pack, "共建型", per, **{**base, "offline_research": 7})["operation.research"]
        is UNMET
    )
    # a fusion community with one campus reads the same either way
    assert statuses(pack, "融合型", per) == statuses(pack, "融合型")


@given(
    lessons=st.integers(0, 60),
    subjects=st.integers(0, 6),
    online=st.integers(0, 20),
    offline=st.integers(0, 10),
)
def test_lessons_and_research_match_the_thresholds(
    pack: Pack, lessons: int, subjects: int, online: int, offline: int
) -> None:
    got = statuses(
        pack,
        "融合型",
        sync_lessons=lessons,
        sync_subjects=subjects,
        online_research=online,
        offline_research=offline,
    )
    assert (got["operation.lessons"] is MET) is (subjects >= 2 and lessons >= 20)
    assert (got["operation.research"] is MET) is (online >= 8 and offline >= 4)


# ------------------------------------------------------------------ progress


def community(rid: str, verified_on: str | None, **fields: Any) -> dict[str, Any]:
    return {
        "id": rid,
        "type": "融合型",
        "year": 2021,
        "formed_year": 2021,
        **FULL,
        **TYPES["融合型"],
        "verified_on": verified_on,
        **fields,
    }


@pytest.mark.parametrize(
    ("as_of", "done", "expected", "milestone", "on_track"),
    [
        ("2021-06-29", 3, "0", None, True),  # no target is due before 2021-06-30
        ("2021-06-30", 3, "0.3", "verified.30", True),  # 3 of 10 = 30% ≥ 30%
        ("2021-09-30", 3, "0.6", "verified.60", False),  # 30% < 60%
        ("2021-11-30", 3, "1", "verified.all", False),
    ],
)
def test_progress_against_the_milestones(
    pack: Pack, as_of: str, done: int, expected: str, milestone: str | None, on_track: bool
) -> None:
    # 3 communities verified on 2021-06-20, 7 with too few lessons, 1 collaboration (not counted)
    records = [community(f"v{n}", "2021-06-20") for n in range(3)]
    records += [community(f"u{n}", None, sync_lessons=10) for n in range(7)]
    records.append({"id": "c", "type": "协作型", "year": 2021})
    report = check(pack, {"communities": records}, as_of=dt.date.fromisoformat(as_of))
    assert report.progress is not None
    assert (report.progress.done, report.progress.total) == (done, 10)
    assert report.progress.expected_share == Decimal(expected)
    assert report.progress.milestone == milestone
    assert report.progress.on_track is on_track


def test_progress_just_below_the_first_target(pack: Pack) -> None:
    # 2 of 10 = 20% < 30%; a verification dated after the as-of date does not count yet
    records = [community(f"v{n}", "2021-06-20") for n in range(2)]
    records.append(community("late", "2021-07-01"))
    records += [community(f"u{n}", None, offline_research=0) for n in range(7)]
    report = check(pack, {"communities": records}, as_of=dt.date(2021, 6, 30))
    assert report.progress is not None
    assert (report.progress.done, report.progress.on_track) == (2, False)
    later = check(pack, {"communities": records}, as_of=dt.date(2021, 7, 1))
    assert later.progress is not None and later.progress.done == 3
    # needs evidence is not verified
    records = [community(f"v{n}", "2021-06-20", evidence_lessons=False) for n in range(3)]
    report = check(pack, {"communities": records}, as_of=dt.date(2021, 6, 30))
    assert report.progress is not None and report.progress.done == 0


def test_milestones(pack: Pack) -> None:
    report = check(pack, {"communities": []}, as_of=dt.date(2021, 6, 15))
    due = {m.id: (m.due.isoformat(), m.state.value) for m in report.milestones}
    assert due == {
        "list.county": ("2021-04-15", "passed"),
        "list.city": ("2021-04-20", "passed"),
        "formation.done": ("2021-06-15", "due_today"),
        "assessment.plan": ("2021-06-30", "upcoming"),
        "verified.30": ("2021-06-30", "upcoming"),
        "verified.60": ("2021-09-30", "upcoming"),
        "verified.all": ("2021-11-30", "upcoming"),
    }
    targets = {
        m.id: m.target_share for m in pack.definition.milestones if m.target_share is not None
    }
    assert targets == {
        "verified.30": Decimal("0.3"),
        "verified.60": Decimal("0.6"),
        "verified.all": Decimal(1),
    }


def test_data_collection_starts_on_15_april(pack: Pack) -> None:
    # 三(一) "于2021年4月15日开始": a start date, not a deadline that "passes"
    assert "data.start" not in {m.id for m in pack.definition.milestones}
    (start,) = [p for p in pack.definition.provisions if p.id == "data.start"]
    assert (start.kind, start.value) == ("start", dt.date(2021, 4, 15))
    assert "开始" in start.source.quote


# ------------------------------------------------------------------ progress by county


def county_community(
    rid: str, verified_on: str | None, members: int, **fields: Any
) -> dict[str, Any]:
    return community(
        rid,
        verified_on,
        members=[f"{rid}成员校{n}" for n in range(members)],
        members_with_backbone_teacher=members,
        **fields,
    )


QUOTA = {"zhejiang2021.progress_base": "quota"}


def county_findings(
    pack: Pack, records: list[dict[str, Any]], as_of: dt.date
) -> dict[str | None, Finding]:
    report = check(pack, {"communities": records}, as_of=as_of, interpretations=QUOTA)
    assert not report.rejected
    return {g.group: g for g in report.groups if g.requirement == "progress.county"}


def test_progress_against_the_county_task(pack: Pack) -> None:
    # 附件1: 绍兴市上虞区 13 new member schools; 3 communities of 2 members verified by 06-20
    records = [
        county_community(f"v{n}", "2021-06-20", 2, city="绍兴市", county="上虞区") for n in range(3)
    ]
    records.append(county_community("u", None, 2, city="绍兴", county="上虞区", sync_lessons=1))
    found = county_findings(pack, records, dt.date(2021, 6, 30))
    shangyu = found["绍兴市上虞区"]
    # 3 × 2 = 6 of 13 = 46.2% ≥ 30%
    assert shangyu.observed == {
        "done": 6,
        "task": 13,
        "share": 0.4615,
        "communities": ["v0", "v1", "v2", "u"],
    }
    assert (shangyu.status, shangyu.expected) == (Status.MET, "≥ 30%")
    # by the end of September 60% is due: 46.2% < 60%
    later = county_findings(pack, records, dt.date(2021, 9, 30))["绍兴市上虞区"]
    assert (later.status, later.expected) == (Status.UNMET, "≥ 60%")
    # the progress of check is still counted on the records: 3 of 4 = 75%
    report = check(pack, {"communities": records}, as_of=dt.date(2021, 6, 30))
    assert report.progress is not None and (report.progress.done, report.progress.total) == (3, 4)
    assert not any(g.requirement == "progress.county" for g in report.groups)


def test_counties_without_a_task_or_not_in_annex1(pack: Pack) -> None:
    records = [
        county_community("y", "2021-06-20", 1, city="绍兴市", county="越城区"),  # printed "/"
        county_community("x", "2021-06-20", 1, county="示例县"),
        county_community("n", "2021-06-20", 1),  # no county
        county_community("w", "2021-06-20", 1, city="杭州市", county="上虞区"),  # the wrong city
    ]
    found = county_findings(pack, records, dt.date(2021, 6, 30))
    assert found["绍兴市越城区"].status is Status.INFO
    assert found["绍兴市越城区"].observed["task"] is None
    unplaced = found[None]
    assert unplaced.status is Status.UNMET
    assert unplaced.observed == {"communities": ["x", "n", "w"]}


# ------------------------------------------------------------------ a record without a year formed


@pytest.mark.parametrize(
    ("formed_year", "assumed", "stated"),
    [(2021, MET, MET), (None, MET, UNMET), (2020, NA, NA)],
)
def test_a_record_without_a_year_formed(
    pack: Pack, formed_year: int | None, assumed: Status, stated: Status
) -> None:
    record = community("F", "2021-06-20", formed_year=formed_year)
    default = check(pack, {"communities": [record]}, as_of=dt.date(2021, 6, 30))
    strict = check(
        pack,
        {"communities": [record]},
        as_of=dt.date(2021, 6, 30),
        interpretations={"zhejiang2021.missing_formed_year": "must_state"},
    )
    for report, want in ((default, assumed), (strict, stated)):
        (result,) = report.results
        formation = next(f for f in result.findings if f.requirement == "formation")
        assert formation.status is want
    # without a year, the record is still in the base of progress: 1 record, done 1 or 0
    if formed_year is None:
        assert default.progress is not None and default.progress.done == 1
        assert strict.progress is not None and (strict.progress.done, strict.progress.total) == (
            0,
            1,
        )


# ------------------------------------------------------------------ the sample, JSON output, bad input


def test_the_sample(pack: Pack) -> None:
    data = json.loads(SAMPLE.read_text(encoding="utf-8"))
    assert "示例数据" in data["_sample"] and "SAMPLE" in data["_sample"]
    report = check(pack, data, as_of=dt.date(2021, 6, 30))
    assert not report.rejected
    worst = {}
    for r in report.results:
        kinds = {f.status for f in r.findings}
        worst[r.id] = next(s for s in (UNMET, NEEDS, MET, NA) if s in kinds)
    assert worst == {
        "SX-01": MET,
        "SX-02": MET,  # every number exactly at its threshold
        "SX-03": UNMET,  # backbone teachers at 2 of 3 members
        "SX-04": UNMET,  # 19 lessons
        "SX-05": NEEDS,  # research records missing
        "SX-06": MET,
        "SX-07": MET,
        "SX-08": UNMET,  # no free flow
        "SX-09": NEEDS,  # exchanged-teacher list missing
        "SX-10": MET,  # converted from 协作型
        "SX-11": NA,  # 协作型
        "SX-12": NA,  # formed in 2019
        "SX-13": NEEDS,  # assessment plan missing
    }
    # 11 new fusion/co-build communities; verified by 2021-06-30: SX-01 (06-20) and SX-02 (06-28)
    assert report.progress is not None
    assert (report.progress.done, report.progress.total, report.progress.on_track) == (2, 11, False)
    # by 2021-09-30 also SX-06 (09-10) and SX-07 (09-25): 4 of 11 = 36.4% < 60%; SX-10 by 11-30
    later = check(pack, data, as_of=dt.date(2021, 9, 30))
    assert later.progress is not None and later.progress.done == 4
    final = check(pack, data, as_of=dt.date(2021, 11, 30))
    assert final.progress is not None and final.progress.done == 5


def test_check_json_contract(pack: Pack) -> None:
    data = json.loads(SAMPLE.read_text(encoding="utf-8"))
    report = check(pack, data, as_of=dt.date(2021, 6, 30))
    out = report.as_json()
    assert out["pack"] == "zhejiang2021@2.1.0"
    assert set(out) >= {"pack", "pack_hash", "results", "rejected", "progress", "milestones"}
    assert len(out["results"]) == 13
    first = out["results"][0]
    assert set(first) >= {"id", "passed", "findings"}
    assert first["id"] == "SX-01" and first["passed"] is True
    assert [f["requirement"] for f in first["findings"]] == [
        "formation",
        "operation.lessons",
        "operation.research",
        "operation.exchange",
    ]
    for finding in first["findings"]:
        assert set(finding) >= {
            "requirement",
            "status",
            "observed",
            "expected",
            "source",
            "message",
        }
        assert set(finding["source"]) == {"section", "quote"}
    lessons = first["findings"][1]
    assert lessons["status"] == "met"
    assert lessons["observed"] == {"sync_subjects": 3, "sync_lessons": 24}
    assert lessons["expected"] == {"sync_subjects": "≥ 2", "sync_lessons": "≥ 20"}
    assert out["progress"] == {
        "as_of": "2021-06-30",
        "done": 2,
        "total": 11,
        "observed_share": 0.1818,
        "expected_share": 0.3,
        "milestone": "verified.30",
        "on_track": False,
        "message": out["progress"]["message"],
        "source": out["progress"]["source"],
    }
    assert "落后于进度" in out["progress"]["message"]["zh"]
    assert out["rejected"] == []
    assert CheckReport.model_validate_json(report.model_dump_json()) == report


def test_bad_records_are_rejected_with_the_field_named(pack: Pack) -> None:
    records = [
        {"id": "ok", "type": "融合型", "year": 2021, **FULL, **TYPES["融合型"]},
        {"id": "neg", "type": "融合型", "year": 2021, "sync_lessons": -1},
        {
            "id": "over",
            "type": "共建型",
            "year": 2021,
            "members": ["甲"],
            "members_with_backbone_teacher": 2,
        },
        {"id": "kind", "type": "混合型", "year": 2021},
        {"id": "date", "type": "共建型", "year": 2021, "verified_on": "6月30日"},
    ]
    report = check(pack, {"communities": records}, as_of=dt.date(2021, 12, 31))
    assert [r.id for r in report.results] == ["ok"] and report.results[0].passed
    fields = {r.id: [e.field for e in r.errors] for r in report.rejected}
    assert fields == {
        "neg": ["sync_lessons"],
        "over": ["members_with_backbone_teacher"],
        "kind": ["type"],
        "date": ["verified_on"],
    }
    (neg,) = [r for r in report.rejected if r.id == "neg"]
    assert "同步课堂节数" in neg.reason.zh and "synchronous lessons" in neg.reason.en


# ------------------------------------------------------------------ the command line


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pairing_rules", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
        timeout=120,
        check=False,
    )


def test_cli_quota_audit() -> None:
    done = run_cli("quota", "zhejiang2021", "--audit", "--format", "json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    rows = {(r["city"], r["county"]): r for r in data["rows"]}
    assert len(rows) == 105
    assert {
        k: (r["published"], r["computed"]) for k, r in rows.items() if r["deviation"]
    } == DEVIATIONS
    text = run_cli("quota", "zhejiang2021", "--audit")
    assert text.returncode == 0, text.stderr
    (line,) = [x for x in text.stdout.splitlines() if "杭州湾新区代管" in x]
    assert "8.42" in line and "+5" in line
    assert "与公式不符的行：11 / 105" in text.stdout


def test_cli_check_sample() -> None:
    done = run_cli(
        "check", "zhejiang2021", str(SAMPLE), "--as-of", "2021-09-30", "--format", "json"
    )
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["progress"]["done"] == 4 and data["progress"]["milestone"] == "verified.60"
    assert {r["id"]: r["passed"] for r in data["results"]}["SX-05"] is False
    text = run_cli("check", "zhejiang2021", str(SAMPLE), "--as-of", "2021-09-30", "--fail-on-unmet")
    assert text.returncode == 1
    assert "需补充佐证" in text.stdout and "落后于进度" in text.stdout
