"""Document coverage: has every number of the document been encoded or accounted for?

:func:`coverage` finds every number of a pack's document (:mod:`._numerals`
says what a number is) and gives each one a status:

``cited``
    it lies inside the quote of some citation of the pack (a provision, a rule,
    an interpretation, a conflict …), at some place where that quote occurs;
``table``
    it lies in a printed table that a ``not_rules`` entry of kind ``table``
    declares transcribed into one of the pack's tables, and it is a value of
    the row printed around it (each row is found by its most distinctive name)
    or inside one of the table's text cells (a school's name);
``justified``
    a ``not_rules`` entry points at it and says why it is not a rule;
``uncovered``
    none of these: the pack has not accounted for it;
``structural``
    it numbers the text's own structure (``一、``, ``（二）``, ``附件1``): shown,
    never counted.

The coverage is the share of the counted numbers that are cited, in a table or
justified.  A ``not_rules`` entry is *stale* when it points at nothing (its
context is not in the text, or found more than once, or holds no such number),
or at a number that a quote already covers, or at one another entry covers.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal
from typing import TYPE_CHECKING, Any, Final, Literal

from ._coverage_text import SPACES, DocText, inside, match_rows
from ._i18n import Text
from ._not_rules import NotRule, NotRuleKind
from ._numerals import LineIndex, NumberToken, find_numbers
from ._provenance import Source

if TYPE_CHECKING:
    from ._pack import Pack

Status = Literal["cited", "table", "justified", "uncovered", "structural"]
Group = Literal["provision", "rule", "interpretation", "conflict", "hook"]

STATUS_LABELS: Final[dict[Status, Text]] = {
    "cited": Text(zh="已引用", en="cited"),
    "table": Text(zh="已转录（表格）", en="transcribed (table)"),
    "justified": Text(zh="非规则（已说明）", en="not a rule (justified)"),
    "uncovered": Text(zh="未覆盖", en="uncovered"),
    "structural": Text(zh="结构编号（不计）", en="structural numbering (not counted)"),
}
GROUP_LABELS: Final[dict[Group, Text]] = {
    "provision": Text(zh="条款", en="provision"),
    "rule": Text(zh="规则", en="rule"),
    "interpretation": Text(zh="解释口径", en="interpretation"),
    "conflict": Text(zh="冲突", en="conflict"),
    "hook": Text(zh="钩子读取的字段", en="fields read by a hook"),
}

#: characters of context shown on each side of a number
CONTEXT_CHARS: Final = 24


@dataclass(frozen=True, slots=True)
class Citation:
    """A citation of the pack and the places of the text its quote covers.

    :param anchor: a short id for links (``c12``).
    :param owner: the id of what cites (``rubric.county.research``, ``interpretation.x``).
    :param group: provision, rule, interpretation, conflict or hook.
    :param label: what it is, where the pack gives a label.
    :param spans: ``(start, end)`` offsets in the text of every place the quote occurs.
    """

    anchor: str
    owner: str
    group: Group
    label: Text | None
    source: Source
    spans: tuple[tuple[int, int], ...]


@dataclass(frozen=True, slots=True)
class NumberCoverage:
    """One number of the text and what accounts for it.

    :param cited_by: indexes into :attr:`CoverageReport.citations`.
    :param entry: the index of the ``not_rules`` entry that justifies it or holds its table.
    """

    anchor: str
    token: NumberToken
    line: int
    section: str
    before: str
    after: str
    status: Status
    cited_by: tuple[int, ...] = ()
    entry: int | None = None
    table: str | None = None
    #: for an uncovered number: a context that points at it alone, for a ``not_rules`` entry
    suggestion: str | None = None

    @property
    def counted(self) -> bool:
        return self.status != "structural"

    @property
    def covered(self) -> bool:
        return self.status in ("cited", "table", "justified")

    def context(self) -> str:
        """The number in its context, marked with 【】."""
        return f"{self.before}【{self.token.text}】{self.after}"


@dataclass(frozen=True, slots=True)
class EntryCheck:
    """A ``not_rules`` entry, the numbers it accounts for, and what is wrong with it.

    :param numbers: indexes into :attr:`CoverageReport.numbers`.
    :param span: where it points in the text, when found.
    :param problem: why it is stale, ``None`` when it is not.
    """

    index: int
    entry: NotRule
    numbers: tuple[int, ...]
    span: tuple[int, int] | None
    line: int | None
    problem: Text | None = None

    @property
    def stale(self) -> bool:
        return self.problem is not None


@dataclass(frozen=True)
class CoverageReport:
    """The coverage of a document by a pack: every number, citation and ``not_rules`` entry."""

    pack_ref: str
    content_hash: str
    title: str
    text: str
    numbers: list[NumberCoverage]
    citations: list[Citation]
    entries: list[EntryCheck]
    label: Text | None = None
    _counts: Counter[str] = field(default_factory=Counter, repr=False)

    def __post_init__(self) -> None:
        self._counts.update(n.status for n in self.numbers)

    def count(self, status: Status) -> int:
        """How many numbers have ``status``."""
        return self._counts[status]

    @property
    def counted(self) -> int:
        """The numbers counted: all but the structural ones."""
        return len(self.numbers) - self.count("structural")

    @property
    def covered(self) -> int:
        """The counted numbers that are cited, in a table or justified."""
        return self.count("cited") + self.count("table") + self.count("justified")

    @property
    def percent(self) -> Decimal:
        """The coverage in percent, rounded down to one decimal (99.96 shows as 99.9)."""
        if not self.counted:
            return Decimal(100).quantize(Decimal("0.1"))
        share = Decimal(self.covered * 100) / Decimal(self.counted)
        return share.quantize(Decimal("0.1"), rounding=ROUND_DOWN)

    @property
    def uncovered(self) -> list[NumberCoverage]:
        return [n for n in self.numbers if n.status == "uncovered"]

    @property
    def stale(self) -> list[EntryCheck]:
        return [e for e in self.entries if e.stale]

    @property
    def complete(self) -> bool:
        """Every counted number is accounted for and no ``not_rules`` entry is stale."""
        return self.covered == self.counted and not self.stale

    def as_json(self) -> dict[str, Any]:
        """The report as JSON-ready data (both languages wherever there is text)."""
        return {
            "pack": self.pack_ref,
            "content_hash": self.content_hash,
            "title": self.title,
            "counted": self.counted,
            "covered": self.covered,
            "percent": float(self.percent),
            "complete": self.complete,
            "by_status": {s: self.count(s) for s in STATUS_LABELS},
            "numbers": [self._number_json(n) for n in self.numbers],
            "not_rules": [
                {
                    "index": e.index,
                    "kind": e.entry.kind.value,
                    "text": e.entry.text,
                    "table": e.entry.table,
                    "context": e.entry.context,
                    "until": e.entry.until,
                    "reason": e.entry.reason.model_dump(),
                    "line": e.line,
                    "numbers": len(e.numbers),
                    "stale": e.problem.model_dump() if e.problem else None,
                }
                for e in self.entries
            ],
            "citations": [
                {
                    "owner": c.owner,
                    "group": c.group,
                    "label": c.label.model_dump() if c.label else None,
                    "section": c.source.section,
                    "quote": c.source.quote,
                    "places": len(c.spans),
                }
                for c in self.citations
            ],
        }

    def _number_json(self, n: NumberCoverage) -> dict[str, Any]:
        return {
            "text": n.token.text,
            "kind": n.token.kind,
            "value": None if n.token.value is None else str(n.token.value),
            "status": n.status,
            "line": n.line,
            "section": n.section,
            "context": n.context(),
            "cited_by": [self.citations[i].owner for i in n.cited_by],
            "not_rule": n.entry if n.status == "justified" else None,
            "table": n.table,
            "suggested_context": n.suggestion,
        }


# ----------------------------------------------------------------------------- measuring


def measure(
    text: str,
    sources: Iterable[tuple[str, Source]],
    not_rules: Sequence[NotRule] = (),
    *,
    tables: Mapping[str, Sequence[Sequence[object]]] | None = None,
    labels: Mapping[str, tuple[Group, Text | None]] | None = None,
    pack_ref: str = "",
    content_hash: str = "",
    title: str = "",
    label: Text | None = None,
) -> CoverageReport:
    """The coverage of ``text`` by quotes and ``not_rules`` entries.

    :param sources: ``(owner id, source)`` of every citation.
    :param tables: the cells of each table a ``kind: table`` entry may name, row by row.
    :param labels: the group and label of each owner id (``rule`` and no label otherwise).
    """
    doc = DocText(text)
    index = LineIndex(text)
    labels = labels or {}
    tables = tables or {}
    citations = []
    for n, (owner, source) in enumerate(sources):
        group, shown = labels.get(owner, ("rule", None))
        spans = tuple(doc.find_all(source.quote))
        citations.append(Citation(f"c{n + 1}", owner, group, shown, source, spans))
    tokens = find_numbers(text)
    status: list[Status] = []
    cited_by: list[tuple[int, ...]] = []
    for token in tokens:
        if token.structural:
            status.append("structural")
            cited_by.append(())
            continue
        by = tuple(i for i, c in enumerate(citations) if any(inside(token, s) for s in c.spans))
        cited_by.append(by)
        status.append("cited" if by else "uncovered")
    entry_of: list[int | None] = [None] * len(tokens)
    table_of: list[str | None] = [None] * len(tokens)

    checks: dict[int, EntryCheck] = {}
    order = sorted(range(len(not_rules)), key=lambda i: not_rules[i].kind is NotRuleKind.TABLE)
    for i in order:
        entry = not_rules[i]
        places = doc.find_all(entry.context)
        if len(places) != 1:
            problem = (
                Text(zh="上下文在全文中找不到", en="the context is not in the text")
                if not places
                else Text(
                    zh=f"上下文在全文中出现 {len(places)} 次，应只出现一次",
                    en=f"the context occurs {len(places)} times in the text, not once",
                )
            )
            checks[i] = EntryCheck(i, entry, (), None, None, problem)
            continue
        span = places[0]
        if entry.kind is NotRuleKind.TABLE:
            checks[i] = _table_entry(
                i, entry, span, doc, tokens, status, entry_of, table_of, tables, index
            )
        else:
            checks[i] = _number_entry(i, entry, span, tokens, status, entry_of, citations, index)
    entries = [checks[i] for i in range(len(not_rules))]

    numbers = []
    for n, token in enumerate(tokens):
        before = SPACES.sub(" ", text[max(0, token.start - CONTEXT_CHARS) : token.start]).lstrip()
        after = SPACES.sub(" ", text[token.end : token.end + CONTEXT_CHARS]).rstrip()
        numbers.append(
            NumberCoverage(
                anchor=f"n{n + 1}",
                token=token,
                line=index.line(token.start),
                section=index.section(token.start),
                before=before,
                after=after,
                status=status[n],
                cited_by=cited_by[n],
                entry=entry_of[n],
                table=table_of[n],
                suggestion=_suggest(doc, tokens, n) if status[n] == "uncovered" else None,
            )
        )
    return CoverageReport(
        pack_ref=pack_ref,
        content_hash=content_hash,
        title=title,
        text=text,
        numbers=numbers,
        citations=citations,
        entries=entries,
        label=label,
    )


def _number_entry(
    i: int,
    entry: NotRule,
    span: tuple[int, int],
    tokens: list[NumberToken],
    status: list[Status],
    entry_of: list[int | None],
    citations: list[Citation],
    index: LineIndex,
) -> EntryCheck:
    wanted = SPACES.sub("", entry.text or "")
    line = index.line(span[0])
    hits = [n for n, t in enumerate(tokens) if t.text == wanted and inside(t, span)]
    counted = [n for n in hits if status[n] != "structural"]
    problem: Text | None = None
    if not counted:
        if hits:
            problem = Text(
                zh=f"上下文中的 {wanted} 是结构编号，不计入覆盖率，无须说明",
                en=f"{wanted} in the context is structural numbering, not counted: no entry needed",
            )
        else:
            numbers = "、".join(t.text for t in tokens if inside(t, span) and not t.structural)
            problem = Text(
                zh=f"上下文中没有数字 {wanted}（其中的数字：{numbers or '无'}）",
                en=f"the context holds no number {wanted} (its numbers: {numbers or 'none'})",
            )
        return EntryCheck(i, entry, (), span, line, problem)
    if len(counted) > 1:
        problem = Text(
            zh=f"{wanted} 在上下文中出现 {len(counted)} 次；缩短或加长上下文，使它只指向一处",
            en=f"{wanted} occurs {len(counted)} times in the context; change the context so it points at one",
        )
        return EntryCheck(i, entry, (), span, line, problem)
    n = counted[0]
    if status[n] == "cited":
        owners = "、".join(
            citations[c].owner for c in range(len(citations)) if _cites(citations[c], tokens[n])
        )
        problem = Text(
            zh=f"{wanted} 已在引文中（{owners}），此条多余",
            en=f"{wanted} is already inside a quote ({owners}); the entry is stale",
        )
        return EntryCheck(i, entry, (), span, line, problem)
    if status[n] == "justified":
        problem = Text(
            zh=f"{wanted} 已由第 {entry_of[n]} 条说明，此条重复",
            en=f"{wanted} is already justified by entry {entry_of[n]}; the entry repeats it",
        )
        return EntryCheck(i, entry, (), span, line, problem)
    status[n] = "justified"
    entry_of[n] = i
    return EntryCheck(i, entry, (n,), span, line)


def _suggest(doc: DocText, tokens: list[NumberToken], n: int) -> str | None:
    """The shortest context (of a few tried) that occurs once and points at number ``n`` alone."""
    token = tokens[n]
    start, end = doc.flat_index(token.start), doc.flat_index(token.end)
    for pad in (4, 6, 8, 12, 16, 24, 32, 48):
        a, b = max(0, start - pad), min(len(doc.flat), end + pad)
        snippet = doc.flat[a:b]
        first = doc.flat.find(snippet)
        if doc.flat.find(snippet, first + 1) != -1:
            continue
        span = (doc.offsets[a], doc.offsets[b - 1] + 1)
        same = [t for t in tokens if t.text == token.text and not t.structural and inside(t, span)]
        if len(same) == 1:
            return SPACES.sub(" ", doc.text[span[0] : span[1]])
    return None


def _cites(citation: Citation, token: NumberToken) -> bool:
    return any(inside(token, s) for s in citation.spans)


def _table_entry(
    i: int,
    entry: NotRule,
    span: tuple[int, int],
    doc: DocText,
    tokens: list[NumberToken],
    status: list[Status],
    entry_of: list[int | None],
    table_of: list[str | None],
    tables: Mapping[str, Sequence[Sequence[object]]],
    index: LineIndex,
) -> EntryCheck:
    line = index.line(span[0])
    ends = doc.find_all(entry.until or "", doc.flat_index(span[0]))
    if not ends:
        problem = Text(
            zh="在上下文之后找不到表格结尾（until）", en="`until` is not found after the context"
        )
        return EntryCheck(i, entry, (), span, line, problem)
    block = (span[0], ends[0][1])
    rows = tables.get(entry.table or "")
    if rows is None:
        known = "、".join(sorted(tables)) or "—"
        problem = Text(
            zh=f"规则包没有表格 {entry.table}（已有：{known}）",
            en=f"the pack has no table {entry.table} (it has: {known})",
        )
        return EntryCheck(i, entry, (), block, line, problem)
    waiting = [n for n, t in enumerate(tokens) if status[n] == "uncovered" and inside(t, block)]
    matched = match_rows(doc, block, rows, [tokens[n] for n in waiting])
    covered = [n for k, n in enumerate(waiting) if k in matched]
    for n in covered:
        status[n] = "table"
        entry_of[n] = i
        table_of[n] = entry.table
    if not covered:
        problem = Text(
            zh="表格范围内没有待说明的数字，此条多余",
            en="no number in the table's span needs it; the entry is stale",
        )
        return EntryCheck(i, entry, (), block, line, problem)
    return EntryCheck(i, entry, tuple(covered), block, line)


# ------------------------------------------------------------------------------- packs


def _pack_sources(pack: Pack) -> Iterator[tuple[str, Source]]:
    """Every citation of ``pack``: the one place coverage enumerates them."""
    yield from pack.sources()


def _pack_labels(pack: Pack) -> dict[str, tuple[Group, Text | None]]:
    d = pack.definition
    facts = {f.id for f in d.provisions}
    out: dict[str, tuple[Group, Text | None]] = {}
    for p in pack.provisions():
        out[p.id] = ("provision" if p.id in facts else "rule", p.label)
    for interp in d.interpretations:
        out[f"interpretation.{interp.id}"] = ("interpretation", interp.label)
    for conflict in d.conflicts:
        for side in ("a", "b"):
            out[f"conflict.{conflict.id}.{side}"] = ("conflict", conflict.label)
    for n, hook in enumerate(d.hook_fields, start=1):
        out[f"hook_fields{n}"] = ("hook", hook.label)
    return out


def _pack_tables(pack: Pack) -> dict[str, list[list[object]]]:
    """The cells of every reference and quota table, row by row."""
    d = pack.definition
    out: dict[str, list[list[object]]] = {}
    for table in d.tables:
        out[table.id] = [[v for v in row.values() if v not in (None, "")] for row in table.rows]
    for quota in d.quotas:
        out[quota.id] = [
            [
                c
                for c in (row.region, row.parent, row.published, row.printed, *row.inputs.values())
                if c not in (None, "")
            ]
            for row in quota.rows
        ]
    return out


def coverage(pack: Pack) -> CoverageReport:
    """How completely ``pack`` accounts for the numbers of its document.

    >>> import pairing_rules as pr
    >>> report = coverage(pr.get_pack("hunan2016"))
    >>> report.complete, report.percent
    (True, Decimal('100.0'))
    """
    return measure(
        pack.document.text,
        _pack_sources(pack),
        pack.definition.not_rules,
        tables=_pack_tables(pack),
        labels=_pack_labels(pack),
        pack_ref=pack.ref,
        content_hash=pack.content_hash,
        title=pack.document.title,
        label=pack.definition.label,
    )
