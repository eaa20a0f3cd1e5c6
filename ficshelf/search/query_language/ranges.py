"""Counts and dates: ``words>1000``, ``1k-5k``, ``2024-01``, ``<"2 weeks ago"`` and the like."""

from __future__ import annotations

import calendar
import datetime
import re

from ficshelf.search.query import DateRange, IntRange
from ficshelf.search.query_language.vocabulary import MAX_COUNT, MAX_PERIOD_AMOUNT

# --- Counts -----------------------------------------------------------------------------------

GROUPED_DIGITS = re.compile(r"\d{1,3}(?:[,.' _]\d{3})+")
RANGE_OPERATOR = re.compile(r"(>=|=>|<=|=<|>|<|=)?\s*(.*)", re.DOTALL)
BRACKETED = re.compile(r"[\[{]\s*(\S+)\s+to\s+(\S+)\s*[\]}]", re.IGNORECASE)


def _parse_int(text: str) -> int | None:
    text = text.strip().lower()
    multiplier = 1
    if text.endswith("k"):
        text, multiplier = text[:-1].strip(), 1000
    if GROUPED_DIGITS.fullmatch(text) and not (multiplier > 1 and "." in text):
        text = re.sub(r"\D", "", text)
    if not re.fullmatch(r"\d+(?:\.\d*)?", text):
        return None
    whole, _, fraction = text.partition(".")
    whole = whole.lstrip("0") or "0"
    if len(whole) > 13:  # int() refuses very long digit strings; these are absurd anyway
        return MAX_COUNT
    number = int(whole) * multiplier + int((fraction[:3] or "0").ljust(3, "0")) * multiplier // 1000
    return min(number, MAX_COUNT)


def parse_int_range(value: str) -> IntRange | None:
    bracketed = BRACKETED.fullmatch(value.strip())
    if bracketed:
        low = None if bracketed.group(1) == "*" else _parse_int(bracketed.group(1))
        high = None if bracketed.group(2) == "*" else _parse_int(bracketed.group(2))
        if (low is None and bracketed.group(1) != "*") or (
            high is None and bracketed.group(2) != "*"
        ):
            return None
        return _ordered_counts(low, high)
    match = RANGE_OPERATOR.fullmatch(value.strip())
    if not match:
        return None
    operator, body = match.group(1) or "=", match.group(2).strip()
    number = _parse_int(body)
    if number is not None:
        if operator == ">":
            return IntRange(low=min(number + 1, MAX_COUNT))
        if operator in (">=", "=>"):
            return IntRange(low=number)
        if operator == "<":
            return IntRange(high=max(number - 1, 0))
        if operator in ("<=", "=<"):
            return IntRange(high=number)
        return IntRange(low=number, high=number)
    if operator != "=":
        return None
    parts = re.fullmatch(r"([^-]*?)\s*(?:-|\.\.|\bto\b)\s*([^-]*)", body, re.IGNORECASE)
    if not parts:
        return None
    low_text, high_text = parts.group(1), parts.group(2)
    low = _parse_int(low_text) if low_text else None
    high = _parse_int(high_text) if high_text else None
    if (low_text and low is None) or (high_text and high is None) or (low is None and high is None):
        return None
    return _ordered_counts(low, high)


def _ordered_counts(low: int | None, high: int | None) -> IntRange:
    if low is not None and high is not None and low > high:
        low, high = high, low
    return IntRange(low=low, high=high)


def narrow_counts(old: IntRange, new: IntRange) -> IntRange:
    lows = [n for n in (old.low, new.low) if n is not None]
    highs = [n for n in (old.high, new.high) if n is not None]
    return IntRange(low=max(lows) if lows else None, high=min(highs) if highs else None)


# --- Dates ------------------------------------------------------------------------------------

AGO = re.compile(r"(\d+)(?:\s*-\s*(\d+))?\s*(hour|day|week|month|year)s?(?:\s+ago)?", re.IGNORECASE)
CALENDAR_DATE = re.compile(r"(\d{4})(?:[-/](\d{1,2})(?:[-/](\d{1,2}))?)?")
FULL_DATE = r"\d{4}[-/]\d{1,2}[-/]\d{1,2}"
DATE_SPAN = re.compile(
    rf"({FULL_DATE})\s*-\s*({FULL_DATE})|(\d{{4}})\s*-\s*(\d{{4}})|(\S+?)\s*(?:\.\.|\s+to\s+)\s*(\S+)",
    re.IGNORECASE,
)


def _safe_date(year: int, month: int, day: int) -> datetime.date | None:
    if not (1 <= year <= 9999 and 1 <= month <= 12):
        return None
    if not 1 <= day <= calendar.monthrange(year, month)[1]:
        return None
    return datetime.date(year, month, day)


def _shift(day: datetime.date, days: int) -> datetime.date:
    try:
        return day + datetime.timedelta(days=days)
    except OverflowError:
        return datetime.date.max if days > 0 else datetime.date.min


def _calendar_span(text: str) -> tuple[datetime.date, datetime.date] | None:
    match = CALENDAR_DATE.fullmatch(text.strip())
    if not match:
        return None
    year = int(match.group(1))
    if match.group(3):
        day = _safe_date(year, int(match.group(2)), int(match.group(3)))
        return (day, day) if day else None
    if match.group(2):
        first = _safe_date(year, int(match.group(2)), 1)
        if first is None:
            return None
        return first, first.replace(day=calendar.monthrange(year, first.month)[1])
    first = _safe_date(year, 1, 1)
    return (first, first.replace(month=12, day=31)) if first else None


def _months_back(today: datetime.date, months: int) -> datetime.date:
    index = today.year * 12 + today.month - 1 - months
    year, month = divmod(index, 12)
    if year < 1:
        return datetime.date.min
    return datetime.date(year, month + 1, min(today.day, calendar.monthrange(year, month + 1)[1]))


def _parse_amount(digits: str) -> int:
    return MAX_PERIOD_AMOUNT if len(digits) > 6 else min(int(digits), MAX_PERIOD_AMOUNT)


def _ago(today: datetime.date, amount: int, unit: str) -> datetime.date:
    amount = min(amount, MAX_PERIOD_AMOUNT)
    if unit == "hour":
        return _shift(today, -((amount + 23) // 24))
    if unit == "day":
        return _shift(today, -amount)
    if unit == "week":
        return _shift(today, -7 * amount)
    return _months_back(today, amount * (12 if unit == "year" else 1))


def _period_containing(day: datetime.date, unit: str) -> DateRange:
    if unit == "week":
        monday = _shift(day, -day.weekday())
        return DateRange(since=monday, until=_shift(monday, 6))
    if unit == "month":
        last = calendar.monthrange(day.year, day.month)[1]
        return DateRange(since=day.replace(day=1), until=day.replace(day=last))
    if unit == "year":
        return DateRange(since=day.replace(month=1, day=1), until=day.replace(month=12, day=31))
    return DateRange(since=day, until=day)


def parse_date_range(value: str, today: datetime.date) -> DateRange | None:
    value = " ".join(value.split())
    bracketed = BRACKETED.fullmatch(value)
    if bracketed:
        return _date_span(bracketed.group(1), bracketed.group(2), today)
    match = RANGE_OPERATOR.fullmatch(value)
    if not match:
        return None
    operator, body = match.group(1) or "=", match.group(2).strip()
    ago = AGO.fullmatch(body)
    if ago:
        amount, unit = _parse_amount(ago.group(1)), ago.group(3).lower()
        cutoff = _ago(today, amount, unit)
        if ago.group(2) is not None:
            if operator != "=":
                return None
            other = _ago(today, _parse_amount(ago.group(2)), unit)
            return DateRange(since=min(cutoff, other), until=max(cutoff, other))
        if operator == "<":
            return DateRange(since=cutoff)
        if operator in ("<=", "=<"):
            return DateRange(since=cutoff)
        if operator == ">":
            return DateRange(until=_shift(cutoff, -1))
        if operator in (">=", "=>"):
            return DateRange(until=cutoff)
        return _period_containing(cutoff, unit)
    span = _calendar_span(body)
    if span:
        first, last = span
        if operator == "<":
            return DateRange(until=_shift(first, -1))
        if operator in ("<=", "=<"):
            return DateRange(until=last)
        if operator == ">":
            return DateRange(since=_shift(last, 1))
        if operator in (">=", "=>"):
            return DateRange(since=first)
        return DateRange(since=first, until=last)
    if operator != "=":
        return None
    between = DATE_SPAN.fullmatch(body)
    if between:
        groups = [g for g in between.groups() if g is not None]
        return _date_span(groups[0], groups[1], today)
    return None


def _date_span(start: str, end: str, today: datetime.date) -> DateRange | None:
    first = None if start == "*" else _calendar_span(start)
    last = None if end == "*" else _calendar_span(end)
    if (first is None and start != "*") or (last is None and end != "*"):
        return None
    since = first[0] if first else None
    until = last[1] if last else None
    if since is not None and until is not None and since > until:
        since, until = (last[0] if last else None), (first[1] if first else None)
    return DateRange(since=since, until=until)


def narrow_dates(old: DateRange, new: DateRange) -> DateRange:
    sinces = [d for d in (old.since, new.since) if d is not None]
    untils = [d for d in (old.until, new.until) if d is not None]
    return DateRange(since=max(sinces) if sinces else None, until=min(untils) if untils else None)
