"""How figures are written in the prose users read (critiques, reasons, plans).

One rule, kept in one place so every layer writes a signed figure the same way: a
signed figure always carries its sign, and a negative one a true minus (U+2212), as
Lightroom's panels and typeset photography texts print it — "Exposure −0.50 EV", not
"-0.50".
"""

from __future__ import annotations

__all__ = ["MINUS", "signed"]

#: The minus sign (U+2212) a negative figure is written with.
MINUS = "\N{MINUS SIGN}"


def signed(value: float, unit: str = "", decimals: int | None = 0) -> str:
    """``value`` with its sign and a true minus: ``signed(-0.5, " EV", 2)`` → "−0.50 EV".

    Args:
        value: the figure, any unit.
        unit: appended as given (include its leading space, e.g. " EV", "°").
        decimals: digits after the point; ``None`` for the shortest form (``format``'s
            ``g``: 0.37 → "+0.37", 12.0 → "+12").
    """
    spec = "+g" if decimals is None else f"+.{decimals}f"
    return f"{value:{spec}}".replace("-", MINUS) + unit  # the unit as given: "f-stops"
