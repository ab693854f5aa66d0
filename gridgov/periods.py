"""Reporting periods: ISO weeks, months, quarters and half-years as [start, end) intervals."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

KINDS = ("week", "month", "quarter", "half")

_PATTERNS = {
    "week": re.compile(r"^(\d{4})-W(\d{1,2})$"),
    "month": re.compile(r"^(\d{4})-(\d{1,2})$"),
    "quarter": re.compile(r"^(\d{4})-Q([1-4])$"),
    "half": re.compile(r"^(\d{4})-H([12])$"),
}


@dataclass(frozen=True)
class Period:
    kind: str
    year: int
    number: int  # ISO week, month, quarter or half

    @property
    def label(self) -> str:
        if self.kind == "week":
            return f"{self.year}-W{self.number:02d}"
        if self.kind == "month":
            return f"{self.year}-{self.number:02d}"
        return f"{self.year}-{'Q' if self.kind == 'quarter' else 'H'}{self.number}"

    @property
    def start(self) -> datetime:
        if self.kind == "week":
            return datetime.combine(date.fromisocalendar(self.year, self.number, 1), datetime.min.time())
        month = {"month": self.number, "quarter": 3 * self.number - 2, "half": 6 * self.number - 5}[self.kind]
        return datetime(self.year, month, 1)

    @property
    def end(self) -> datetime:
        """Exclusive end: the start of the next period."""
        return self.shift(1).start

    def shift(self, n: int) -> "Period":
        if self.kind == "week":
            d = date.fromisocalendar(self.year, self.number, 1) + timedelta(weeks=n)
            y, w, _ = d.isocalendar()
            return Period("week", y, w)
        per_year = {"month": 12, "quarter": 4, "half": 2}[self.kind]
        index = self.year * per_year + (self.number - 1) + n
        return Period(self.kind, index // per_year, index % per_year + 1)

    def previous(self) -> "Period":
        """The period before (环比)."""
        return self.shift(-1)

    def year_ago(self) -> "Period":
        """The same period a year earlier (同比); week 53 maps to week 52."""
        if self.kind == "week":
            weeks = date(self.year - 1, 12, 28).isocalendar()[1]
            return Period("week", self.year - 1, min(self.number, weeks))
        return Period(self.kind, self.year - 1, self.number)

    def title(self, lang: str = "zh") -> str:
        if lang == "zh":
            s, e = self.start, self.end - timedelta(days=1)
            if self.kind == "week":
                return f"{self.year}年第{self.number}周（{s:%m月%d日}—{e:%m月%d日}）"
            if self.kind == "month":
                return f"{self.year}年{self.number}月"
            if self.kind == "quarter":
                return f"{self.year}年第{'一二三四'[self.number - 1]}季度"
            return f"{self.year}年{'上' if self.number == 1 else '下'}半年"
        if self.kind == "week":
            return f"{self.label} ({self.start:%d %b} – {self.end - timedelta(days=1):%d %b %Y})"
        return self.label


def parse(kind: str, text: str) -> Period:
    """Parse e.g. ('week', '2026-W46'); raises ValueError with the expected form."""
    if kind not in _PATTERNS:
        raise ValueError(f"unknown period kind {kind!r}; expected one of {', '.join(KINDS)}")
    m = _PATTERNS[kind].match(text.strip())
    examples = {"week": "2026-W46", "month": "2026-10", "quarter": "2026-Q3", "half": "2026-H1"}
    if not m:
        raise ValueError(f"bad {kind} {text!r}; expected the form {examples[kind]}")
    year, number = int(m.group(1)), int(m.group(2))
    if kind == "week":
        try:
            date.fromisocalendar(year, number, 1)
        except ValueError:
            raise ValueError(f"bad week {text!r}: {year} has no ISO week {number}") from None
    if kind == "month" and not 1 <= number <= 12:
        raise ValueError(f"bad month {text!r}")
    return Period(kind, year, number)


def containing(kind: str, moment: datetime | date) -> Period:
    if kind == "week":
        y, w, _ = moment.isocalendar()
        return Period("week", y, w)
    number = {"month": moment.month, "quarter": (moment.month - 1) // 3 + 1, "half": 1 if moment.month <= 6 else 2}[kind]
    return Period(kind, moment.year, number)


def last_complete(kind: str, as_of: datetime) -> Period:
    """The latest period of this kind that ended at or before as_of."""
    p = containing(kind, as_of)
    return p if p.end <= as_of else p.previous()
