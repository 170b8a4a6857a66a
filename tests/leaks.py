"""Finding what a person should not read: identifiers in Chinese output, Chinese in English.

A Chinese report may hold ASCII only in names and values from the input (a school's
name, a record's id), quotes from the document, file paths, numbers, the pack's version
stamp (``cangnan2022@2.0.0``, its ``sha256:`` hash) and what a person types (command
options, the program's name, the choices of an option); anything else that looks like an
identifier (``county``, ``cross_region``, ``ten_percent``, ``[conflicting_provisions]``,
``sync_lessons``) or an English word is a leak.  An English report may hold Chinese only
in names and values from the input, the document's title, issuer and citations (section
and quote) and quoted passages; any other CJK character (``第 7 行``, ``：``) is a leak.
"""

from __future__ import annotations

import contextlib
import html.parser
import io
import json
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pairing_rules import Pack

#: quoted spans: the document's words, a title, a name the report quotes (in Chinese text, only
#: Chinese quotation marks quote: ASCII ones are JSON's)
_QUOTED = re.compile(r"「[^」]*」|“[^”]*”|《[^》]*》|‘[^’]*’")
_QUOTED_EN = re.compile(r"\"[^\"\n]*\"")
#: a command a person types, written as code
_COMMAND = re.compile(r"`(?:pairing-rules|--)[^`]*`")
_NUMBER = re.compile(r"(?<![A-Za-z0-9_.])[-+]?\d+(?:[.,:]\d+)*%?(?![A-Za-z_])")
_PATH = re.compile(
    r"(?:[\w.\-]*/)+[\w.\-]+|[\w\-]*\.(?:xlsx|xls|ods|csv|json|html|htm|yaml|txt|parquet|pdf)\b"
)
_STAMP = re.compile(r"\b[a-z][a-z0-9_]*@\d+\.\d+\.\d+\b|sha256:[0-9a-f]{8,64}")
#: a place in the document as it numbers it (附件4, 四(一), 三(二)2(1)): a name, as a section is
_SECTION = re.compile(
    r"附件\s*[0-9一二三四五六七八九十]+|[一二三四五六七八九十]+(?:\([一二三四五六七八九十0-9]+\)|[0-9]+)+"
    r"|(?<![\u3400-\u9fff])[一二三四五六七八九十]{1,2}(?![\u3400-\u9fff])"
)
#: a place's name (上城区, 嵊泗县, 义乌市): a name, whichever record or table it comes from
_PLACE = re.compile(r"[\u4e00-\u9fff]{1,8}?(?:自治县|区|县|市|镇|乡|街道)(?![\u4e00-\u9fff])")
_OPTION = re.compile(r"(?<![\w-])--?[A-Za-z][\w-]*(?:=\S*)?")
_TOKEN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:[.\-][A-Za-z0-9_]+)*")
_CJK = re.compile(
    "[\u2e80-\u2fdf\u3000-\u303f\u3040-\u30ff\u3100-\u31bf\u3400-\u4dbf\u4e00-\u9fff"
    "\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef]"
)
#: ASCII a Chinese report may hold: names of formats and programs a person knows
ZH_WORDS = frozenset({"pairing-rules", "PDF", "Excel", "WPS", "CSV", "A4", "UTF-8", "GBK", "JSON"})


@dataclass(frozen=True)
class Leak:
    """One token a person should not read, with where it was and the line it is on."""

    where: str
    token: str
    line: str

    def __str__(self) -> str:
        return f"{self.where}: {self.token!r} in {self.line.strip()[:160]!r}"


def strings_of(value: Any) -> Iterator[str]:
    """Every string in a JSON-like value (keys excepted)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings_of(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from strings_of(item)


def pack_names(pack: Pack) -> set[str]:
    """What a pack holds as names and citations: the document's title, issuer and number,
    every section and quote, and the cells of its reference and quota tables."""
    doc = pack.document
    names = {doc.title, doc.issuer, doc.doc_number or ""}
    for _owner, source in pack.sources():
        names.add(source.section)
        names.add(source.quote)
        # a part of a section path names the part (附件4, 四(三)), as the document numbers it
        names.update(part for part in re.split(r"\s+", source.section) if len(part) > 1)
    definition = pack.definition
    for spec in definition.tables:
        table = pack.table(spec.id)  # with the rows of its CSV file
        names.update(strings_of(table.model_dump(mode="json", exclude={"id", "columns", "label"})))
    for spec in definition.quotas:
        quota = pack.quota_table(spec.id)
        for row in quota.rows:
            names.add(row.region)
            if row.parent:
                names.add(row.parent)
    for figure in definition.figures:
        names.update(strings_of(figure.model_dump(mode="json", include={"items"})))
    # a cell may list several names (杭州市本级、杭州市西湖区)
    names |= {part for n in list(names) for part in re.split(r"[、，,；;]", n)}
    return {n.strip() for n in names if n.strip()}


def pack_values(pack: Pack) -> set[str]:
    """The document's words a pack keeps as values (a fact's value as printed: 城区,
    浙江省教育厅, 3月底前): names for an English report, as quotes are."""
    out: set[str] = set()
    for provision in pack.provisions():
        out.update(strings_of(provision.value))
        if isinstance(provision.value, dict):
            out.update(str(k) for k in provision.value)
    for milestone in pack.definition.milestones:
        for text in (milestone.due_text, milestone.responsible, milestone.evidence):
            if text:
                out.add(text)
    return {v for v in out if v}


def _remove(text: str, names: Sequence[str]) -> str:
    for name in names:
        if name in text:
            text = text.replace(name, " ")
    return text


def _visible(text: str, names: Sequence[str], *, english: bool = False) -> str:
    # the version stamp and commands first: a name may be a part of the hash or the option
    text = _COMMAND.sub(" ", _STAMP.sub(" ", text))
    text = _remove(text, names)  # names before quotes: a name may hold a quote mark
    text = _QUOTED.sub(" ", text)
    return _QUOTED_EN.sub(" ", text) if english else text


def _usable(names: Iterable[str]) -> list[str]:
    """Names worth removing, longest first (a dash or a digit alone is no name)."""
    kept = {
        n
        for n in names
        if len(n) > 1 and re.search(r"[A-Za-z_\u3400-\u9fff]", n) and not _NUMBER.fullmatch(n)
    }
    return sorted(kept, key=len, reverse=True)


def zh_leaks(
    text: str, names: Iterable[str], *, where: str, allowed: Iterable[str] = ()
) -> list[Leak]:
    """The identifier-looking ASCII tokens of a Chinese ``text`` (see the module's description).

    :param names: names and values that may appear as they are (from the input and the pack).
    :param allowed: further words a person types here (a command's name, an option's choices).
    """
    ordered = _usable(names)
    ok = ZH_WORDS | set(allowed)
    out: list[Leak] = []
    for line in _quotes_joined(text.splitlines(), "`", "`"):
        rest = _visible(line, ordered)
        for pattern in (_PATH, _STAMP, _OPTION):
            rest = pattern.sub(" ", rest)
        rest = _NUMBER.sub(" ", rest)
        for match in _TOKEN.finditer(rest):
            token = match.group()
            if token in ok:
                continue
            out.append(Leak(where, token, line))
    return out


def _quotes_joined(lines: Iterable[str], opening: str = "「", closing: str = "」") -> Iterator[str]:
    """The lines with a quote (「…」, or a command in backticks) that a table wrapped over
    several lines blanked out (from its opening to the line's end, then each line up to its
    closing), so that a quote counts as a quote."""
    inside = False
    for line in lines:
        if inside:
            end = line.find(closing)
            if end < 0:
                yield ""
                continue
            line = " " + line[end + 1 :]
            inside = False
        start = line.rfind(opening)
        # unclosed: an odd count of a mark that opens and closes alike (`), or an opening
        # mark with no closing one after it (「)
        unclosed = (
            line.count(opening) % 2 == 1 if opening == closing else closing not in line[start:]
        )
        if start >= 0 and unclosed:
            line = line[:start]
            inside = True
        yield line


def en_leaks(text: str, names: Iterable[str], *, where: str) -> list[Leak]:
    """The Chinese characters of an English ``text`` outside names, citations and quotes."""
    ordered = _usable(names)
    out: list[Leak] = []
    for line in _quotes_joined(_quotes_joined(text.splitlines()), "`", "`"):
        rest = _PLACE.sub(" ", _SECTION.sub(" ", _visible(line, ordered, english=True)))
        found = _CJK.findall(rest)
        if found:
            out.append(Leak(where, "".join(found)[:40], line))
    return out


# ------------------------------------------------------------------------ what a person reads


class _Text(html.parser.HTMLParser):
    """The text a browser shows (not the style sheet), one line per block."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("style", "script"):
            self._skip += 1
        if tag in ("p", "tr", "h1", "h2", "h3", "li", "div", "br", "g", "text", "th", "td"):
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "script"):
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def html_text(path: Path) -> str:
    """The visible text of an HTML page, and its title."""
    parser = _Text()
    parser.feed(path.read_text(encoding="utf-8"))
    return "".join(parser.parts)


def workbook_text(path: Path) -> str:
    """Every sheet name, cell, data-validation prompt, header and footer of a workbook."""
    import openpyxl

    book = openpyxl.load_workbook(path)
    lines: list[str] = []
    for sheet in book.worksheets:
        hidden_rows = {n for n, dim in sheet.row_dimensions.items() if dim.hidden}
        lines.append(sheet.title)
        for row in sheet.iter_rows():
            if row and row[0].row in hidden_rows:
                continue  # the template's field keys, for scripts, not for a person
            for cell in row:
                if cell.value is not None:
                    lines.append(str(cell.value))
        for validation in sheet.data_validations.dataValidation:
            lines.extend(
                str(v)
                for v in (
                    validation.promptTitle,
                    validation.prompt,
                    validation.errorTitle,
                    validation.error,
                )
                if v
            )
        for part in (sheet.oddHeader, sheet.oddFooter):
            for side in (part.left, part.center, part.right):
                if side.text:
                    lines.append(re.sub(r"&[A-Z]", " ", side.text))
    return "\n".join(lines)


@dataclass
class Outcome:
    code: int
    out: str
    err: str


def run_cli(*argv: str) -> Outcome:
    """``pairing-rules`` in this process (as the installed script runs it)."""
    from pairing_rules.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(list(argv))
        except SystemExit as exit_:  # --help, or a usage error from argparse
            code = exit_.code if isinstance(exit_.code, int) else 2
    return Outcome(code, out.getvalue(), err.getvalue())


def input_names(path: Path) -> set[str]:
    """Every string value of a JSON input (names, ids, notes: the user's own words)."""
    return set(strings_of(json.loads(path.read_text(encoding="utf-8"))))
