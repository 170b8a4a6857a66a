"""``pairing-rules lint``: the mistakes a policy author makes, caught before anyone runs the pack.

Lint reads a pack file without installing it and reports every problem at
once, each with the file, line and column of ``pack.yaml``, a stable code, a
message in Chinese and English, and, for a misspelt name, the names it may
have meant.  It works in two stages:

1. *load*: the YAML parses, the file fits :class:`~pairing_rules.PackDefinition`,
   every id is unique, every name of an interpretation is declared, every
   quote is in the document, every collection, field, operator and filter
   value exists (:mod:`._lint_load`, :mod:`._lint_names`);
2. *rules*: every number is in its own quote (:mod:`._lint_numbers`),
   ``when:`` values are alternatives and every interpretation is used
   (:mod:`._lint_names`), conditions can apply, items fit their rubric,
   adjustments reach their bounds and more activity never scores less
   (:mod:`._lint_rules`).

:func:`lint_definition` runs stage 2 (and the name checks) on a definition
that validated, so that loading and the conformance suite can run the same
checks; :func:`load_errors_with_positions` turns a load failure into
positioned problems.  :mod:`._lint_target` resolves what ``pairing-rules lint``
is given (a folder, a file, an installed pack) and runs it.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path as FilePath
from typing import Any, Final, Literal

from pydantic import BaseModel, ValidationError

from ._i18n import Lang, Text
from ._models import CORE_RECORD_TYPES, Record
from ._provenance import Document, Source, normalize_quote
from ._yamlpos import Path, Position, YamlDocument, render_path

Severity = Literal["error", "warning"]

#: every lint code, with what it reports (the documentation lists them from here)
CODES: Final[dict[str, Text]] = {
    # loading
    "yaml-syntax": Text(zh="YAML 语法错误", en="the file is not valid YAML"),
    "duplicate-key": Text(
        zh="同一映射中重复的键（只有最后一个生效）",
        en="a key written twice in one mapping (the last one wins)",
    ),
    "unknown-key": Text(zh="规则包格式中没有的字段", en="a key the pack format does not have"),
    "missing-key": Text(zh="缺少必填字段", en="a required key is missing"),
    "invalid-value": Text(zh="取值类型或格式不对", en="a value of the wrong type or form"),
    "invalid-rule": Text(
        zh="规则本身不成立（如基本分超过分值）",
        en="a rule that cannot hold as written (e.g. a base above the maximum)",
    ),
    "duplicate-id": Text(zh="同类条目的编号重复", en="two entries of one kind share an id"),
    "unknown-interpretation": Text(
        zh="引用了未声明的解释口径", en="a rule names an interpretation that is not declared"
    ),
    "document-missing": Text(zh="找不到文件全文", en="the document's text file cannot be read"),
    "rows-file": Text(zh="表格文件无法读取", en="a table's rows file cannot be read"),
    "quote-not-found": Text(zh="引文不在文件全文中", en="a quote is not in the document's text"),
    "unknown-collection": Text(zh="未知的数据集", en="an unknown record collection"),
    "unknown-field": Text(zh="记录类型中没有的字段", en="a field the record type does not have"),
    "unknown-value": Text(
        zh="筛选条件中不存在的取值（如教共体模式、结对范围）",
        en="a filter value the field does not take (a community type, a scope …)",
    ),
    "expression": Text(
        zh="表达式无效（如未知运算符）", en="an invalid expression (an unknown operator …)"
    ),
    "unknown-reference": Text(
        zh="引用了不存在的表、定额表、要求或列",
        en="a reference to a table, quota, requirement or column that does not exist",
    ),
    "record-types": Text(
        zh="无法读取规则包自定义的记录类型", en="the pack's own record types cannot be imported"
    ),
    # interpretations
    "unknown-alternative": Text(
        zh="when 或 --set 的取值不是该解释口径的可选值",
        en="a `when:` or `--set` value that is not one of the interpretation's alternatives",
    ),
    "unknown-override": Text(
        zh="--set 指定了不存在的解释口径",
        en="`--set` names an interpretation the pack does not declare",
    ),
    "unused-interpretation": Text(
        zh="没有任何规则使用的解释口径", en="an interpretation no rule uses"
    ),
    "unknown-mode": Text(
        zh="解释口径的可选值不是规则能识别的取值（如 proportional）",
        en="an alternative the rule using it does not know (e.g. for `partial:`, only all_or_nothing and proportional)",
    ),
    "interpretation-kind": Text(
        zh="需要数值型（decimal）的解释口径", en="a rule needs a `decimal` interpretation"
    ),
    "rationale-without-quote": Text(
        zh="解释口径没有理由，或理由没有逐字引用文件（“……”）",
        en="an interpretation without a rationale, or whose rationale quotes nothing of the document",
    ),
    "placeholder-left": Text(
        zh="new-pack 的占位文字（“（待填写：……）”）尚未替换",
        en="a placeholder of new-pack (“（待填写：……）”) not yet replaced",
    ),
    "band-keys": Text(
        zh="等次分数线的键与解释口径的可选值不一致",
        en="the grade bands' keys differ from the interpretation's alternatives",
    ),
    # numbers
    "number-not-in-quote": Text(
        zh="数字不在其引文中，也没有说明如何得出",
        en="a number is not in its own quote and no note says how it is derived",
    ),
    "date-not-in-quote": Text(
        zh="时间节点的日期不在其引文或章节中",
        en="a milestone's date is not in its quote or section",
    ),
    "note-arithmetic": Text(zh="note 中的算式不成立", en="the arithmetic of a note does not hold"),
    # rules
    "never-applies": Text(
        zh="条件或项目的适用范围与上级规则不相交，永远不会适用",
        en="a condition or item whose filter excludes every record its rule applies to",
    ),
    "item-above-total": Text(
        zh="项目分值超过考核细则总分", en="an item worth more than its rubric's declared total"
    ),
    "adjustment-max-unreachable": Text(
        zh="加减分项目在 0–100% 内达不到其最高分",
        en="an adjustment that cannot reach its maximum within the value's range",
    ),
    "adjustment-min-unreachable": Text(
        zh="加减分项目在取值范围内达不到其最低分",
        en="an adjustment that cannot fall to its minimum within the value's range",
    ),
    "activity-penalised": Text(
        zh="活动越多得分越低（且引文未写明上限）",
        en="more of an activity scores less (and the quote states no ceiling)",
    ),
}


#: the codes of problems that stop a pack from loading (the others are found in packs that load)
LOAD_CODES: Final = frozenset(
    {
        "yaml-syntax",
        "unknown-key",
        "missing-key",
        "invalid-value",
        "invalid-rule",
        "duplicate-id",
        "unknown-interpretation",
        "document-missing",
        "rows-file",
        "quote-not-found",
        "unknown-collection",
        "unknown-field",
        "unknown-value",
        "expression",
        "unknown-reference",
    }
)


@dataclass(frozen=True)
class LintIssue:
    """One problem in a pack file: where, which rule, and what to do.

    :param code: a stable name from :data:`CODES` (e.g. ``number-not-in-quote``).
    :param path: where in the pack data, e.g. ``("rubrics", 0, "items", 2, "points")``.
    :param line: 1-based line in ``file`` (0 when the problem is not in the file, e.g. ``--set``).
    :param hint: what the author may have meant ("did you mean …").
    """

    code: str
    message: Text
    path: Path = ()
    file: str = ""
    line: int = 0
    column: int = 0
    hint: Text | None = None
    severity: Severity = "error"

    def where(self) -> str:
        """``file:line:column`` (or the file alone, or ``--set``)."""
        if self.line:
            return f"{self.file}:{self.line}:{self.column}"
        return self.file or "--set"

    def render(self, lang: Lang = "zh") -> str:
        """One line (two with a hint) for a person."""
        text = f"{self.where()}: [{self.code}] {self.message.get(lang)}"
        if self.hint is not None:
            text += f"\n    {self.hint.get(lang)}"
        return text

    def as_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity,
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "path": render_path(self.path),
            "message": self.message.model_dump(),
            "hint": self.hint.model_dump() if self.hint is not None else None,
        }


def did_you_mean(name: str, candidates: Iterable[str]) -> Text | None:
    """``您是否想写 sync_only？`` for the closest of ``candidates``, or ``None``."""
    known = sorted({str(c) for c in candidates})
    close = difflib.get_close_matches(str(name), known, n=3, cutoff=0.6)
    if not close:
        return None
    ratios = [difflib.SequenceMatcher(None, str(name), c).ratio() for c in close]
    close = [c for c, r in zip(close, ratios, strict=True) if r >= ratios[0] - 0.05]
    return Text(zh=f"您是否想写 {'、'.join(close)}？", en=f"did you mean {' or '.join(close)}?")


def choices_hint(name: str, candidates: Iterable[str]) -> Text:
    """The closest names, or else every name: for an unknown name's message."""
    known = sorted({str(c) for c in candidates})
    close = did_you_mean(name, known)
    if close is not None:
        return close
    shown = known[:12]
    more = "…" if len(known) > 12 else ""
    return Text(
        zh=f"可选：{'、'.join(shown) or '（无）'}{more}",
        en=f"known: {', '.join(shown) or '(none)'}{more}",
    )


@dataclass
class LintContext:
    """What every check reads: the definition, the record types, the document and the positions."""

    definition: Any  # PackDefinition (typed loosely: the checks read it, never build it)
    record_types: Mapping[str, type[Record]]
    yaml: YamlDocument | None = None
    document: Document | None = None
    file: str = ""
    base: FilePath | None = None
    issues: list[LintIssue] = field(default_factory=list)
    _walked: list[tuple[Path, Any]] | None = field(default=None, repr=False)

    def walk(self) -> list[tuple[Path, Any]]:
        """Every value of the definition with its path (:func:`model_walk`), walked once."""
        if self._walked is None:
            self._walked = list(model_walk(self.definition))
        return self._walked

    def position(self, path: Sequence[str | int], *, key: bool = False) -> Position:
        if self.yaml is None:
            return Position(0, 0)
        return self.yaml.locate(path, key=key)

    def written(self, path: Sequence[str | int]) -> bool:
        """Whether the file writes ``path`` (not a default); ``True`` when positions are unknown."""
        return self.yaml is None or self.yaml.has(path)

    def add(
        self,
        code: str,
        path: Sequence[str | int],
        message: Text,
        *,
        hint: Text | None = None,
        key: bool = False,
        severity: Severity = "error",
        at: Position | None = None,
    ) -> None:
        assert code in CODES, code
        where = at if at is not None else self.position(path, key=key)
        self.issues.append(
            LintIssue(
                code=code,
                message=message,
                path=tuple(path),
                file=self.file,
                line=where.line,
                column=where.column,
                hint=hint,
                severity=severity,
            )
        )


def model_walk(obj: Any, path: Path = ()) -> Iterator[tuple[Path, Any]]:
    """Every value inside a validated model, with its path (the pack file's keys)."""
    yield path, obj
    if isinstance(obj, BaseModel):
        for name in type(obj).model_fields:
            yield from model_walk(getattr(obj, name), (*path, name))
    elif isinstance(obj, list | tuple):
        for index, item in enumerate(obj):
            yield from model_walk(item, (*path, index))
    elif isinstance(obj, dict):
        for key, value in obj.items():
            yield from model_walk(value, (*path, str(key)))


# ----------------------------------------------------------------------------- quotes


def check_quotes(ctx: LintContext) -> None:
    """Every quote of the pack is in the document (white space ignored)."""
    document = ctx.document
    if document is None:
        return
    text = normalize_quote(document.text)
    for path, value in ctx.walk():
        if not isinstance(value, Source) or document.contains(value.quote):
            continue
        ctx.add(
            "quote-not-found",
            (*path, "quote"),
            Text(
                zh=f"引文不在文件全文中：{value.section}「{value.quote}」",
                en=f"the quote is not in the document's text: {value.section}「{value.quote}」",
            ),
            hint=_quote_hint(normalize_quote(value.quote), text),
        )


def _quote_hint(quote: str, text: str) -> Text | None:
    """Where a quote departs from the text: its longest beginning that the text has."""
    low, high = 0, len(quote)
    while low < high:  # the longest prefix found (finding a prefix is monotone)
        middle = (low + high + 1) // 2
        if quote[:middle] in text:
            low = middle
        else:
            high = middle - 1
    if low < 2:
        return Text(
            zh="引文开头就与全文不同：请从全文中逐字复制",
            en="the quote differs from its first characters: copy it from the text verbatim",
        )
    at = text.find(quote[:low]) + low
    printed = text[at : at + 12]
    written = quote[low : low + 12]
    return Text(
        zh=f"前 {low} 个字与全文一致；其后引文写「{written}」，全文为「{printed}」",
        en=f"the first {low} characters match; then the quote has 「{written}」, the text 「{printed}」",
    )


#: a passage a rationale quotes: “…” or 「…」, two characters at least
_QUOTED: Final = re.compile(r"[“「]([^”」]{2,})[”」]")


def check_rationales(ctx: LintContext) -> None:
    """Every interpretation says why its default was chosen, quoting the document verbatim
    (at least one “…” of its Chinese rationale is in the text): a warning, which does not
    stop a pack from loading but fails the conformance suite."""
    document = ctx.document
    for n, interp in enumerate(ctx.definition.interpretations):
        path = ("interpretations", n, "rationale")
        rationale = interp.rationale
        if rationale is None:
            ctx.add(
                "rationale-without-quote",
                ("interpretations", n, "id"),
                Text(
                    zh=f"解释口径 {interp.id} 没有写理由（rationale）",
                    en=f"the interpretation {interp.id} gives no rationale",
                ),
                hint=Text(
                    zh="写明为何取默认值，并逐字引用文件中的有关文字（“……”）",
                    en="say why the default was chosen, quoting the document's words (“…”)",
                ),
                severity="warning",
            )
            continue
        if document is None:
            continue
        quoted = _QUOTED.findall(rationale.zh)
        if any(document.contains(q) for q in quoted):
            continue
        ctx.add(
            "rationale-without-quote",
            path,
            Text(
                zh=f"解释口径 {interp.id} 的理由没有逐字引用文件"
                + (f"（所引「{quoted[0]}」不在全文中）" if quoted else ""),
                en=f"the rationale of {interp.id} quotes nothing of the document verbatim"
                + (f" (「{quoted[0]}」 is not in the text)" if quoted else ""),
            ),
            hint=Text(
                zh="在中文理由中用“……”逐字引用决定这一读法的原文",
                en="quote, within “…” in the Chinese rationale, the words the reading rests on",
            ),
            severity="warning",
        )


#: how new-pack marks a value the author still has to write (「（待填写：发文单位）」)
PLACEHOLDER: Final = "（待填写"


def check_placeholders(ctx: LintContext) -> None:
    """A value still holding new-pack's placeholder: a warning, which does not stop a pack
    from loading but fails the conformance suite."""
    for path, value in ctx.walk():
        if isinstance(value, str) and PLACEHOLDER in value:
            ctx.add(
                "placeholder-left",
                path,
                Text(zh=f"尚未填写：{value}", en=f"not filled in yet: {value}"),
                hint=Text(
                    zh="写上文件中的实际内容", en="write what the document says in its place"
                ),
                severity="warning",
            )


# ----------------------------------------------------------------------------- running


def lint_definition(
    definition: Any,
    record_types: Mapping[str, type[Record]] | None = None,
    *,
    yaml_document: YamlDocument | None = None,
    document: Document | None = None,
    file: str = "",
    base: FilePath | None = None,
    overrides: Mapping[str, str] | None = None,
) -> list[LintIssue]:
    """Every problem of a pack definition that validated (stage 2 and the name checks).

    :param definition: a :class:`~pairing_rules.PackDefinition`.
    :param record_types: record types beyond the core ones (a pack's own).
    :param yaml_document: the parsed file, for positions (without it, ``line`` is 0).
    :param document: the document's text, for the quote checks.
    :param overrides: ``--set`` values to check against the interpretations.
    """
    from . import _lint_names, _lint_numbers, _lint_rules

    ctx = LintContext(
        definition=definition,
        record_types={**CORE_RECORD_TYPES, **(record_types or {})},
        yaml=yaml_document,
        document=document,
        file=file,
        base=base,
    )
    check_quotes(ctx)
    check_rationales(ctx)
    check_placeholders(ctx)
    _lint_names.run(ctx, overrides or {})
    _lint_numbers.run(ctx)
    _lint_rules.run(ctx)
    return sorted(ctx.issues, key=_order)


def _order(issue: LintIssue) -> tuple[int, int, str]:
    return (issue.line, issue.column, issue.code)


def lint_text(
    text: str,
    *,
    file: str = "pack.yaml",
    base: FilePath | None = None,
    record_types: Mapping[str, type[Record]] | None = None,
    overrides: Mapping[str, str] | None = None,
    document_text: str | None = None,
) -> list[LintIssue]:
    """Every problem of the pack file ``text`` (``base``: its folder, for the document and tables)."""
    from ._lint_load import load_definition

    loaded = load_definition(
        text, file=file, base=base, record_types=record_types, document_text=document_text
    )
    if loaded.definition is None:
        return sorted(_unique(loaded.issues), key=_order)
    issues = loaded.issues + lint_definition(
        loaded.definition,
        {**loaded.record_types, **(record_types or {})},
        yaml_document=loaded.yaml,
        document=loaded.document,
        file=file,
        base=base,
        overrides=overrides,
    )
    return sorted(_unique(issues), key=_order)


def _unique(issues: Iterable[LintIssue]) -> list[LintIssue]:
    return list(dict.fromkeys(issues))


def load_errors_with_positions(
    text: str,
    *,
    file: str = "pack.yaml",
    error: BaseException | None = None,
    base: FilePath | None = None,
    record_types: Mapping[str, type[Record]] | None = None,
) -> list[LintIssue]:
    """A load failure as positioned, bilingual problems.

    Call it where a pack fails to load: with the pack file's ``text`` and the
    ``error`` that ended the load (a :class:`yaml.YAMLError`, a pydantic
    :class:`~pydantic.ValidationError`, or a :class:`~pairing_rules.PackError`
    raised from one or by the checks after validation).  With ``base`` (the
    pack file's folder) the document and the tables are read too, so that a
    quote missing from the text, an unknown field or collection is found; the
    result is then every problem that stops the pack from loading
    (:data:`LOAD_CODES`).
    """
    from ._lint_load import issues_from_error

    cause: BaseException | None = error
    while cause is not None and not isinstance(cause, ValidationError | _yaml_error()):
        cause = cause.__cause__ or cause.__context__
    if cause is not None:
        found = issues_from_error(text, cause, file=file)
        if found:
            return found
    issues = lint_text(text, file=file, base=base, record_types=record_types)
    return [i for i in issues if i.code in LOAD_CODES]


def _yaml_error() -> type[Exception]:
    import yaml

    return yaml.YAMLError


def lint_pack(pack: Any, *, overrides: Mapping[str, str] | None = None) -> list[LintIssue]:
    """Every problem of a loaded :class:`~pairing_rules.Pack` (for the conformance suite).

    Positions come from the pack's file when it was loaded from one.
    """
    yaml_document = None
    file = ""
    if pack.file is not None:
        file = str(pack.file)
        try:
            yaml_document = YamlDocument(FilePath(pack.file).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            yaml_document = None
    return lint_definition(
        pack.definition,
        pack.record_types,
        yaml_document=yaml_document,
        document=pack.document,
        file=file,
        base=pack.path,
        overrides=overrides,
    )


def load_problems(pack: Any) -> list[LintIssue]:
    """The errors (not the warnings) of a pack that was just built, for the loader.

    Checked without positions first (parsing the file again for its line
    numbers costs more than the checks); only a pack with problems is checked
    again with them.
    """
    found = lint_definition(
        pack.definition, pack.record_types, document=pack.document, base=pack.path
    )
    if not any(i.severity == "error" for i in found):
        return []
    return [i for i in lint_pack(pack) if i.severity == "error"]
