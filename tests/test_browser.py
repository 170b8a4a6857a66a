"""The web page in a real browser: Chromium (the system's), driven by Playwright, over real HTTP.

For every pack: download the template, upload it filled with the pack's sample,
read the report in the page, download it.  For the county pack also: an upload
with bad rows (listed by row and column, the other rows scored) and an
interpretation chosen by its Chinese label that changes a score.  Marked
``browser``; skipped, with the reason, only where no Chromium is found.  With
``PAIRING_RULES_SCREENSHOTS=DIR`` the pictures of the documentation are taken.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import pairing_rules as pr
from pairing_rules.io._template import write_template

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[1]
SAMPLES = {p.parts[-3]: p for p in sorted(REPO.glob("packs/*/examples/*.json"))}
#: as the system's Chromium is started here: no sandbox as root, no background connections
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SHOTS = os.environ.get("PAIRING_RULES_SCREENSHOTS")


def chromium() -> str | None:
    """The system's Chromium: ``PAIRING_RULES_CHROMIUM``, or on the ``PATH``."""
    given = os.environ.get("PAIRING_RULES_CHROMIUM")
    if given:
        return given if Path(given).exists() else None
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    executable = chromium()
    if executable is None:
        pytest.skip(
            "no Chromium found (apt-get install chromium, or set PAIRING_RULES_CHROMIUM): "
            "the browser tests need the system's Chromium"
        )
    playwright_api = pytest.importorskip("playwright.sync_api")
    with playwright_api.sync_playwright() as p:
        launched = p.chromium.launch(executable_path=executable, args=ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Any, live_server: str) -> Iterator[Any]:
    context = browser.new_context(
        accept_downloads=True, viewport={"width": 1200, "height": 900}, locale="zh-CN"
    )
    opened = context.new_page()
    opened.set_default_timeout(60_000)
    errors: list[str] = []
    opened.on("pageerror", lambda error: errors.append(str(error)))
    opened.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    yield opened
    context.close()
    assert errors == [], errors  # no script error, nothing the page failed to load


def shot(page: Any, name: str, selector: str | None = None) -> None:
    """A picture of the window for the documentation, scrolled to the element ``selector``."""
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        if selector is not None:
            page.locator(selector).evaluate("e => e.scrollIntoView({block: 'start'})")
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"))


def sample_records(pack: pr.Pack) -> dict[str, list[Any]]:
    data = json.loads(SAMPLES[pack.id].read_text(encoding="utf-8"))
    dataset = pr.load_dataset(data, pack.record_types, wanted=pack.collections())
    assert dataset.rejected == []
    return {k: v for k, v in dataset.collections.items() if v}


def run_upload(page: Any, file: Path, action: str) -> None:
    page.set_input_files("#file", str(file))
    page.click(f"#{action}")
    page.wait_for_selector("#result:not([hidden])")


def report_text(page: Any) -> str:
    frame = page.frame_locator("#report")
    frame.locator("h1").wait_for()
    return str(frame.locator("body").inner_text())


@pytest.mark.parametrize("pack_id", sorted(SAMPLES))
def test_template_upload_report_download(
    page: Any, live_server: str, pack_id: str, tmp_path: Path
) -> None:
    pack = pr.get_pack(pack_id)
    action = "score" if pack.definition.rubrics else "check"
    page.goto(f"{live_server}/?pack={pack_id}")
    assert page.locator("#pack-select").input_value() == pack_id
    if pack_id == "cangnan2022":
        shot(page, "page-cangnan2022")
    # 1. the template: a workbook with the pack's sheets
    with page.expect_download() as downloaded:
        page.click("#template-link")
    template = tmp_path / downloaded.value.suggested_filename
    downloaded.value.save_as(template)
    assert template.name == f"{pack_id}-填报模板.xlsx"
    from openpyxl import load_workbook

    expected = tmp_path / "expected.xlsx"
    write_template(pack, expected)
    assert load_workbook(template).sheetnames == load_workbook(expected).sheetnames
    # 2. filled with the sample, uploaded
    records = sample_records(pack)
    filled = tmp_path / "填报.xlsx"
    write_template(pack, filled, records=records)
    run_upload(page, filled, action)
    if action == "score":
        report = pr.score(pack, {k: list(v) for k, v in records.items()})
    else:
        report = pr.check(pack, {k: list(v) for k, v in records.items()})
    assert page.text_content("#count") == str(len(report.results))
    assert page.text_content("#rejected-count") == "0"
    assert page.is_visible("#rejected-none")
    # 3. the report in the page: the command line's HTML report
    text = report_text(page)
    assert pack.definition.label.zh in text
    first = report.results[0]
    assert first.id in text
    if action == "score":
        from pairing_rules._numbers import format_number

        assert format_number(report.results[0].total) in text  # type: ignore[union-attr]
    if pack_id == "cangnan2022":
        shot(page, "report-cangnan2022", "#report")
    # 4. downloaded as a workbook and as JSON
    with page.expect_download() as workbook:
        page.click("button.download[data-format=xlsx]")
    saved = tmp_path / workbook.value.suggested_filename
    workbook.value.save_as(saved)
    assert saved.suffix == ".xlsx" and saved.name.startswith(pack_id)
    assert len(load_workbook(saved).sheetnames) >= 2
    with page.expect_download() as as_json:
        page.click("button.download[data-format=json]")
    body = json.loads(Path(as_json.value.path()).read_text(encoding="utf-8"))
    assert body["contract"] == pr.CONTRACT_VERSION
    assert [r["id"] for r in body["results"]] == [r.id for r in report.results]


def test_bad_rows_are_listed_by_row_and_column(page: Any, live_server: str, tmp_path: Path) -> None:
    upload = tmp_path / "填报.csv"
    upload.write_text(
        "编号,教共体模式,结对范围,年度,群众满意度（%）\n"
        "GOOD-1,融合型,县域内,2022,95\n"
        "BAD-1,融合型,县域内,2022,120\n"
        "BAD-2,混合型,县域内,2022,90\n"
        "GOOD-2,共建型,县域内,2022,91\n",
        encoding="utf-8",
    )
    page.goto(f"{live_server}/?pack=cangnan2022")
    run_upload(page, upload, "score")
    assert page.text_content("#count") == "2"
    assert page.text_content("#rejected-count") == "2"
    rows = page.locator("#rejected tbody tr")
    assert rows.count() == 2
    cells = [rows.nth(n).locator("td").all_inner_texts() for n in range(2)]
    # the field by its label, as in the report: a person reads no field key
    assert cells[0][1:4] == ["3", "E", "群众满意度（%）"] and "不能大于 100" in cells[0][4]
    assert cells[1][1:4] == ["4", "B", "教共体模式"] and "混合型" in cells[1][4]
    # the report lists them too, and scores the others
    text = report_text(page)
    assert "GOOD-1" in text and "GOOD-2" in text
    shot(page, "rejected-rows", "#result")


def test_an_interpretation_changes_a_score(page: Any, live_server: str, tmp_path: Path) -> None:
    record = {
        "id": "CN-09",
        "type": "融合型",
        "scope": "县域内",
        "year": 2022,
        "sync_lessons": 15,
        "sync_subjects": 2,
    }
    upload = tmp_path / "one.json"
    upload.write_text(json.dumps({"communities": [record]}), encoding="utf-8")
    page.goto(f"{live_server}/?pack=cangnan2022")
    run_upload(page, upload, "score")
    before = report_text(page)
    assert "开展线上教学活动" in before
    # chosen by its Chinese label, with its rationale and quote beside it
    fieldset = page.locator("fieldset.interpretation").filter(
        has_text="未达到“不少于”门槛的项目能否按比例得分"
    )
    choice = fieldset.locator("select")
    labels = choice.locator("option").all_inner_texts()
    proportional = next(label for label in labels if label.startswith("按完成比例得分"))
    assert any("（默认）" in label for label in labels) and "（默认）" not in proportional
    assert fieldset.locator(".rationale").count() == 1
    choice.select_option(label=proportional)
    with page.expect_response(lambda r: "format=json" in r.url) as answered:
        page.click("#score")
    body = answered.value.json()
    page.wait_for_selector("#result:not([hidden])")
    assert body["results"][0]["total"] == 22.5
    uses = {u["id"]: u for u in body["interpretations"]}
    assert uses["cangnan2022.partial_credit"]["value"] == "proportional"
    after = report_text(page)
    assert "22.5" in after and after != before
    # and in English
    page.click("#switch-lang")
    page.wait_for_selector("html[lang=en]")
    assert page.locator("h1").inner_text() == "School-pairing rules: scoring and checks"
