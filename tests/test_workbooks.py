"""The county workflow: templates in, workbook and HTML reports out, every bad input named.

Each test runs the real command in a subprocess, as county staff would.
"""

from __future__ import annotations

import json
import re
import zipfile
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from pairing_rules import Registry, load_dataset
from pairing_rules.io._template import write_template

from .cli_helpers import run

ROOT = Path(__file__).parents[1]
SAMPLE = ROOT / "packs" / "cangnan2022" / "examples" / "communities-2022.json"


def good_row(rid: str, **extra: Any) -> dict[str, Any]:
    return {
        "id": rid,
        "type": "融合型",
        "scope": "县域内",
        "year": 2022,
        "satisfaction": 90,
        **extra,
    }


def workbook(
    path: Path, rows: list[dict[str, Any]], *, keys_row: bool = True, sheet: str = "教共体"
) -> Path:
    """A workbook with Chinese headers in row 1, keys in row 2 (as the template has them)."""
    keys: list[str] = []
    for row in rows:
        keys += [k for k in row if k not in keys]
    book = openpyxl.Workbook()
    ws = book.active
    assert ws is not None
    ws.title = sheet
    ws.append([f"列{n}" for n in range(len(keys))])
    if keys_row:
        ws.append(keys)
    for row in rows:
        ws.append([row.get(k) for k in keys])
    book.save(path)
    return path


def scored_ids(out: str) -> list[str]:
    return [r["id"] for r in json.loads(out)["results"]]


# ------------------------------------------------------------------------------ round trip


def test_template_layout(tmp_path: Path) -> None:
    out = tmp_path / "t.xlsx"
    result = run("template", "cangnan2022", "--out", str(out))
    assert result.code == 0, result.err
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["填写说明", "教共体", "示例"]
    ws = book["教共体"]
    headers = [c.value for c in ws[1]]
    keys = [c.value for c in ws[2]]
    # 结对范围 chooses the rubric: marked required although a record may leave it empty
    assert headers[:4] == ["编号*", "名称", "教共体模式*", "结对范围*"]
    assert keys[:4] == ["id", "name", "type", "scope"]
    assert {"sync_lessons", "satisfaction", "on_time", "teachers_sent"} <= set(keys)
    assert {"town", "stage"} <= set(keys)  # the grouping columns of score --by
    assert headers[keys.index("town")] == "乡镇/街道"
    assert ws.row_dimensions[2].hidden
    assert ws.freeze_panes == "B3"
    validations = ws.data_validations.dataValidation
    lists = {
        str(dv.sqref).split(":")[0].rstrip("0123456789"): dv.formula1
        for dv in validations
        if dv.type == "list"
    }
    type_column = openpyxl.utils.get_column_letter(keys.index("type") + 1)
    assert lists[type_column] == '"融合型,共建型,协作型"'
    kinds = {dv.type for dv in validations}
    assert {"list", "whole", "decimal"} <= kinds
    # every column prompts what to write: its label, the unit or kind, the choices
    prompted = {str(dv.sqref).split(":")[0].rstrip("0123456789"): dv for dv in validations}
    assert len(prompted) == len(keys)
    for n in range(len(keys)):
        dv = prompted[openpyxl.utils.get_column_letter(n + 1)]
        assert dv.showInputMessage and dv.prompt and dv.promptTitle == headers[n].rstrip("*")
    scope = prompted[openpyxl.utils.get_column_letter(keys.index("scope") + 1)]
    assert "县域内、市域内、省域内、跨地区" in scope.prompt
    assert "必填：决定适用的考核细则" in scope.prompt
    lessons = prompted[openpyxl.utils.get_column_letter(keys.index("satisfaction") + 1)]
    assert "0 到 100" in lessons.prompt
    # one filled row to copy, on a sheet of its own (the reader passes it over)
    example = book["示例"]
    assert [c.value for c in example[1]] == headers
    row = dict(zip(keys, [c.value for c in example[3]], strict=False))
    assert row["id"] == "示例-01" and row["type"] == "融合型" and row["year"] == 2022
    guide = book["填写说明"]
    rows = list(guide.iter_rows(min_row=7, values_only=True))
    satisfaction = next(r for r in rows if r[1] == "群众满意度（%）")
    assert "群众满意度测评" in (satisfaction[3] or "")
    assert "附件4 一 5" in (satisfaction[4] or "")
    for r in rows:  # each rule and each source once
        rules, sources = (r[3] or "").split("；"), (r[4] or "").split("」；")
        assert len(rules) == len(set(rules)), rules
        assert len(sources) == len(set(sources)), sources
    assert not any("satisfaction" in str(c) for r in rows for c in r)  # no field key shown


def test_template_year_column_asks_for_a_year(tmp_path: Path) -> None:
    from pairing_rules import get_pack

    out = write_template(get_pack("cangnan2022"), tmp_path / "t.xlsx")
    book = openpyxl.load_workbook(out)
    ws = book["教共体"]
    keys = [c.value for c in ws[2]]
    prompted = {
        str(dv.sqref).split(":")[0].rstrip("0123456789"): dv
        for dv in ws.data_validations.dataValidation
    }
    year = prompted[openpyxl.utils.get_column_letter(keys.index("year") + 1)]
    # the reader takes 1949 to 2100 only: the check and the prompt say so, not "≥ 0, e.g. 20"
    assert (year.type, year.operator, year.formula1, year.formula2) == (
        "whole",
        "between",
        "1949",
        "2100",
    )
    assert year.prompt.startswith("年份") and "如 2022" in year.prompt
    assert "如 20；" not in year.prompt and "未填报" not in year.prompt
    lessons = prompted[openpyxl.utils.get_column_letter(keys.index("sync_lessons") + 1)]
    assert lessons.prompt == "非负整数，如 20；不填按未填报计"
    guide = {r[1]: r[2] for r in book["填写说明"].iter_rows(min_row=7, values_only=True)}
    assert guide["年度"] == year.prompt


def test_a_filled_template_with_its_example_sheet_scores(tmp_path: Path) -> None:
    out = tmp_path / "t.xlsx"
    assert run("template", "cangnan2022", "--out", str(out)).code == 0
    book = openpyxl.load_workbook(out)
    ws = book["教共体"]
    keys = [c.value for c in ws[2]]
    row = {"id": "A", "name": "甲教共体", "type": "融合型", "scope": "县域内", "year": 2022,
           "town": "灵溪镇", "stage": "小学", "sync_lessons": 20, "satisfaction": 93}  # fmt: skip
    for key, value in row.items():
        ws.cell(row=3, column=keys.index(key) + 1, value=value)
    book.save(out)
    result = run("score", "cangnan2022", str(out), "--format", "json")
    assert result.code == 0, result.err
    (sheet,) = result.json["results"]  # the example row is not read
    assert (sheet["id"], sheet["name"]) == ("A", "甲教共体")


def test_sample_workbook_scores_like_the_sample_json(tmp_path: Path) -> None:
    pack = Registry().get_pack("cangnan2022")
    data = json.loads(SAMPLE.read_text(encoding="utf-8"))
    filled = write_template(
        pack, tmp_path / "filled.xlsx", records=load_dataset(data, pack.record_types).collections
    )
    from_json = run("score", "cangnan2022", str(SAMPLE), "--format", "json")
    from_xlsx = run("score", "cangnan2022", str(filled), "--format", "json")
    assert from_xlsx.code == 0, from_xlsx.err
    assert json.loads(from_xlsx.out)["results"] == json.loads(from_json.out)["results"]


def test_shipped_sample_workbook_matches_the_json() -> None:
    shipped = ROOT / "packs" / "cangnan2022" / "examples" / "communities-2022.xlsx"
    from_json = run("score", "cangnan2022", str(SAMPLE), "--format", "json")
    from_xlsx = run("score", "cangnan2022", str(shipped), "--format", "json")
    assert from_xlsx.code == 0, from_xlsx.err
    assert json.loads(from_xlsx.out)["results"] == json.loads(from_json.out)["results"]


def test_xlsx_report_holds_the_json_numbers(tmp_path: Path) -> None:
    report = tmp_path / "report.xlsx"
    result = run("score", "cangnan2022", str(SAMPLE), "--out", str(report), "--format", "json")
    assert result.code == 0, result.err
    results = {r["id"]: r for r in json.loads(result.out)["results"]}
    book = openpyxl.load_workbook(report)
    assert book.sheetnames == [
        "说明",
        "汇总",
        "县域内考核细则（附件4）",
        "跨地区考核细则（附件5）",
        "失分说明",
        "出处",
        "未处理记录",
    ]
    rubrics = {"县域内考核细则（附件4）": "county", "跨地区考核细则（附件5）": "cross_region"}
    seen = 0
    for title in rubrics:
        ws = book[title]
        header = [c.value for c in ws[2]]  # row 1 is the title
        for row in ws.iter_rows(min_row=3, values_only=True):
            record = results[row[0]]
            assert row[header.index("名称")] == record["name"]
            assert row[header.index("得分")] == record["total"]
            assert row[header.index("可得分")] == record["max"]
            assert row[header.index("等次")] == record["grade"]
            for item in record["items"]:
                assert row[header.index(item["label"]["zh"])] == item["points"]
            seen += 1
    assert seen == len(results) == 48
    # the summary per rubric: count, mean, lowest, highest, and the grades in grade order
    summary = book["汇总"]
    assert [c.value for c in summary[2]] == [
        "考核细则", "记录数", "平均分", "最低分", "最高分", "优秀", "良好", "合格", "不合格"
    ]  # fmt: skip
    for row in summary.iter_rows(min_row=3, values_only=True):
        totals = [r["total"] for r in results.values() if r["rubric"] == rubrics[row[0]]]
        grades = [r["grade"] for r in results.values() if r["rubric"] == rubrics[row[0]]]
        mean = Decimal(sum(Decimal(str(t)) for t in totals)) / len(totals)
        assert row[1:5] == (
            len(totals),
            float(mean.quantize(Decimal("0.01"), rounding="ROUND_HALF_UP")),
            min(totals),
            max(totals),
        )
        assert row[5:] == tuple(grades.count(g) for g in ("优秀", "良好", "合格", "不合格"))
    # every applicable item below its maximum is explained, with its section
    lost = list(book["失分说明"].iter_rows(min_row=3, values_only=True))
    expected = [
        (
            r["id"],
            r["name"],
            i["label"]["zh"],
            i["points"],
            i["reason"]["zh"],
            i["source"]["section"],
        )
        for r in results.values()
        for i in r["items"]
        if i["applicable"] and not i["bonus"] and i["points"] < i["max"]
    ]
    assert sorted((d[0], d[1], d[3], d[4], d[6], d[7]) for d in lost) == sorted(expected)
    # and every item's citation, once: section and verbatim quote
    sources = {
        (row[0], row[1]): (row[3], row[4])
        for row in book["出处"].iter_rows(min_row=3, values_only=True)
    }
    names = {v: k for k, v in rubrics.items()}
    for record in results.values():
        for item in record["items"]:
            assert sources[(names[record["rubric"]], item["label"]["zh"])] == (
                item["source"]["section"],
                item["source"]["quote"],
            )


class _Chart(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.bars: dict[str, float] = {}
        self.in_svg = False
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = dict(attrs)
        if tag == "svg" and attr.get("id") == "chart":
            self.in_svg = True
        if tag == "g" and self.in_svg and attr.get("class") == "bar":
            self.bars[attr["data-id"] or ""] = float(attr["data-value"] or "nan")
        if attr.get("id"):
            self.ids.add(attr["id"] or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "svg":
            self.in_svg = False


def test_html_report_chart_and_figures(tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    result = run(
        "score",
        "cangnan2022",
        str(SAMPLE),
        "--out",
        str(page),
        "--format",
        "json",
        "--as-of",
        "2022-07-01",
    )
    assert result.code == 0, result.err
    html = page.read_text(encoding="utf-8")
    parser = _Chart()
    parser.feed(html)
    totals = {r["id"]: r["total"] for r in json.loads(result.out)["results"]}
    assert parser.bars == pytest.approx({k: float(v) for k, v in totals.items()})
    assert {"summary", "milestones", "interpretations", "record-CN-01"} <= parser.ids
    assert "http://" not in html.replace("http://www.w3.org/2000/svg", "")  # no network
    assert "https://" not in html
    assert "cangnan2022@2.1.0" in html and "sha256:" in html
    assert "附件4 一 5「" in html  # citations in the breakdowns
    assert "已截止" in html  # milestone states as of 2022-07-01
    assert '<html lang="zh-CN">' in html


def test_check_reports(tmp_path: Path) -> None:
    page, book_path = tmp_path / "check.html", tmp_path / "check.xlsx"
    for out in (page, book_path):
        result = run(
            "check",
            "cangnan2022",
            str(SAMPLE),
            "--as-of",
            "2022-07-01",
            "--out",
            str(out),
            "--format",
            "json",
        )
        assert result.code == 0, result.err
    data = json.loads(result.out)
    book = openpyxl.load_workbook(book_path)
    ws = book["检查 教共体"]
    header = [c.value for c in ws[2]]
    passed = {r["id"]: r["passed"] for r in data["results"]}
    names = {r["id"]: r["name"] for r in data["results"]}
    for row in ws.iter_rows(min_row=3, values_only=True):
        assert (row[header.index("结论")] == "通过") is passed[row[0]]
        assert row[header.index("名称")] == names[row[0]]
    # every requirement in the details has its section and quote under 出处 and 原文, also one
    # that does not apply (its actual and required values empty)
    details = book["检查明细"]
    header = [c.value for c in details[2]]
    rows = list(details.iter_rows(min_row=3, values_only=True))
    assert all(row[header.index("出处")] and row[header.index("原文")] for row in rows)
    for row in rows:
        if row[header.index("结论")] == "不适用":
            assert row[header.index("说明")] == "不适用于此类记录"
    assert "时间节点" in book.sheetnames
    parser = _Chart()
    parser.feed(page.read_text(encoding="utf-8"))
    assert set(parser.bars) == set(passed)


def test_english_reports(tmp_path: Path) -> None:
    page = tmp_path / "en.html"
    result = run("score", "cangnan2022", str(SAMPLE), "--out", str(page), "--lang", "en")
    assert result.code == 0, result.err
    html = page.read_text(encoding="utf-8")
    assert '<html lang="en">' in html and "Score report" in html


# ------------------------------------------------------------------------------- CSV input


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_csv_encodings(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "in.csv"
    text = "编号,教共体模式,结对范围,年度,群众满意度（%）\nA,融合型,县域内,2022,95\nB,共建型,跨地区,2022,88.5\n"
    path.write_bytes(text.encode(encoding))
    result = run("score", "cangnan2022", str(path), "--format", "json")
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert scored_ids(result.out) == ["A", "B"]
    assert data["results"][1]["rubric"] == "cross_region"


def test_csv_in_an_unknown_encoding(tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    path.write_bytes(b"id,type\n\xff\xfe\xff,x\n")
    result = run("score", "cangnan2022", str(path))
    assert result.code == 2
    assert "无法识别 CSV 文件的编码" in result.err and "Traceback" not in result.err


# ------------------------------------------------------------------------------ bad input


def test_negative_count_percent_and_text_name_row_and_column(tmp_path: Path) -> None:
    rows = [
        good_row("A"),
        good_row("B", sync_lessons=-2),
        good_row("C", satisfaction=120),
        good_row("D", sync_subjects="两门"),
        good_row("E"),
    ]
    path = workbook(tmp_path / "in.xlsx", rows)
    result = run("score", "cangnan2022", str(path), "--format", "json")
    assert result.code == 2
    assert scored_ids(result.out) == ["A", "E"]
    keys = list(dict.fromkeys(k for r in rows for k in r))
    letter = {k: openpyxl.utils.get_column_letter(keys.index(k) + 1) for k in keys}
    assert "in.xlsx「教共体」第 4 行（编号 B）" in result.err
    assert (
        f"“城乡同步课堂节数”不能小于 0，实际为 -2（第 {letter['sync_lessons']} 列）" in result.err
    )
    assert "第 5 行（编号 C）" in result.err and f"（第 {letter['satisfaction']} 列）" in result.err
    assert "应为整数，实际为“两门”" in result.err and "第 6 行（编号 D）" in result.err
    rejected = json.loads(result.out)["rejected"]
    assert [(r["id"], r["errors"][0]["column"]) for r in rejected] == [
        ("B", letter["sync_lessons"]),
        ("C", letter["satisfaction"]),
        ("D", letter["sync_subjects"]),
    ]


def test_duplicated_ids(tmp_path: Path) -> None:
    path = workbook(tmp_path / "in.xlsx", [good_row("A"), good_row("A"), good_row("B")])
    result = run("score", "cangnan2022", str(path), "--format", "json")
    assert result.code == 2
    assert scored_ids(result.out) == ["A", "B"]
    assert (
        "第 4 行（编号 A）" in result.err and "重复" in result.err and "（第 A 列）" in result.err
    )


def test_unknown_column_is_reported_and_the_rows_are_scored(tmp_path: Path) -> None:
    path = workbook(tmp_path / "in.xlsx", [good_row("A", sync_lesson=20), good_row("B")])
    report = tmp_path / "report.xlsx"
    result = run("score", "cangnan2022", str(path), "--format", "json", "--out", str(report))
    # the keys row names sync_lesson: the whole row 2 is keys except this one
    assert result.code == 2
    assert scored_ids(result.out) == ["A", "B"]
    assert "未知的列" in result.err and "sync_lesson" in result.err
    # the report's sheet of rejected rows has the notice: the place under 位置, the message
    # under 原因, the columns between empty
    sheet = openpyxl.load_workbook(report)["未处理记录"]
    header, *rows = sheet.iter_rows(min_row=2, values_only=True)
    assert header == ("位置", "类别", "序号", "编号", "字段", "列", "原因")
    assert rows == [
        ("in.xlsx「教共体」", None, None, None, None, None, "未知的列（未读取）：F「sync_lesson」")
    ]


def test_headers_only_in_chinese(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    ws = book.active
    assert ws is not None
    ws.title = "教共体"
    ws.append(["编号", "教共体模式", "结对范围", "年度", "群众满意度（%）", "备注说明"])
    ws.append(["A", "融合性", "县域内", 2022, 0.93, None])
    ws["E2"].number_format = "0%"  # a percent cell: 0.93 means 93%
    book.save(tmp_path / "zh.xlsx")
    result = run("score", "cangnan2022", str(tmp_path / "zh.xlsx"), "--format", "json")
    data = json.loads(result.out)
    assert data["results"][0]["id"] == "A"
    satisfaction = next(i for i in data["results"][0]["items"] if i["id"] == "satisfaction")
    assert satisfaction["points"] == 18  # 93% → 15 + 3
    assert result.code == 2 and "备注说明" in result.err  # an unknown column is named


def test_missing_required_column(tmp_path: Path) -> None:
    path = workbook(tmp_path / "in.xlsx", [{"type": "融合型", "scope": "县域内", "year": 2022}])
    result = run("score", "cangnan2022", str(path))
    assert result.code == 2
    assert "缺少必填列：id（编号）" in result.err and "Traceback" not in result.err


def test_empty_rows_are_skipped(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    ws = book.active
    assert ws is not None
    ws.title = "教共体"
    ws.append(["编号", "模式", "范围", "年度"])
    ws.append(["id", "type", "scope", "year"])
    ws.append(["A", "融合型", "县域内", 2022])
    ws.append([None, None, None, None])
    ws.append(["B", "共建型", "县域内", 2022])
    book.save(tmp_path / "in.xlsx")
    result = run("score", "cangnan2022", str(tmp_path / "in.xlsx"), "--format", "json")
    assert result.code == 0, result.err
    assert scored_ids(result.out) == ["A", "B"]
    assert "「教共体」第 4 行：空行，已跳过" in result.err


def test_merged_cells(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    ws = book.active
    assert ws is not None
    ws.title = "教共体"
    ws.append(["编号", "模式", "范围", "年度"])
    ws.append(["id", "type", "scope", "year"])
    ws.append(["A", "融合型", "县域内", 2022])
    ws.append(["B", "共建型", "县域内", 2022])
    ws.append(["C", None, "县域内", 2022])
    ws.append(["D", "共建型", "县域内", 2022])
    ws.merge_cells("B4:B5")
    book.save(tmp_path / "in.xlsx")
    result = run("score", "cangnan2022", str(tmp_path / "in.xlsx"), "--format", "json")
    assert result.code == 2
    assert scored_ids(result.out) == ["A", "D"]
    assert "合并单元格 B4:B5" in result.err
    rejected = {r["id"] for r in json.loads(result.out)["rejected"]}
    assert rejected == {"B", "C"}


def _with_formula(tmp_path: Path, cached: str | None) -> Path:
    book = openpyxl.Workbook()
    ws = book.active
    assert ws is not None
    ws.title = "教共体"
    ws.append(["编号", "模式", "范围", "年度", "同步课堂"])
    ws.append(["id", "type", "scope", "year", "sync_lessons"])
    ws.append(["A", "融合型", "县域内", 2022, 20])
    ws.append(["B", "融合型", "县域内", 2022, "=E3+1"])
    path = tmp_path / "formula.xlsx"
    book.save(path)
    if cached is None:
        return path
    patched = tmp_path / "cached.xlsx"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(patched, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(
                    rb"<f>E3\+1</f>(<v>\s*</v>|<v\s*/>)?",
                    b"<f>E3+1</f><v>" + cached.encode() + b"</v>",
                    data,
                )
            dst.writestr(item, data)
    return patched


def test_formula_without_a_cached_value(tmp_path: Path) -> None:
    result = run("score", "cangnan2022", str(_with_formula(tmp_path, None)), "--format", "json")
    assert result.code == 2
    assert scored_ids(result.out) == ["A"]
    assert "第 4 行（编号 B）" in result.err and "公式且没有缓存的计算结果（第 E 列）" in result.err


def test_formula_with_a_cached_value_is_read(tmp_path: Path) -> None:
    result = run("score", "cangnan2022", str(_with_formula(tmp_path, "21")), "--format", "json")
    assert result.code == 0, result.err
    data = json.loads(result.out)
    b = next(r for r in data["results"] if r["id"] == "B")
    assert (
        next(i for i in b["items"] if i["id"] == "online_teaching")["inputs"]["sync_lessons"] == 21
    )


def test_not_a_workbook(tmp_path: Path) -> None:
    fake = tmp_path / "fake.xlsx"
    fake.write_text("这不是工作簿", encoding="utf-8")
    result = run("score", "cangnan2022", str(fake))
    assert result.code == 2
    assert "不是有效的 .xlsx 工作簿" in result.err and "Traceback" not in result.err
    old = tmp_path / "old.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0")
    assert "另存为 .xlsx" in run("score", "cangnan2022", str(old)).err


def test_workbook_over_the_limits(tmp_path: Path) -> None:
    path = workbook(tmp_path / "in.xlsx", [good_row(f"R{n}") for n in range(5)])
    rows = run("score", "cangnan2022", str(path), env={"PAIRING_RULES_MAX_ROWS": "3"})
    assert rows.code == 2 and "超过" in rows.err and "Traceback" not in rows.err
    size = run("score", "cangnan2022", str(path), env={"PAIRING_RULES_MAX_BYTES": "100"})
    assert size.code == 2 and "文件过大" in size.err


def test_xml_entities_are_not_expanded(tmp_path: Path) -> None:
    path = workbook(tmp_path / "in.xlsx", [good_row("A")])
    bomb = tmp_path / "bomb.xlsx"
    entity = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
    )
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(bomb, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = entity + re.sub(rb"^<\?xml[^>]*\?>", b"", data).replace(
                    b"<v>2022</v>", b"<v>&lol2;</v>", 1
                )
            dst.writestr(item, data)
    result = run("score", "cangnan2022", str(bomb))
    assert result.code == 2
    assert "无法安全解析" in result.err and "Traceback" not in result.err


def test_fail_on_unmet(tmp_path: Path) -> None:
    path = workbook(tmp_path / "in.xlsx", [good_row("A", sync_lessons=3)])
    assert run("check", "cangnan2022", str(path)).code == 0
    assert run("check", "cangnan2022", str(path), "--fail-on-unmet").code == 1


def test_progress_bar_is_silent_without_a_terminal(tmp_path: Path) -> None:
    result = run("score", "cangnan2022", str(SAMPLE), "--format", "json")
    assert result.err == ""


def test_unknown_output_type(tmp_path: Path) -> None:
    result = run("score", "cangnan2022", str(SAMPLE), "--out", str(tmp_path / "r.pdf"))
    assert result.code == 2 and "--out 只支持" in result.err


def test_the_example_row_answers_as_the_rules_ask(tmp_path: Path) -> None:
    # the example row is what staff copy: its yes/no answers are those the pack's conditions ask
    # (on time: 是; perfunctory work or harm, a veto's trigger: 否), so it triggers no veto,
    # and its school stage is a stage of compulsory education
    import pairing_rules as pr

    pack = pr.get_pack("cangnan2022")
    book = openpyxl.load_workbook(write_template(pack, tmp_path / "t.xlsx"))
    example = book["示例"]
    keys = [c.value for c in example[2]]
    row = dict(zip(keys, [c.value for c in example[3]], strict=True))
    assert (row["on_time"], row["veto_incident"], row["stage"]) == ("是", "否", "小学")
    record = {k: v for k, v in row.items() if v is not None}
    report = pr.check(pack, {"communities": [record]})
    statuses = {f.requirement: f.status for f in report.results[0].findings}
    assert statuses["veto.school_review"] == "met"
