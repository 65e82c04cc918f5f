"""Fees: the money of a transfer, in every shape Italian journalism writes it.

Owns `find_fees(text, start, end)`, which returns the transfer-fee amounts stated in a
span of text (a clause), each with the fee range when one is given:

- "20 milioni di euro", "20 mln", "€20m", "20 milioni", "1,5 milioni", "800mila euro"
- "18 milioni più 2 di bonus" -> 20,000,000 (fixed part plus bonuses: the total)
- "30 milioni complessivi, bonus compresi" -> 30,000,000
- "prestito con diritto di riscatto a 15 milioni" -> 15,000,000 (the option is the fee)
- "parametro zero", "svincolato", "a costo zero" -> 0
- "tra i 25 e i 30 milioni", "25-30 milioni" -> fee 25,000,000, max 30,000,000. We keep
  the low end as the fee: it is the figure the article actually commits to, and the high
  end is kept in `fee_max_eur`.

Amounts that are not the transfer fee are skipped by their context: salaries
("ingaggio", "netti a stagione"), release clauses ("clausola"), balancing payments
("conguaglio"), and history ("lo aveva pagato 30 milioni", "ceduto nel 2019 per 80").
Which player a fee belongs to is decided by the caller (the clause's player in focus).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..text import alternation
from .sentences import fold


def _italian_numbers() -> dict[str, float]:
    """The Italian words of the numbers a fee is written with, 1 to 199, compounds
    included ("diciannove", "ventitré", "trentotto", "centoventi"), and "mezzo"."""
    units = ["", "uno", "due", "tre", "quattro", "cinque", "sei", "sette", "otto", "nove"]
    teens = ["dieci", "undici", "dodici", "tredici", "quattordici", "quindici", "sedici",
             "diciassette", "diciotto", "diciannove"]
    tens = {20: "venti", 30: "trenta", 40: "quaranta", 50: "cinquanta", 60: "sessanta",
            70: "settanta", 80: "ottanta", 90: "novanta"}
    words: dict[str, float] = {w: n for n, w in enumerate(units) if w}
    words.update({w: 10 + n for n, w in enumerate(teens)})
    for ten, word in tens.items():
        words[word] = ten
        for n, unit in enumerate(units[1:], start=1):
            # the tens drop their vowel before "uno" and "otto": ventuno, trentotto
            stem = word[:-1] if unit[0] in "uo" else word
            words[stem + unit] = ten + n
            if unit == "tre":
                words[stem + "tré"] = ten + n
    for word, value in list(words.items()):
        words["cento" + word] = 100 + value  # centocinquanta
    words.update({"cento": 100, "un": 1, "mezzo": 0.5})
    return words


_NUMBER_WORDS = _italian_numbers()
# a number in figures, or in words as a whole word: "diciannove milioni" is 19, and holds
# no "nove milioni" (9)
_NUM = r"(\d+(?:[.,]\d+)?|\b" + alternation(_NUMBER_WORDS) + r"\b)"
_MILLION = r"(?:milioni|milione|mln|mil\.|mio|million|millions|m\b|mn\b)"
_THOUSAND = r"(?:mila|k\b)"

# "€20m", "€ 20 milioni", "20 milioni di euro", "20mln", "800mila euro"
_AMOUNT = re.compile(
    rf"(?:€\s*)?(?:(?:tra|fra|dai|dagli|da)\s+(?:i\s+|gli\s+)?{_NUM}\s*(?:{_MILLION}\s*)?(?:e|ai|agli|a)\s+(?:i\s+|gli\s+)?"
    rf"|{_NUM}\s*[-–/]\s*)?{_NUM}\s*(?:({_MILLION})|({_THOUSAND}))(?:\s+di)?(?:\s+(?:euro|€))?",
    re.IGNORECASE,
)
# What every amount above ends with: a number and its unit. Cheaper to look for than the
# whole amount (whose optional opening is tried at every character): no unit, no amount.
_UNIT_AMOUNT = re.compile(rf"{_NUM}\s*(?:{_MILLION}|{_THOUSAND})", re.IGNORECASE)
# And what that ends with: its unit alone, cheaper still (a sentence without "milioni",
# "mln", "mila"... names no amount), looked for first.
_UNIT = re.compile(rf"{_MILLION}|{_THOUSAND}", re.IGNORECASE)
_BONUS = re.compile(
    rf"(?:\s+(?:di\s+)?(?:euro\s+)?(?:di\s+parte\s+fissa|fissi|di\s+base|più\s+)?)?[\s,]*(?:più|\+|e|oltre(?:\s+a)?)\s+"
    rf"{_NUM}\s*(?:{_MILLION})?\s*(?:di\s+)?(?:euro\s+)?(?:di\s+)?(?:bonus|variabili|premi)",
    re.IGNORECASE,
)
# A bare number after an amount in the same sentence, in a list of valuations:
# "l'olandese valutato 30 milioni, Éderson circa 20".
_ELLIPTIC = re.compile(
    r"(?:circa|intorno ai|sui|attorno ai)\s+(\d{1,3}(?:[.,]\d+)?)(?!\s*(?:%|"
    r"anni|minuti|gol|giorni|presenze|\w))",
    re.IGNORECASE,
)
_FREE = re.compile(
    r"\b(?:a\s+)?parametro\s+zero\b|\bsvincolat[oaie]\b|\ba\s+costo\s+zero\b|\bfree\s+transfer\b",
    re.IGNORECASE,
)

# Context that makes an amount something other than a transfer fee.
_NOT_A_FEE = re.compile(
    r"ingaggio|stipendi|a\s+stagione|all'anno|l'anno|annu[ io]|netti|lordi|percepi|guadagn|"
    r"clausola|rescissoria|conguaglio|la\s+differenza|commission|percentuale|%|fatturato|"
    r"monte\s+ingaggi|budget|tetto|bilancio|plusvalenza|minusvalenza|debit|ricav|"
    r"aveva\s+pagato|l'aveva|lo\s+aveva|pagato|speso|spesa|costato|sborsat|"
    r"\bnel\s+(?:19|20)\d\d|\b(?:19|20)\d\d\b[^.]*\bper\b|\bestati?\s+fa\b|\banni\s+fa\b|in\s+passato",
    re.IGNORECASE,
)
_FREE_NOT = re.compile(
    r"perder|rischi|scadenza|arrivat|prelevat|pres[oa]\b|nel\s+(?:19|20)\d\d|estate\s+del",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Fee:
    start: int
    end: int
    eur: int
    max_eur: int | None = None


def _value(token: str) -> float:
    t = fold(token)
    if t in _NUMBER_WORDS:
        return float(_NUMBER_WORDS[t])
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+", t):  # 1.500 is a thousands separator
        return float(t.replace(".", ""))
    return float(t.replace(",", "."))


def _scale(m: re.Match[str]) -> int:
    return 1_000_000 if m.group(4) else 1_000


def find_fees(text: str, start: int = 0, end: int | None = None) -> list[Fee]:
    """Transfer-fee amounts stated in text[start:end], in order."""
    end = len(text) if end is None else end
    span = text[start:end]
    fees: list[Fee] = []
    last_unit: int | None = None
    stated = _UNIT.search(span) and _UNIT_AMOUNT.search(span)
    for m in _AMOUNT.finditer(span) if stated else ():
        low_token = m.group(1) or m.group(2)
        scale = _scale(m)
        amount = _value(m.group(3)) * scale
        if amount < 50_000 or not _is_fee_context(span, m.start(), m.end()):
            last_unit = scale
            continue
        low = _value(low_token) * scale if low_token else None
        bonus = _BONUS.match(span, m.end())
        stop = m.end()
        total = amount
        if bonus:
            total += _value(bonus.group(1)) * (
                scale if not re.search(r"mila|k\b", bonus.group(0)) else 1_000
            )
            stop = bonus.end()
        if low is not None and low < amount:
            fees.append(Fee(start + m.start(), start + stop, int(round(low)), int(round(total))))
        else:
            fees.append(Fee(start + m.start(), start + stop, int(round(total))))
        last_unit = scale
    if last_unit == 1_000_000:
        taken = [(f.start - start, f.end - start) for f in fees]
        for m in _ELLIPTIC.finditer(span):
            if any(a <= m.start() < b for a, b in taken) or not fees:
                continue
            if m.start() > fees[0].end - start and _is_fee_context(span, m.start(), m.end()):
                fees.append(
                    Fee(start + m.start(), start + m.end(), int(_value(m.group(1)) * 1_000_000))
                )
    for m in _FREE.finditer(span):
        window = span[max(0, m.start() - 50) : m.end() + 40]
        if not _FREE_NOT.search(window):
            fees.append(Fee(start + m.start(), start + m.end(), 0))
    return sorted(fees, key=lambda f: f.start)


def _is_fee_context(span: str, a: int, b: int) -> bool:
    # the words around the number decide: "3 milioni netti a stagione" is a salary
    window = span[max(0, a - 45) : b + 30]
    return not _NOT_A_FEE.search(window)
