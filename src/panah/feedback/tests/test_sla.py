"""Service-level clocks count working time Monday to Friday, or elapsed time for same-day targets."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from panah.feedback import sla
from panah.feedback.sla import Target

KARACHI = ZoneInfo("Asia/Karachi")


def at(day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=KARACHI)  # 2026-11-23 is a Monday


def test_one_working_day_from_friday_noon_is_monday_noon() -> None:
    assert sla.add_time(at(27, 12), Target(24)) == at(30, 12)


def test_received_on_saturday_starts_counting_on_monday() -> None:
    assert sla.add_time(at(28, 15), Target(24)) == at(30, 0) + timedelta(days=1)


def test_elapsed_target_ignores_the_weekend() -> None:
    assert sla.add_time(at(28, 15), Target(24, working_time=False)) == at(29, 15)


def test_working_elapsed_skips_the_weekend() -> None:
    assert sla.working_elapsed(at(27, 12), at(30, 12), Target(24)) == timedelta(hours=24)


def test_share_used_reaches_eighty_percent_at_four_fifths_of_the_time() -> None:
    target = Target(10 * 24)
    start = at(23, 9)
    assert sla.share_used(start, sla.add_time(start, Target(8 * 24)), target) == pytest.approx(0.8)


@given(
    start=st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2027, 1, 1), timezones=st.just(KARACHI)),
    hours=st.integers(min_value=1, max_value=24 * 30),
    working=st.booleans(),
)
def test_the_due_time_uses_exactly_the_target(start: datetime, hours: int, working: bool) -> None:
    target = Target(hours, working)
    due = sla.add_time(start, target)

    assert due > start
    assert sla.working_elapsed(start, due, target) == timedelta(hours=hours)
