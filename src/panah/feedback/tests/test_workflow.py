"""The life of an unsealed ticket (background note, section 5.2): each step, its guards, and a state machine that
drives random sequences of steps by random people and checks the invariants after every one."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test

from panah.core.errors import ApplicationError
from panah.core.models import AuditEvent
from panah.feedback import selectors, services, workflow
from panah.feedback.choices import Closure, EventKind, Status
from panah.feedback.models import Category, Ticket, TicketEvent
from panah.feedback.tests.factories import submit

pytestmark = pytest.mark.django_db

H = {Status.TRIAGED, Status.ASSIGNED, Status.IN_PROGRESS, Status.ON_HOLD}
# Every status change the workflow may make, written out from the background note's state machine.
EDGES: set[tuple[str, str]] = {
    (Status.NEW, Status.TRIAGED),
    (Status.NEW, Status.ASSIGNED),
    (Status.TRIAGED, Status.TRIAGED),
    (Status.TRIAGED, Status.ASSIGNED),
    (Status.ASSIGNED, Status.ASSIGNED),
    (Status.IN_PROGRESS, Status.IN_PROGRESS),
    (Status.ON_HOLD, Status.ON_HOLD),
    (Status.TRIAGED, Status.IN_PROGRESS),
    (Status.ASSIGNED, Status.IN_PROGRESS),
    (Status.ON_HOLD, Status.IN_PROGRESS),
    (Status.ASSIGNED, Status.ON_HOLD),
    (Status.IN_PROGRESS, Status.ON_HOLD),
    (Status.ASSIGNED, Status.FOR_APPROVAL),
    (Status.IN_PROGRESS, Status.FOR_APPROVAL),
    (Status.ASSIGNED, Status.RESPONDED),
    (Status.IN_PROGRESS, Status.RESPONDED),
    (Status.FOR_APPROVAL, Status.RESPONDED),
    (Status.FOR_APPROVAL, Status.IN_PROGRESS),
    *((s, Status.REFERRED) for s in H),
    (Status.RESPONDED, Status.CLOSED),
    (Status.REFERRED, Status.CLOSED),
    *((s, Status.CLOSED) for s in H),  # feedback that needs no response
    (Status.CLOSED, Status.IN_PROGRESS),
    # A handler who finds abuse or misconduct seals the ticket at whatever stage it is.
    *((s, Status.SEALED) for s in Status.values if s not in {Status.SEALED, Status.REPORTED, Status.SEALED_CLOSED}),
}
CHANGERS = {"admin", "cfm"}


def _state(ticket: Ticket) -> tuple[Any, ...]:
    t = Ticket.objects.get(pk=ticket.pk)
    writes = AuditEvent.objects.filter(object_type="feedback.ticket", object_id=str(t.pk)).exclude(action="read")
    return t.status, t.sealed, t.updated_at, t.events.count(), writes.count()


def _refused(call: Any, ticket: Ticket) -> ApplicationError:
    before = _state(ticket)
    with pytest.raises(ApplicationError) as caught:
        call()
    assert _state(ticket) == before
    return caught.value


# --- single steps -------------------------------------------------------------------------------------------------


def _responded(actor: Any, **overrides: Any) -> Ticket:
    ticket = submit(actor, category="assist", **overrides).ticket
    workflow.ticket_start(actor=actor, ticket=ticket)
    return workflow.ticket_respond(actor=actor, ticket=ticket, response="Distribution moves to Thursday.")


def test_triage_routes_to_the_focal_point_of_the_deepest_area(make_user, area):
    from panah.feedback.models import Routing

    cfm, province, district = make_user("cfm", "PK5"), make_user("cfm", "PK5"), make_user("cfm", "PK506")
    assist = Category.objects.get(code="assist")
    Routing.objects.create(category=assist, area=area("PK5"), focal_point=province)
    Routing.objects.create(category=assist, area=area("PK506"), focal_point=district)
    ticket = submit(cfm).ticket

    done = workflow.ticket_triage(actor=cfm, ticket=ticket, category=assist)

    assert done.status == Status.ASSIGNED
    assert done.assigned_to == district
    assert done.sla_step == "respond"


def test_a_response_about_staff_waits_for_a_second_person(make_user):
    author, approver = make_user("cfm", "PK5"), make_user("cfm", "PK5")
    ticket = submit(author, category="complaint", about_staff=True).ticket
    workflow.ticket_start(actor=author, ticket=ticket)
    workflow.ticket_respond(actor=author, ticket=ticket, response="The guard was reminded of the code of conduct.")

    refused = _refused(lambda: workflow.ticket_approve(actor=author, ticket=ticket), ticket)
    done = workflow.ticket_approve(actor=approver, ticket=ticket)

    assert (refused.code, refused.status) == ("four_eyes", 403)
    assert done.status == Status.RESPONDED
    assert done.approved_by == approver


def test_three_failed_contact_attempts_close_as_unreachable(make_user):
    cfm = make_user("cfm", "PK5")
    ticket = _responded(cfm)

    for _ in range(2):
        workflow.ticket_contact_attempt(actor=cfm, ticket=ticket, succeeded=False)
    assert Ticket.objects.get(pk=ticket.pk).status == Status.RESPONDED
    done = workflow.ticket_contact_attempt(actor=cfm, ticket=ticket, succeeded=False)

    assert done.status == Status.CLOSED
    assert done.closure == Closure.UNREACHABLE
    assert TicketEvent.objects.filter(ticket=ticket, kind=EventKind.CONTACT, succeeded=False).count() == 3


def test_referral_needs_consent(make_user):
    cfm = make_user("cfm", "PK5")
    without = submit(cfm, category="assist").ticket
    with_consent = submit(cfm, category="assist", consent_referral=True).ticket

    refused = _refused(lambda: workflow.ticket_refer(actor=cfm, ticket=without, referred_to="UNHCR"), without)
    done = workflow.ticket_refer(actor=cfm, ticket=with_consent, referred_to="UNHCR")

    assert [e.field for e in refused.errors] == ["consent_referral"]
    assert done.status == Status.REFERRED
    assert done.referred_to == "UNHCR"


def test_feedback_that_needs_no_answer_closes_from_handling_but_a_complaint_does_not(make_user):
    cfm = make_user("cfm", "PK5")
    praise = submit(cfm, category="praise").ticket
    complaint = submit(cfm, category="complaint").ticket

    closed = workflow.ticket_close(actor=cfm, ticket=praise, closure=Closure.NOTICE_BOARD)
    refused = _refused(lambda: workflow.ticket_close(actor=cfm, ticket=complaint, closure=Closure.INFORMED), complaint)

    assert closed.status == Status.CLOSED
    assert (refused.code, refused.status) == ("wrong_status", 409)


def test_closing_as_informed_needs_a_way_to_reach_the_person(make_user):
    cfm = make_user("cfm", "PK5")
    ticket = _responded(cfm, channel="web", contact_method="none", contact_detail="", consent_contact=False)

    refused = _refused(lambda: workflow.ticket_close(actor=cfm, ticket=ticket, closure=Closure.INFORMED), ticket)

    assert [e.field for e in refused.errors] == ["closure"]


def test_reopening_counts_and_restarts_the_response_clock(make_user):
    cfm = make_user("cfm", "PK5")
    ticket = _responded(cfm)
    workflow.ticket_close(actor=cfm, ticket=ticket, closure=Closure.INFORMED)

    done = workflow.ticket_reopen(actor=cfm, ticket=ticket, reason="The distribution did not happen.")

    assert done.status == Status.IN_PROGRESS
    assert done.reopen_count == 1
    assert done.closure == ""
    assert done.sla_step == "respond"


@pytest.mark.parametrize("role", ["auditor", "dpo", "im", "enumerator", "psea", "partner-viewer"])
def test_a_role_that_does_not_handle_tickets_cannot_take_a_step(make_user, role):
    ticket = submit(make_user("cfm", "PK5")).ticket
    reader = make_user(role, "PK5")

    refused = _refused(
        lambda: workflow.ticket_triage(actor=reader, ticket=ticket, category=Category.objects.get(code="assist")),
        ticket,
    )

    assert refused.status == 404


def test_steps_on_a_sealed_ticket_answer_not_found(make_user):
    cfm = make_user("cfm", "PK5")
    ticket = submit(cfm, screening="yes").ticket

    refused = _refused(lambda: workflow.ticket_start(actor=cfm, ticket=ticket), ticket)

    assert refused.status == 404


# --- the state machine --------------------------------------------------------------------------------------------


class TicketLife(RuleBasedStateMachine):
    """One ticket, moved by random steps taken by random people; every step either does an allowed thing, fully
    recorded, or changes nothing at all."""

    people: dict[str, Any] = {}

    def __init__(self) -> None:
        super().__init__()
        self.ticket: Ticket | None = None

    @initialize(consent=st.booleans(), about_staff=st.booleans())
    def receive(self, consent: bool, about_staff: bool) -> None:
        self.ticket = submit(self.people["cfm"], consent_referral=consent).ticket
        self.about_staff = about_staff

    def _take(self, who: str, step: str, call: Any) -> None:
        assert self.ticket is not None
        before = _state(self.ticket)
        try:
            call(self.people[who], self.ticket)
        except ApplicationError as error:
            assert _state(self.ticket) == before, f"{step} by {who} was refused but changed something"
            self._check_refusal(who, step, error)
            return
        after = _state(self.ticket)
        self._check_done(who, step, before, after)

    def _check_refusal(self, who: str, step: str, error: ApplicationError) -> None:
        role = who.rstrip("2")
        if role not in CHANGERS:
            assert error.status == 404
        if error.code == "four_eyes":
            assert self.people[who].pk == Ticket.objects.get(pk=self.ticket.pk).response_by_id  # type: ignore[union-attr]

    def _check_done(self, who: str, step: str, before: tuple[Any, ...], after: tuple[Any, ...]) -> None:
        t = Ticket.objects.get(pk=self.ticket.pk)  # type: ignore[union-attr]
        assert who.rstrip("2") in CHANGERS, f"{who} took the step {step}"
        assert (before[0], after[0]) in EDGES, f"{step}: {before[0]} -> {after[0]} skips the state machine"
        assert after[3] > before[3], f"{step} left no line in the ticket's history"
        assert after[4] > before[4], f"{step} left no audit event"
        if step == "approve":
            assert t.approved_by_id != t.response_by_id
        if step == "refer":
            assert t.consent_referral

    @rule(who=st.sampled_from(["cfm", "cfm2", "admin", "auditor"]), code=st.sampled_from(["assist", "praise", "fraud"]))
    def triage(self, who: str, code: str) -> None:
        category = Category.objects.get(code=code)
        about = self.about_staff
        self._take(
            who, "triage", lambda a, t: workflow.ticket_triage(actor=a, ticket=t, category=category, about_staff=about)
        )

    @rule(who=st.sampled_from(["cfm", "cfm2", "im"]))
    def start(self, who: str) -> None:
        self._take(who, "start", lambda a, t: workflow.ticket_start(actor=a, ticket=t))

    @rule(who=st.sampled_from(["cfm", "cfm2"]))
    def hold(self, who: str) -> None:
        self._take(who, "hold", lambda a, t: workflow.ticket_hold(actor=a, ticket=t, reason="Waiting for a list."))

    @rule(who=st.sampled_from(["cfm", "cfm2"]))
    def assign(self, who: str) -> None:
        assignee = self.people["cfm2"]
        self._take(who, "assign", lambda a, t: workflow.ticket_assign(actor=a, ticket=t, assignee=assignee))

    @rule(who=st.sampled_from(["cfm", "cfm2", "admin"]))
    def respond(self, who: str) -> None:
        self._take(who, "respond", lambda a, t: workflow.ticket_respond(actor=a, ticket=t, response="An answer."))

    @rule(who=st.sampled_from(["cfm", "cfm2", "admin", "auditor"]))
    def approve(self, who: str) -> None:
        self._take(who, "approve", lambda a, t: workflow.ticket_approve(actor=a, ticket=t))

    @rule(who=st.sampled_from(["cfm", "cfm2"]))
    def send_back(self, who: str) -> None:
        self._take(who, "send_back", lambda a, t: workflow.ticket_send_back(actor=a, ticket=t, reason="Too vague."))

    @rule(who=st.sampled_from(["cfm", "cfm2"]))
    def refer(self, who: str) -> None:
        self._take(who, "refer", lambda a, t: workflow.ticket_refer(actor=a, ticket=t, referred_to="UNHCR"))

    @rule(who=st.sampled_from(["cfm", "cfm2"]), succeeded=st.booleans())
    def contact(self, who: str, succeeded: bool) -> None:
        self._take(who, "contact", lambda a, t: workflow.ticket_contact_attempt(actor=a, ticket=t, succeeded=succeeded))

    @rule(who=st.sampled_from(["cfm", "cfm2"]), closure=st.sampled_from([Closure.INFORMED, Closure.NO_CONTACT]))
    def close(self, who: str, closure: str) -> None:
        self._take(who, "close", lambda a, t: workflow.ticket_close(actor=a, ticket=t, closure=closure))

    @rule(who=st.sampled_from(["cfm", "cfm2"]))
    def reopen(self, who: str) -> None:
        self._take(who, "reopen", lambda a, t: workflow.ticket_reopen(actor=a, ticket=t, reason="Disputed."))

    @rule(who=st.sampled_from(["cfm", "admin"]))
    def seal(self, who: str) -> None:
        self._take(who, "seal", lambda a, t: services.ticket_seal(actor=a, ticket=t, reason="misconduct"))

    @invariant()
    def sealed_means_out_of_every_non_psea_view(self) -> None:
        if self.ticket is None:
            return
        t = Ticket.objects.get(pk=self.ticket.pk)
        for who, person in self.people.items():
            listed = selectors.ticket_list(actor=person).filter(pk=t.pk).exists()
            compartment = selectors.ticket_list(actor=person, sealed=True).filter(pk=t.pk).exists()
            if who == "psea":
                assert listed is False
                assert compartment is t.sealed
            else:
                assert compartment is False
                assert listed is (not t.sealed and who.rstrip("2") in {"cfm", "admin", "auditor"})

    @invariant()
    def sealed_ticket_keeps_nothing_in_clear(self) -> None:
        if self.ticket is not None and Ticket.objects.get(pk=self.ticket.pk).sealed:
            t = Ticket.objects.get(pk=self.ticket.pk)
            assert (t.description, t.contact_detail, t.response) == ("", "", "")
            assert list(t.events.exclude(text="").values_list("pk", flat=True)) == []


def test_the_workflow_state_machine_keeps_its_invariants(make_user):
    TicketLife.people = {
        "cfm": make_user("cfm", "PK5"),
        "cfm2": make_user("cfm", "PK5"),
        "admin": make_user("admin", "PK"),
        "auditor": make_user("auditor", "PK"),
        "im": make_user("im", "PK5"),
        "psea": make_user("psea", "PK5"),
    }

    run_state_machine_as_test(
        TicketLife,
        settings=settings(
            max_examples=25,
            stateful_step_count=20,
            deadline=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        ),
    )


def test_sealing_twice_from_a_stale_handle_keeps_the_compartment(make_user):
    first, second, focal = make_user("cfm", "PK5"), make_user("cfm", "PK5"), make_user("psea", "PK5")
    ticket = submit(first).ticket  # both handlers loaded it before either sealed it
    services.ticket_seal(actor=first, ticket=ticket, reason="misconduct")

    refused = _refused(lambda: services.ticket_seal(actor=second, ticket=ticket, reason="misconduct"), ticket)

    assert refused.status == 404
    view = selectors.ticket_view(actor=focal, reference=ticket.reference)
    assert view.description == "The water point at block C has been dry for four days."
