"""Chinese numerals written independently of the parser, for tests."""

from __future__ import annotations

_DIGITS = "零一二三四五六七八九"


def below_10000(n: int, *, leading_ten: bool = False) -> str:
    """``n`` (1..9999) in Chinese numerals, written independently of the parser.

    一千零五, 二百一十, 十五 (一十五 with ``leading_ten``, as after 零: 一万零一十五).
    """
    parts: list[str] = []
    zero = False
    for unit, name in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = n // unit % 10
        if digit == 0:
            zero = bool(parts)
            continue
        if zero:
            parts.append("零")
            zero = False
        parts.append(_DIGITS[digit] + name)
    text = "".join(parts)
    return text[1:] if text.startswith("一十") and not leading_ten else text


def chinese(n: int) -> str:
    """``n`` (1..99,999,999) in Chinese numerals, with 万: 二十四万零三百, 一万零一十五."""
    high, low = divmod(n, 10_000)
    if not high:
        return below_10000(low)
    text = below_10000(high) + "万"
    if low:
        text += ("零" if low < 1000 else "") + below_10000(low, leading_ten=True)
    return text
