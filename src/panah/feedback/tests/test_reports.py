"""The monthly trend figures: exact counts on small built datasets, scoped to the user's report areas, with sealed
tickets only as a suppressed monthly count."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from panah.feedback import reports, reports_quality, workflow
from panah.feedback.choices import Channel, Screening, Status, Step
from panah.feedback.models import Category, CommunityMeeting, Ticket, TicketEvent
from panah.feedback.reports_yswd import you_said_we_did
from panah.feedback.tests.factories import KP_DISTRICT, SINDH_DISTRICT, submit
from panah.geo.models import AdminArea

pytestmark = pytest.mark.django_db
PKT = ZoneInfo("Asia/Karachi")
JAN, FEB, MAR = date(2025, 1, 1), date(2025, 2, 1), date(2025, 3, 1)
PERIOD = reports.Period(JAN, MAR)


def at(month: date, day: int = 6, hour: int = 10) -> datetime:
    return datetime(month.year, month.month, day, hour, tzinfo=PKT)


def ticket(actor, month=JAN, **overrides) -> Ticket:
    return submit(actor, received_at=at(month), **overrides).ticket


@pytest.fixture
def cfm(make_user):
    return make_user("cfm", "PK")


def counts_for(user, area=None, period=PERIOD):
    return reports.trend_counts(scope=reports.report_scope(user, area), period=period, language="en")


def rows(breakdown):
    return {r.key: r.values for r in breakdown.rows}


def test_last_months_counts_back_across_the_year():
    assert reports.last_months(6, date(2025, 3, 17)) == reports.Period(date(2024, 10, 1), MAR)


@pytest.mark.parametrize(("n", "shown"), [(0, "0"), (1, "<5"), (4, "<5"), (5, "5"), (12, "12")])
def test_suppression_boundaries(n, shown):
    assert reports.suppressed(n) == shown


def test_counts_by_month_and_category_channel_and_district(cfm, make_user):
    ticket(cfm, JAN, category="complaint")
    ticket(cfm, JAN, category="complaint", channel=Channel.HELP_DESK)
    ticket(cfm, FEB, category="info", sex="f", age_group="18-59", disability=True)
    ticket(None, MAR, area="PK5")  # no district given, not yet categorised
    ticket(cfm, date(2024, 12, 1), category="info")  # before the period

    counts = counts_for(make_user("im", "PK"))

    assert rows(counts.categories) == {"info": [0, 1, 0], "complaint": [2, 0, 0], "None": [0, 0, 1]}
    assert [r.label for r in counts.categories.rows] == [
        "Request for information",
        "Complaint (not sensitive)",
        "Not yet categorised",
    ]
    assert rows(counts.channels) == {"hotline": [1, 1, 1], "help-desk": [1, 0, 0]}
    assert rows(counts.districts) == {KP_DISTRICT: [2, 1, 0], "": [0, 0, 1]}
    assert [r.label for r in counts.districts.rows] == ["Charsadda", "District not given"]
    assert rows(counts.sexes) == {"f": [0, 1, 0], "": [2, 0, 1]}
    assert rows(counts.ages) == {"18-59": [0, 1, 0], "": [2, 0, 1]}
    assert rows(counts.disability) == {"True": [0, 1, 0], "None": [2, 0, 1]}
    assert counts.categories.totals == [2, 1, 1]


def test_a_sindh_user_gets_sindh_figures_only(cfm, make_user):
    ticket(cfm, JAN, category="complaint", area=KP_DISTRICT)
    ticket(cfm, JAN, category="info", area=SINDH_DISTRICT)
    ticket(cfm, FEB, category="info", area=SINDH_DISTRICT)

    counts = counts_for(make_user("im", "PK7"))

    assert rows(counts.categories) == {"info": [1, 1, 0]}
    assert list(rows(counts.districts)) == [SINDH_DISTRICT]


def test_a_role_without_the_report_right_counts_nothing(cfm, make_user):
    ticket(cfm, JAN, category="complaint")

    counts = counts_for(make_user("enumerator", "PK"))

    assert counts.categories.rows == []
    assert counts.confidential == ["0", "0", "0"]


def test_sealed_tickets_are_only_a_suppressed_monthly_count(cfm, make_user):
    for _ in range(4):
        ticket(cfm, JAN, screening=Screening.YES)
    for _ in range(5):
        ticket(cfm, FEB, category="fraud")
    ticket(cfm, JAN, category="complaint")

    counts = counts_for(make_user("psea", "PK"))

    assert counts.confidential == ["<5", "5", "0"]
    assert rows(counts.categories) == {"complaint": [1, 0, 0]}
    assert rows(counts.channels) == {"hotline": [1, 0, 0]}
    assert counts.categories.total == 1


def test_confidential_count_is_never_narrowed_below_the_province(cfm, make_user, area):
    for _ in range(5):
        ticket(cfm, JAN, screening=Screening.YES, area="PK501")
    ticket(cfm, JAN, category="complaint")

    counts = counts_for(make_user("im", "PK"), area(KP_DISTRICT))

    assert counts.confidential == ["5", "0", "0"]
    assert rows(counts.categories) == {"complaint": [1, 0, 0]}


def test_chosen_area_outside_the_users_scope_counts_nothing(cfm, make_user, area):
    ticket(cfm, JAN, category="info", area=SINDH_DISTRICT)

    counts = counts_for(make_user("im", "PK5"), area("PK7"))

    assert counts.categories.rows == []


def test_step_spans_follow_status_changes():
    received = at(JAN)
    t = Ticket(received_at=received, status=Status.CLOSED)
    hour = timedelta(hours=1)
    events = [
        (received + hour, Status.NEW, Status.ASSIGNED),
        (received + 2 * hour, Status.ASSIGNED, Status.IN_PROGRESS),
        (received + 3 * hour, Status.IN_PROGRESS, Status.FOR_APPROVAL),
        (received + 4 * hour, Status.FOR_APPROVAL, Status.IN_PROGRESS),
        (received + 5 * hour, Status.IN_PROGRESS, Status.RESPONDED),
        (received + 6 * hour, Status.RESPONDED, Status.CLOSED),
    ]

    spans = reports_quality.step_spans(t, events)

    assert spans == [
        (Step.TRIAGE, received, received + hour),
        (Step.RESPOND, received + hour, received + 3 * hour),
        (Step.APPROVE, received + 3 * hour, received + 4 * hour),
        (Step.RESPOND, received + 4 * hour, received + 5 * hour),
        (Step.CLOSE_LOOP, received + 5 * hour, received + 6 * hour),
    ]


def _backdate(t: Ticket, times: list[datetime]) -> None:
    for event, when in zip(TicketEvent.objects.filter(ticket=t).order_by("id"), times, strict=True):
        TicketEvent.objects.filter(pk=event.pk).update(at=when)


def test_sla_compliance_counts_on_time_late_and_overdue(cfm):
    category = Category.objects.get(code="info")
    # Triage in 2 hours (on time: 1 working day), information answered 5 working days later (late: 3 days).
    quick = ticket(None, JAN)
    workflow.ticket_triage(actor=cfm, ticket=quick, category=category)
    workflow.ticket_start(actor=cfm, ticket=quick)
    workflow.ticket_respond(actor=cfm, ticket=quick, response="The schedule is on the notice board.")
    _backdate(quick, [at(JAN, 6, 12), at(JAN, 6, 13), at(JAN, 13, 12)])
    # Never triaged, long past due at `now`.
    ticket(None, JAN)

    result = {c.step: c for c in reports_quality.sla_compliance(Ticket.objects.all(), now=at(FEB))}

    assert (result[Step.TRIAGE].on_time, result[Step.TRIAGE].late, result[Step.TRIAGE].overdue) == (1, 0, 1)
    assert result[Step.TRIAGE].percent == 50
    assert (result[Step.RESPOND].on_time, result[Step.RESPOND].late, result[Step.RESPOND].overdue) == (0, 1, 0)
    assert (result[Step.CLOSE_LOOP].on_time, result[Step.CLOSE_LOOP].overdue) == (0, 1)
    assert result[Step.APPROVE].percent is None


def test_close_times_median_and_90th_percentile(cfm):
    for days in (1, 2, 3, 10):
        t = ticket(cfm, JAN, category="praise")
        Ticket.objects.filter(pk=t.pk).update(status=Status.CLOSED, closed_at=at(JAN) + timedelta(days=days))

    times = reports_quality.close_times(Ticket.objects.all(), PERIOD.months())

    assert [(t.month, t.closed, t.median_days, t.p90_days) for t in times] == [
        (JAN, 4, 2.5, 10.0),
        (FEB, 0, None, None),
        (MAR, 0, None, None),
    ]


def test_repeated_issues_need_the_minimum_in_one_district_and_month(cfm):
    for _ in range(3):
        ticket(cfm, JAN, category="complaint")
    for _ in range(2):
        ticket(cfm, FEB, category="complaint")
    ticket(cfm, JAN, category="complaint", area=SINDH_DISTRICT)

    found = reports_quality.repeated_issues(Ticket.objects.all(), 3)

    assert [(r.month, r.district, r.district_name, r.category, r.count) for r in found] == [
        (JAN, KP_DISTRICT, "Charsadda", "complaint", 3)
    ]


def test_reopened_tickets_by_category(cfm):
    t = ticket(cfm, JAN, category="complaint")
    Ticket.objects.filter(pk=t.pk).update(reopen_count=2)
    ticket(cfm, JAN, category="complaint")

    assert reports_quality.reopened(Ticket.objects.all()) == {"complaint": 1}


def meeting(cfm, month, area="PK506", **fields):
    return CommunityMeeting.objects.create(
        area=AdminArea.objects.get(pcode=area),
        held_on=month.replace(day=10),
        summary="Water and distribution timing.",
        recorded_by=cfm,
        organisation=cfm.organisation,
        **fields,
    )


def test_meeting_totals_per_month_and_issues(cfm):
    meeting(cfm, JAN, women=12, men=8, girls=3, boys=2, issues={"assist": 4, "sea": 1})
    meeting(cfm, JAN, women=5, issues={"assist": 1, "info": 2})
    meeting(cfm, FEB, area=SINDH_DISTRICT, men=9)

    per_month, issues = reports_quality.meeting_totals(["PK/PK5/"], PERIOD, {"sea"})

    assert [(m.month, m.meetings, m.women, m.men, m.girls, m.boys, m.participants) for m in per_month] == [
        (JAN, 2, 17, 8, 3, 2, 30),
        (FEB, 0, 0, 0, 0, 0, 0),
        (MAR, 0, 0, 0, 0, 0, 0),
    ]
    assert issues == {"assist": 5, "info": 2}


def test_you_said_we_did_top_issues_answers_and_actions_without_narratives(cfm, make_user):
    for _ in range(5):
        ticket(cfm, JAN, category="assist")
    for _ in range(2):
        ticket(cfm, JAN, category="info")
    closed = ticket(cfm, JAN, category="complaint")
    Ticket.objects.filter(pk=closed.pk).update(status=Status.CLOSED, closed_at=at(FEB))
    ticket(cfm, JAN, screening=Screening.YES)
    meeting(cfm, JAN, issues={"info": 3, "sea": 2}, action_taken="A second water tank was installed.")

    boards = you_said_we_did(scope=reports.report_scope(make_user("im", "PK5")), period=PERIOD)

    assert [(b.district, b.month) for b in boards] == [(KP_DISTRICT, JAN), (KP_DISTRICT, FEB)]
    january, february = boards
    assert [(i.code, i.label_en, i.label_ur, i.shown) for i in january.issues] == [
        ("info", "Request for information", "معلومات کی درخواست", "5"),
        ("assist", "Request for assistance", "امداد کی درخواست", "5"),
        ("complaint", "Complaint (not sensitive)", "شکایت (غیر حساس)", "<5"),
    ]
    assert january.actions == ["A second water tank was installed."]
    assert [(i.code, i.shown) for i in february.answered] == [("complaint", "<5")]
    assert february.issues == []
