"""School terms, for the governors' termly report.

English terms move with Easter and each local authority's calendar; the report uses fixed spans
(the ones the safeguarding app's counts use): autumn from 1 September to 31 December, spring from
1 January to 31 March, summer from 1 April to 31 August. A term's report counts what was recorded
in that span.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

SEASONS = ("spring", "summer", "autumn")


@dataclass(frozen=True)
class Term:
    season: str
    year: int

    @property
    def start(self) -> dt.date:
        month = {"spring": 1, "summer": 4, "autumn": 9}[self.season]
        return dt.date(self.year, month, 1)

    @property
    def end(self) -> dt.date:
        """The last day of the term."""
        return {
            "spring": dt.date(self.year, 3, 31),
            "summer": dt.date(self.year, 8, 31),
            "autumn": dt.date(self.year, 12, 31),
        }[self.season]

    @property
    def slug(self) -> str:
        return f"{self.year}-{self.season}"

    @property
    def name(self) -> str:
        return f"{self.season.title()} term {self.year}"

    def span(self) -> tuple[dt.datetime, dt.datetime]:
        """[start, end) as aware datetimes in the school's time zone."""
        zone = timezone.get_current_timezone()
        start = dt.datetime.combine(self.start, dt.time.min, tzinfo=zone)
        end = dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
        return start, end

    def previous(self) -> Term:
        index = SEASONS.index(self.season)
        if index == 0:
            return Term(SEASONS[-1], self.year - 1)
        return Term(SEASONS[index - 1], self.year)


def term_of(day: dt.date) -> Term:
    if day.month >= 9:
        return Term("autumn", day.year)
    if day.month <= 3:
        return Term("spring", day.year)
    return Term("summer", day.year)


def from_slug(slug: str) -> Term | None:
    year, _, season = slug.partition("-")
    if not year.isdigit() or season not in SEASONS or not 2000 <= int(year) <= 2200:
        return None
    return Term(season, int(year))


def recent_terms(today: dt.date, count: int = 6) -> list[Term]:
    terms = [term_of(today)]
    while len(terms) < count:
        terms.append(terms[-1].previous())
    return terms
