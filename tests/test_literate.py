"""The pack beside its text (``coverage --format html``) and the ``coverage`` command."""

from __future__ import annotations

import html
import json
import re
import textwrap
from html.parser import HTMLParser
from pathlib import Path

import pytest

import pairing_rules as pr
from pairing_rules._coverage import coverage, measure
from pairing_rules._not_rules import NotRule
from pairing_rules.io._literate import literate_context, render_literate

from .cli_helpers import run

VOID = {"meta", "input", "br", "link", "img", "hr"}


class Page(HTMLParser):
    """The ids, internal links and tag balance of a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: list[str] = []
        self.hrefs: list[str] = []
        self.external: list[str] = []
        self.stack: list[str] = []
        self.tags: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        found = dict(attrs)
        if found.get("id"):
            self.ids.append(str(found["id"]))
        href = found.get("href")
        if href is not None:
            (self.hrefs if href.startswith("#") else self.external).append(href)
        if found.get("src"):
            self.external.append(str(found["src"]))
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack and self.stack[-1] == tag, (tag, self.stack[-5:])
        self.stack.pop()


def parse(page: str) -> Page:
    parser = Page()
    parser.feed(page)
    parser.close()
    assert parser.stack == [], parser.stack[-5:]
    return parser


@pytest.fixture(scope="module")
def hunan() -> tuple[pr.Pack, str]:
    pack = pr.get_pack("hunan2016")
    return pack, render_literate(coverage(pack))


def test_page_is_self_contained_and_links_resolve_both_ways(hunan: tuple[pr.Pack, str]) -> None:
    pack, page = hunan
    parsed = parse(page)
    assert parsed.external == [] and not {"script", "link", "img", "iframe"} & parsed.tags
    assert len(parsed.ids) == len(set(parsed.ids)), "an id is used twice"
    ids = set(parsed.ids)
    assert {h[1:] for h in parsed.hrefs} <= ids, "a link points nowhere"
    report = coverage(pack)
    for citation in report.citations:
        # the side list links to every place the quote covers, and the text links back
        assert f"pr-{citation.anchor}" in ids
        for k in range(1, len(citation.spans) + 1):
            assert f"#pr-{citation.anchor}-{k}" in parsed.hrefs
            assert f"pr-{citation.anchor}-{k}" in ids
        assert f"#pr-{citation.anchor}" in parsed.hrefs, citation.owner  # from its marker
    for number in report.numbers:
        assert f"pr-{number.anchor}" in ids
    for e in report.entries:
        assert (
            f"pr-nr-{e.index}" in ids
            and f"#pr-{report.numbers[e.numbers[0]].anchor}" in parsed.hrefs
        )


def test_page_shows_the_whole_text_chinese_first(hunan: tuple[pr.Pack, str]) -> None:
    pack, page = hunan
    text = re.sub(
        r'<sup class="cm">.*?</sup>', "", page, flags=re.S
    )  # citation markers are not the text
    text = re.sub(r'<span class="ln">\d+</span>', "", text)  # nor are line numbers
    lines = {
        html.unescape(re.sub(r"<[^>]+>", "", m))
        for m in re.findall(r'class="tx">(.*?)</span></div>', text, re.S)
    }
    for line in pack.document.text.splitlines():
        if line.strip():
            assert line in lines, line
    shown = html.unescape(page)
    assert page.index("原文对照") < page.index("The pack beside its text")
    assert "文件覆盖率" in page and "100.0%" in page
    assert 'lang="zh-CN"' in page
    assert "〔2016〕420号" in shown and "本通知的文号" in shown  # a not_rules number and its reason


def test_uncovered_and_justified_numbers_are_marked() -> None:
    text = "一、总则\n每年 2 次，共 3 所。"
    entry = NotRule.model_validate(
        {
            "text": "3",
            "context": "共 3 所",
            "kind": "background",
            "reason": {"zh": "背景", "en": "bg"},
        }
    )
    report = measure(text, [], [entry], title="示例")
    context = literate_context(report)
    assert [u["text"] for u in context["uncovered"]] == ["2"]
    page = render_literate(report)
    parse(page)
    assert 'class="num s-uncovered" href="#pr-u-n2" id="pr-n2"' in page
    assert 'class="num s-justified" href="#pr-nr-0" id="pr-n3"' in page
    assert 'class="num s-structural" id="pr-n1"' in page
    assert "背景" in page and "50.0%" in page  # 1 of 2 counted numbers


def test_page_escapes_the_text() -> None:
    text = '第一行 <script>alert("x")</script> 共 2 所 & "引号"'
    report = measure(
        text, [("p", pr.Source(section="<b>", quote="<script>alert"))], title="<i>t</i>"
    )
    page = render_literate(report)
    parse(page)
    assert "<script>" not in page and "<b>" not in page and "<i>t</i>" not in page
    assert "&lt;script&gt;alert" in page and "&amp;" in page


def test_fragment_for_the_documentation(hunan: tuple[pr.Pack, str]) -> None:
    pack, _ = hunan
    fragment = render_literate(coverage(pack), standalone=False)
    parse(fragment)
    assert "<html" not in fragment and "<body" not in fragment
    assert fragment.lstrip().startswith('<div class="pr-lit pr-embedded">')


# ------------------------------------------------------------------------------ command


def test_coverage_text_zh_and_en() -> None:
    zh = run("coverage", "hunan2016")
    assert zh.code == 0, zh.err
    assert zh.out.startswith("hunan2016@") and "文件覆盖率 100.0%" in zh.out
    assert "已引用：goal.year" in zh.out and "文号（not_rules #0）" in zh.out
    en = run("coverage", "hunan2016", "--lang", "en")
    assert "document coverage 100.0%" in en.out and "cited by goal.year" in en.out


def test_coverage_json_contract() -> None:
    result = run("coverage", "zhejiang2019", "--format", "json")
    assert result.code == 0, result.err
    data = result.json
    assert data["pack"].startswith("zhejiang2019@") and data["complete"] is True
    assert data["percent"] == 100.0 and data["covered"] == data["counted"]
    for number in data["numbers"]:
        assert set(number) >= {"text", "kind", "status", "line", "section", "context", "cited_by"}
    for item in data["not_rules"]:
        assert item["stale"] is None and item["reason"]["zh"] and item["reason"]["en"]


def test_coverage_out_html_and_json(tmp_path: Path) -> None:
    out = tmp_path / "sub" / "原文对照.html"
    result = run("coverage", "shandong2016", "--out", str(out))
    assert result.code == 0, result.err
    assert "100.0%" in result.out and str(out) in result.out
    parse(out.read_text(encoding="utf-8"))
    assert [p.name for p in out.parent.iterdir()] == ["原文对照.html"]  # no temporary file left
    data = tmp_path / "c.json"
    assert run("coverage", "shandong2016", "--out", str(data)).code == 0
    assert json.loads(data.read_text(encoding="utf-8"))["complete"] is True
    page = run("coverage", "shandong2016", "--format", "html")
    assert page.out.startswith("<!DOCTYPE html>")


def write_pack(folder: Path) -> Path:
    src = folder / "src" / "pairing_rules_draft2024"
    src.mkdir(parents=True)
    (src / "document.txt").write_text("一、目标\n每年不少于 2 次，共 30 所。\n", encoding="utf-8")
    (src / "pack.yaml").write_text(
        textwrap.dedent(
            """\
            id: draft2024
            version: 0.1.0
            label: {zh: 草稿, en: draft}
            document: {title: 草稿, issuer: 某县教育局}
            provisions:
              - id: visits
                kind: target
                label: {zh: 次数, en: visits}
                value: 2
                source: {section: 一, quote: 每年不少于 2 次}
            """
        ),
        encoding="utf-8",
    )
    return src / "pack.yaml"


def test_coverage_of_a_pack_file_not_installed_and_fail_on_uncovered(tmp_path: Path) -> None:
    pack_file = write_pack(tmp_path)
    result = run("coverage", str(pack_file))
    assert result.code == 0, result.err
    assert "50.0%" in result.out and "【30】" in result.out and "建议的上下文：" in result.out
    assert run("coverage", str(tmp_path), "--fail-on-uncovered").code == 1
    assert run("coverage", "hunan2016", "--fail-on-uncovered").code == 0


def test_coverage_mistakes() -> None:
    result = run("coverage", "nosuchpack")
    assert result.code == 2 and "没有名为 nosuchpack 的规则包" in result.err
    assert run("coverage", "hunan2016", "--format", "xml").code == 2
    missing = run("coverage", "packs/nowhere/pack.yaml")
    assert missing.code == 2 and "找不到规则包文件 packs/nowhere/pack.yaml" in missing.err
