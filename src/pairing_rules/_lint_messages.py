"""The Chinese for the English messages of PyYAML, pydantic and the pack models' own rules.

Lint shows every load error in Chinese and English; the English is the
library's own message, the Chinese comes from these tables (a message not
listed here is shown with a generic Chinese lead and the English text), and
how a value of the pack file is shown in them: as the author writes it, never
as a Python value.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Final

from ._i18n import Text

YAML_PROBLEMS: Final = (
    (
        r"mapping values are not allowed here",
        "此处不能出现“键: 值”（常因冒号后缺空格、缩进不齐或值中含未加引号的冒号）",
    ),
    (r"could not find expected ':'", "找不到应有的冒号“:”"),
    (r"found character '\\t' that cannot start any token", "不能用制表符缩进，请改用空格"),
    (r"found undefined alias", "引用了未定义的锚点"),
    (r"expected ',' or '\}'", "花括号 { } 内缺少逗号或右括号（值中含 ? : , 时请加引号）"),
    (r"expected ',' or '\]'", "方括号 [ ] 内缺少逗号或右括号"),
    (r"did not find expected key", "缩进不齐：找不到应有的键"),
    (r"did not find expected '-' indicator", "缩进不齐：列表项应以 - 开头"),
    (r"found unexpected end of stream", "文件意外结束（引号或括号未闭合）"),
    (
        r"found unknown escape character",
        "双引号字符串中有未知的转义符（反斜杠请写成 \\\\ 或改用单引号）",
    ),
    (r"while scanning a quoted scalar", "引号未闭合"),
)


TYPE_MESSAGES: Final[dict[str, tuple[str, str]]] = {
    "string_type": ("应为文字", "should be text"),
    "int_type": ("应为整数", "should be a whole number"),
    "int_parsing": ("应为整数", "should be a whole number"),
    "int_from_float": ("应为整数", "should be a whole number"),
    "decimal_type": ("应为数字", "should be a number"),
    "decimal_parsing": ("应为数字", "should be a number"),
    "float_type": ("应为数字", "should be a number"),
    "float_parsing": ("应为数字", "should be a number"),
    "bool_type": ("应为是/否（true 或 false）", "should be true or false"),
    "bool_parsing": ("应为是/否（true 或 false）", "should be true or false"),
    "list_type": ("应为列表（- 开头的各项，或 [ ]）", "should be a list"),
    "dict_type": ("应为映射（键: 值）", "should be a mapping (key: value)"),
    "model_type": ("应为映射（键: 值）", "should be a mapping (key: value)"),
    "model_attributes_type": ("应为映射（键: 值）", "should be a mapping (key: value)"),
    "date_type": ("应为日期 YYYY-MM-DD", "should be a date YYYY-MM-DD"),
    "date_parsing": ("应为日期 YYYY-MM-DD", "should be a date YYYY-MM-DD"),
    "date_from_datetime_parsing": ("应为日期 YYYY-MM-DD", "should be a date YYYY-MM-DD"),
    "date_from_datetime_inexact": ("应为日期 YYYY-MM-DD", "should be a date YYYY-MM-DD"),
    "string_too_short": ("不能为空", "must not be empty"),
    "too_short": ("项数不足", "has too few entries"),
}

#: messages of the models' own validators, in Chinese; ``key`` is the key they concern
RULE_MESSAGES: Final[tuple[tuple[str, str, str | None], ...]] = (
    (
        r"a condition has either `value` \(numeric\) or `field` \(flag\)",
        "条件二选一：数值条件写 value，是否条件写 field",
        None,
    ),
    (
        r"a numeric condition needs `at_least` or `at_most`",
        "数值条件需要 at_least 或 at_most",
        None,
    ),
    (r"a flag condition needs `equals`", "是否条件需要 equals", None),
    (r"unknown operator '(.*)'; known: (.*)", "未知运算符 {0}；可用的运算符：{1}", None),
    (r"(\w+) takes exactly two expressions", "{0} 需要恰好两个表达式", None),
    (r"(\w+) takes a list of expressions", "{0} 需要一个表达式列表", None),
    (r"count takes a field name, got (.*)", "count 只接受一个字段名，收到 {0}", None),
    (r"not a field name or a number: (.*)", "不是字段名，也不是数字：{0}", None),
    (r"a yes/no value is not an expression: (.*)", "是/否值 {0} 不是表达式", None),
    (r"an empty value is not an expression", "空值不是表达式", None),
    (r"not an expression: (.*)", "不是表达式：{0}", None),
    (
        r"item (\S+): base (\S+) exceeds maximum (\S+)",
        "项目 {0} 的基本分 {1} 超过了它的分值 {2}",
        "base",
    ),
    (
        r"grade bands '(.*)': need (\d+) minimums",
        "等次分数线 {0} 需要 {1} 个下限（等次数减一）",
        "bands",
    ),
    (
        r"grade bands '(.*)': minimums must fall strictly",
        "等次分数线 {0} 的下限须从高到低严格递减",
        "bands",
    ),
    (
        r"grade bands without an interpretation are keyed 'document'",
        "没有 interpretation 的等次分数线只能以 document 为键",
        "bands",
    ),
    (r"rubric (\S+): duplicate item ids", "考核细则 {0} 中有重复的项目编号", "items"),
    (
        r"rubric (\S+): veto (\S+) caps at unknown grade (\S+)",
        "考核细则 {0} 的否决 {1} 限定到不存在的等次 {2}",
        None,
    ),
    (
        r"interpretation (\S+): duplicate alternative values",
        "解释口径 {0} 的可选值重复",
        "alternatives",
    ),
    (
        r"interpretation (\S+): default '(.*)' not among (.*)",
        "解释口径 {0} 的默认值 {1} 不在可选值 {2} 中",
        "default",
    ),
    (
        r"(\S+): count_distinct needs `distinct` fields",
        "{0}：count_distinct 需要 distinct 字段",
        None,
    ),
    (
        r"(\S+): count_distinct needs `at_least` or `quota`",
        "{0}：count_distinct 需要 at_least 或 quota",
        None,
    ),
    (r"(\S+): a share needs `where`", "{0}：share 需要 where", None),
    (
        r"(\S+): a share needs `at_least`, `at_most` or `about`",
        "{0}：share 需要 at_least、at_most 或 about",
        None,
    ),
    (
        r"(\S+): `about` needs a `tolerance` interpretation",
        "{0}：about 需要 tolerance 解释口径",
        "about",
    ),
    (r"(\S+): a rate needs `where`", "{0}：rate 需要 where", None),
    (
        r"a formula has either `rounding` or `rounding_interpretation`",
        "公式须二选一：rounding 或 rounding_interpretation",
        None,
    ),
    (
        r"milestone (\S+): give exactly one of `due` and `month`",
        "时间节点 {0}：due 与 month 须恰好写一个",
        None,
    ),
    (r"table (\S+) row (\d+): unknown columns (.*)", "表 {0} 第 {1} 行有未定义的列 {2}", "rows"),
    (
        r"recount by one of `distinct`, `sum` or `union`",
        "复核方式只能是 distinct、sum、union 之一",
        None,
    ),
    (r"quote is blank", "引文为空", None),
    (r"(\S+): duplicate ids \[(.*)\]", "{0} 中有重复的编号 {1}", None),
    (r"rules name undeclared interpretations \[(.*)\]", "规则引用了未声明的解释口径 {0}", None),
)


def shown(value: object, written: str | None = None) -> Text:
    """A value of the pack file for a message, as its author reads it: never a Python value.

    ``None`` is "empty", ``True`` is ``true``, a text is in single quotes (as written, with
    none of ``repr``'s escapes or double quotes), a mapping or a list is named, not dumped.

    :param written: the scalar as the file writes it (``2.10`` for the number 2.1), where known.
    """
    if value is None:
        return Text(zh="空值", en="an empty value")
    if isinstance(value, dict):
        return Text(zh="映射", en="a mapping")
    if isinstance(value, list | tuple):
        return Text(zh="列表", en="a list")
    if isinstance(value, str):
        text = f"'{value}'"
    elif written is not None:
        text = written
    elif isinstance(value, bool):
        text = "true" if value else "false"
    else:
        text = str(value)
    text = text if len(text) <= 40 else text[:39] + "…"
    return Text(zh=text, en=text)


def version_message(raw: Any, value: Text) -> Text:
    """The pack's ``version`` is not a text ``MAJOR.MINOR.PATCH``: what to write instead."""
    number = isinstance(raw, int | float | Decimal) and not isinstance(raw, bool)
    parts = value.zh.strip("'").split(".") if number or isinstance(raw, str) else []
    example = "0.1.0"
    if parts and all(p.isdigit() for p in parts) and len(parts) <= 3:
        example = ".".join([*parts, "0", "0"][:3])
    how_zh = f'请写作“主.次.修”三段并加引号，如 "{example}"'
    how_en = f'write it as "MAJOR.MINOR.PATCH" in quotes, such as "{example}"'
    if raw is None:
        return Text(zh=f"版本号为空：{how_zh}", en=f"the version is empty: {how_en}")
    if number:
        return Text(
            zh=f"版本号 {value.zh} 不加引号是数字，不是版本号：{how_zh}",
            en=f"the version {value.en} unquoted is a number, not a version: {how_en}",
        )
    return Text(
        zh=f'版本号应为“主.次.修”三段，如 "{example}"，实为{spaced(value.zh)}',
        en=f'the version should be MAJOR.MINOR.PATCH, such as "{example}", got {value.en}',
    )


def spaced(text: str) -> str:
    """``text`` after a Chinese word: with a space before it where it starts with a Latin letter or digit."""
    return f" {text}" if text[:1].isascii() else text
