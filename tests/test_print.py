"""Reports to print and file: the workbook prints on A4 landscape one page wide with its titles,
the HTML page prints on A4 and no column of it is cut or wraps one character per line.

The HTML is printed by the system's Chromium (headless); without one, those tests are
skipped, saying so.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pairing_rules.io._xlsx_cells import display_width

from .leaks import run_cli

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "packs" / "cangnan2022" / "examples" / "communities-2022.json"
AS_OF = "2022-06-01"
CHROMIUM = next(
    (
        path
        for name in ("chromium", "chromium-browser", "google-chrome")
        if (path := shutil.which(name))
    ),
    None,
)
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None,
    reason="no Chromium on this machine (apt-get install chromium): the HTML is not printed",
)
#: A4 in PDF points (1/72 inch): 210 mm × 297 mm
A4_POINTS = (210 / 25.4 * 72, 297 / 25.4 * 72)


def _wide(text: str) -> int:
    """Columns a text takes in a cell, counted here independently: a CJK character is two."""
    return sum(2 if ord(ch) >= 0x2E80 else 1 for ch in text)


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    tmp = tmp_path_factory.mktemp("print")
    out = {}
    for command in ("score", "check"):
        for suffix in ("xlsx", "html"):
            path = tmp / f"{command}.{suffix}"
            extra = ["--by", "stage"] if command == "score" else []
            result = run_cli(
                command, "cangnan2022", str(SAMPLE), "--as-of", AS_OF, "--out", str(path), *extra
            )
            assert result.code == 0, result.err
            out[f"{command}.{suffix}"] = path
    return out


@pytest.mark.parametrize("report", ["score.xlsx", "check.xlsx"])
def test_every_sheet_prints_on_a4_landscape_one_page_wide(
    reports: dict[str, Path], report: str
) -> None:
    book = openpyxl.load_workbook(reports[report])
    assert len(book.worksheets) >= 4
    for sheet in book.worksheets:
        setup = sheet.page_setup
        assert setup.paperSize == 9, sheet.title  # 9 is A4 in SpreadsheetML
        assert setup.orientation == "landscape", sheet.title
        assert setup.fitToWidth == 1 and setup.fitToHeight == 0, sheet.title
        assert sheet.sheet_properties.pageSetUpPr.fitToPage, sheet.title
        # the title row and the header repeat on every page, and stay in view on screen
        if sheet.max_row > 2 and sheet.title not in ("说明",):
            assert sheet.print_title_rows == "$1:$2", sheet.title
            assert sheet.freeze_panes == "A3", sheet.title
            title = str(sheet["A1"].value)  # the report's title, or a rubric's
            assert title.endswith(("评分报告", "检查报告", "评分结果")), sheet.title
        footer = sheet.oddFooter.left.text or ""
        assert "cangnan2022@" in footer and "2022年6月1日" in footer, footer


def test_columns_fit_chinese_names(reports: dict[str, Path]) -> None:
    book = openpyxl.load_workbook(reports["score.xlsx"])
    sheet = book["县域内考核细则（附件4）"]
    header = [c.value for c in sheet[2]]
    names = [row[header.index("名称")] for row in sheet.iter_rows(min_row=3, values_only=True)]
    # the longest name of the sample's county communities, two columns per Chinese character
    widest = max(_wide(n) for n in names if n)
    letter = openpyxl.utils.get_column_letter(header.index("名称") + 1)
    assert sheet.column_dimensions[letter].width >= widest + 2
    assert {"CN-01", "县江滨实验小学"} <= {
        c for row in sheet.iter_rows(values_only=True) for c in row
    }


@needs_chromium
def test_the_html_report_prints_on_a4(reports: dict[str, Path], tmp_path: Path) -> None:
    for name in ("score.html", "check.html"):
        pdf = tmp_path / f"{name}.pdf"
        subprocess.run(
            [
                str(CHROMIUM),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-pdf-header-footer",
                f"--print-to-pdf={pdf}",
                reports[name].as_uri(),
            ],
            capture_output=True,
            timeout=120,
            check=False,
        )
        boxes = re.findall(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", pdf.read_bytes())
        assert len(boxes) > 1, name  # several pages, every one of them A4
        for width, height in boxes:
            assert abs(float(width) - A4_POINTS[0]) < 2 and abs(float(height) - A4_POINTS[1]) < 2


#: measures the page as laid out: what overflows the body, what a cell cuts, which short cell
#: wraps, and which cell holds a character per line
_PROBE = """<script>
window.addEventListener('load', function () {
  var out = {body: 0, wide: [], cut: [], wrapped: [], perchar: []};
  var right = document.body.getBoundingClientRect().right;
  out.body = Math.round(document.body.getBoundingClientRect().width);
  document.querySelectorAll('table, svg').forEach(function (t) {
    if (t.getBoundingClientRect().right > right + 1) out.wide.push(t.id || t.tagName);
  });
  document.querySelectorAll('th, td').forEach(function (c) {
    var text = c.textContent.trim();
    if (!text) return;
    if (c.scrollWidth > c.clientWidth + 1) out.cut.push(text.slice(0, 40));
    var range = document.createRange(); range.selectNodeContents(c);
    var tops = Array.from(range.getClientRects()).map(function (r) { return Math.round(r.top); });
    var lines = new Set(tops).size;
    var short = c.tagName === 'TH' || /\\b(num|status|short)\\b/.test(c.className);
    if (short && lines > 1) out.wrapped.push(text.slice(0, 40));
    if (text.length >= 3 && lines >= text.length) out.perchar.push(text.slice(0, 40));
  });
  var pre = document.createElement('pre'); pre.id = 'layout'; pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
});
</script>"""
#: A4's width less the page's margins (210 − 2 × 12 mm) in CSS pixels (96 per inch)
PRINTABLE_PX = round((210 - 24) / 25.4 * 96)


def _layout(page: Path, tmp: Path) -> dict[str, object]:
    probe = tmp / f"probe-{page.name}"
    probe.write_text(page.read_text("utf-8").replace("</body>", _PROBE + "</body>"), "utf-8")
    done = subprocess.run(
        [
            str(CHROMIUM),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            f"--window-size={PRINTABLE_PX},1200",
            "--virtual-time-budget=5000",
            "--dump-dom",
            probe.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    found = re.search(r'<pre id="layout">(.*?)</pre>', done.stdout)
    assert found is not None, done.stderr[-2000:]
    return dict(json.loads(found.group(1).replace("&quot;", '"').replace("&amp;", "&")))


@needs_chromium
def test_no_column_is_cut_or_wraps_a_character_per_line(
    reports: dict[str, Path], tmp_path: Path
) -> None:
    # the probe finds a column squeezed to a character per line (a page of the former kind)
    squeezed = tmp_path / "squeezed.html"
    squeezed.write_text(
        '<html><body style="width: 300px"><table style="width: 100%"><tr>'
        '<td style="width: 1px; word-break: break-all">未达标</td><td>' + "说明" * 60 + "</td>"
        "</tr></table></body></html>",
        "utf-8",
    )
    assert _layout(squeezed, tmp_path)["perchar"] == ["未达标"]
    for name in ("score.html", "check.html"):
        layout = _layout(reports[name], tmp_path)
        assert 0 < int(str(layout["body"])) <= PRINTABLE_PX, name
        assert layout["wide"] == [], name  # every table and the chart within the page
        assert layout["cut"] == [], name  # no header or cell cut
        assert layout["wrapped"] == [], name  # numbers, statuses, grades on one line
        assert layout["perchar"] == [], name


@given(st.text(alphabet=st.characters(exclude_categories=("Cs", "Cn")), max_size=40))
def test_a_column_is_as_wide_as_its_text_shows(text: str) -> None:
    # two columns for each East Asian wide or full-width character, as Unicode's own table says
    expected = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    assert display_width(text) == expected


def test_widths_by_hand() -> None:
    assert display_width("CN-01") == 5
    assert display_width("县江滨实验小学") == 14  # seven characters, two columns each
    assert display_width("群众满意度（%）") == 15  # 5 × 2, the full-width brackets 2 each, % 1


def test_the_same_input_and_date_give_the_same_bytes(tmp_path: Path) -> None:
    for suffix in ("xlsx", "html"):
        made = []
        for n in (1, 2):
            out = tmp_path / f"{n}.{suffix}"
            result = run_cli(
                "score", "cangnan2022", str(SAMPLE), "--as-of", AS_OF, "--out", str(out)
            )
            assert result.code == 0, result.err
            made.append(out.read_bytes())
        assert made[0] == made[1], suffix
