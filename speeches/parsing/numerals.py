"""Chinese numerals and numbers, through cn2an, which is imported on first use.

cn2an builds its tables when imported (about a fifth of a second); every process that loads the
archive's models reaches this package, and most (a web request, a command that queues an import)
never read a numeral.
"""

from __future__ import annotations

from functools import cache


@cache
def _cn2an():
    import cn2an

    return cn2an


def to_number(text: str, mode: str = "strict") -> int | float:
    """一百二十 -> 120 (cn2an.cn2an); ValueError when the text is no numeral in that mode."""
    return _cn2an().cn2an(text, mode)


def to_numeral(number: int, mode: str = "low") -> str:
    """120 -> 一百二十 (cn2an.an2cn); mode "up" writes 壹佰贰拾."""
    return _cn2an().an2cn(number, mode)
