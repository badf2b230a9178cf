from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from panah.accounts.models import Operation
from panah.core.errors import ApplicationError
from panah.core.models import AuditEvent
from panah.dtm import services
from panah.dtm.aggregation import admin_figures
from panah.dtm.models import FlowCount, IndicatorThreshold, LocationAssessment, Round, SiteAssessment
from panah.geo.models import BorderCrossing, Site

pytestmark = pytest.mark.django_db


@pytest.fixture
def operation():
    return Operation.objects.create(code="floods", name="2022 Floods Response", started_on=date(2022, 8, 25))


@pytest.fixture
def im(make_user):
    return make_user("im", username="im-one")


@pytest.fixture
def second_im(make_user):
    return make_user("im", username="im-two")


def _round(operation, actor, number=1):
    return services.round_create(
        actor=actor,
        operation=operation,
        kind="mobility",
        number=number,
        period_start=date(2022, 9, 1),
        period_end=date(2022, 9, 30),
    )


def _row(rnd, area, individuals, name="UC Johi"):
    return LocationAssessment.objects.create(
        round=rnd,
        level="LA",
        admin_area=area,
        location_name=name,
        population_group="idp",
        displacement_reason="flood",
        households=individuals // 5,
        individuals=individuals,
    )


@pytest.fixture
def submitted(operation, im, area):
    rnd = _round(operation, im)
    _row(rnd, area("PK70301"), 3000)
    return services.round_submit(actor=im, round=rnd)


def _transitions(rnd):
    return list(
        AuditEvent.objects.filter(object_type="dtm.round", object_id=str(rnd.pk), action="transition")
        .order_by("pk")
        .values_list("metadata", flat=True)
    )


def test_round_create_opens_a_draft_and_audits_it(operation, im):
    rnd = _round(operation, im)

    assert (rnd.status, rnd.number, rnd.version, rnd.created_by) == ("draft", 1, 1, im)
    event = AuditEvent.objects.get(object_type="dtm.round", object_id=str(rnd.pk))
    assert (event.action, event.actor_id, event.metadata) == ("create", im.pk, {"to": "draft"})


def test_round_create_names_each_bad_field_and_stores_nothing(operation, im):
    _round(operation, im, number=1)

    with pytest.raises(ApplicationError) as refused:
        services.round_create(
            actor=im,
            operation=operation,
            kind="census",
            number=1,
            period_start=date(2022, 9, 30),
            period_end=date(2022, 9, 1),
        )
    with pytest.raises(ApplicationError) as duplicate:
        _round(operation, im, number=1)

    assert refused.value.status == 422
    assert {(e.field, e.code) for e in refused.value.errors} == {("kind", "choice"), ("period_end", "order")}
    assert [(e.field, e.code) for e in duplicate.value.errors] == [("number", "unique")]
    assert Round.objects.count() == 1


@pytest.mark.parametrize("role", ["enumerator", "partner-viewer"])
def test_round_create_is_for_round_managers_only(operation, make_user, role):
    with pytest.raises(ApplicationError) as refused:
        _round(operation, make_user(role))

    assert refused.value.status == 403
    assert not Round.objects.exists()


def test_an_empty_round_cannot_be_submitted(operation, im):
    rnd = _round(operation, im)

    with pytest.raises(ApplicationError) as refused:
        services.round_submit(actor=im, round=rnd)

    assert refused.value.status == 409
    rnd.refresh_from_db()
    assert (rnd.status, rnd.submitted_by) == ("draft", None)


def test_submit_records_the_submitter_and_audits_the_transition(submitted, im):
    assert (submitted.status, submitted.submitted_by) == ("submitted", im)
    assert submitted.submitted_at is not None
    assert _transitions(submitted) == [{"from": "draft", "to": "submitted"}]


def test_the_submitter_cannot_publish_but_a_second_im_officer_can(submitted, im, second_im):
    with pytest.raises(ApplicationError) as refused:
        services.round_publish(actor=im, round=submitted)
    submitted.refresh_from_db()
    assert (refused.value.status, submitted.status, submitted.published_by) == (403, "submitted", None)

    published = services.round_publish(actor=second_im, round=submitted)

    assert (published.status, published.published_by) == ("published", second_im)
    assert _transitions(submitted)[-1] == {"from": "submitted", "to": "published"}


def test_enumerator_can_neither_submit_nor_publish(operation, im, make_user, area):
    enumerator = make_user("enumerator", "PK703")
    draft = _round(operation, im, number=1)
    _row(draft, area("PK70301"), 3000)
    pending = _round(operation, im, number=2)
    _row(pending, area("PK70301"), 2000)
    services.round_submit(actor=im, round=pending)

    with pytest.raises(ApplicationError) as on_submit:
        services.round_submit(actor=enumerator, round=draft)
    with pytest.raises(ApplicationError) as on_publish:
        services.round_publish(actor=enumerator, round=pending)

    assert (on_submit.value.status, on_publish.value.status) == (403, 403)
    assert dict(Round.objects.values_list("number", "status")) == {1: "draft", 2: "submitted"}
    assert Round.objects.get(number=2).published_by is None


def test_a_partner_cannot_see_a_round_to_publish_it(submitted, make_user):
    partner = make_user("partner-viewer", "PK2")

    with pytest.raises(ApplicationError) as refused:
        services.round_publish(actor=partner, round=submitted)

    assert refused.value.status == 404
    submitted.refresh_from_db()
    assert submitted.status == "submitted"


def test_return_sends_a_round_back_to_draft_with_the_reason(submitted, second_im):
    returned = services.round_return(actor=second_im, round=submitted, reason="Dadu figures look doubled")

    assert (returned.status, returned.submitted_by) == ("draft", None)
    assert _transitions(submitted)[-1] == {"from": "submitted", "to": "draft", "reason": "Dadu figures look doubled"}


def test_return_without_a_reason_names_the_field_and_changes_nothing(submitted, second_im):
    with pytest.raises(ApplicationError) as refused:
        services.round_return(actor=second_im, round=submitted, reason="  ")

    assert [e.field for e in refused.value.errors] == ["reason"]
    submitted.refresh_from_db()
    assert submitted.status == "submitted"


def test_a_draft_cannot_be_published(operation, im, second_im, area):
    rnd = _round(operation, im)
    _row(rnd, area("PK70301"), 3000)

    with pytest.raises(ApplicationError) as refused:
        services.round_publish(actor=second_im, round=rnd)

    assert refused.value.status == 409
    rnd.refresh_from_db()
    assert rnd.status == "draft"


def _crossing_and_site(area):
    site = Site.objects.create(name="Dadu Tent City", kind="camp", admin_area=area("PK703"))
    return BorderCrossing.objects.get(code="torkham"), site


def test_correction_copies_the_data_and_publishing_it_supersedes_the_original(submitted, im, second_im, area):
    original = services.round_publish(actor=second_im, round=submitted)
    crossing, site = _crossing_and_site(area)
    SiteAssessment.objects.create(round=original, site=site, assessed_on=date(2022, 9, 20), households=2, individuals=9)
    FlowCount.objects.create(
        round=original,
        crossing=crossing,
        date=date(2022, 9, 3),
        direction="out",
        documentation_status="por",
        return_type="deported",
        men=4,
    )

    correction = services.round_correct(actor=im, round=original, reason="Johi union council counted twice")
    LocationAssessment.objects.filter(round=correction).update(individuals=2500, households=500)
    frozen = admin_figures(round=original, level=0)[0].individuals.value
    services.round_submit(actor=im, round=correction)
    services.round_publish(actor=second_im, round=correction)

    original.refresh_from_db()
    correction.refresh_from_db()
    assert (correction.number, correction.version, correction.supersedes) == (1, 2, original)
    assert correction.correction_reason == "Johi union council counted twice"
    assert (original.status, correction.status) == ("superseded", "published")
    assert frozen == 3000
    assert admin_figures(round=original, level=0)[0].individuals.value == 3000
    assert admin_figures(round=correction, level=0)[0].individuals.value == 2500
    assert [m.objects.filter(round=correction).count() for m in (SiteAssessment, FlowCount)] == [1, 1]
    assert _transitions(original)[-1] == {"from": "published", "to": "superseded", "superseded_by": correction.pk}


def test_only_a_published_round_can_be_corrected_and_only_once_at_a_time(submitted, im, second_im):
    with pytest.raises(ApplicationError) as not_published:
        services.round_correct(actor=im, round=submitted, reason="typo")
    services.round_publish(actor=second_im, round=submitted)
    services.round_correct(actor=im, round=submitted, reason="typo")

    with pytest.raises(ApplicationError) as twice:
        services.round_correct(actor=im, round=submitted, reason="another typo")

    assert (not_published.value.status, twice.value.status) == (409, 409)
    assert list(Round.objects.order_by("version").values_list("version", "status")) == [
        (1, "published"),
        (2, "draft"),
    ]


def test_data_of_a_submitted_or_published_round_cannot_change(submitted, second_im, operation, im):
    draft = _round(operation, im, number=2)

    with pytest.raises(ApplicationError) as while_submitted:
        services.ensure_editable(submitted)
    services.round_publish(actor=second_im, round=submitted)
    with pytest.raises(ApplicationError) as once_published:
        services.ensure_editable(submitted.pk)

    assert services.ensure_editable(draft) == draft
    assert (while_submitted.value.status, once_published.value.status) == (409, 409)


def test_ensure_editable_reads_the_status_from_the_database(submitted):
    stale = Round.objects.get(pk=submitted.pk)
    stale.status = "draft"

    with pytest.raises(ApplicationError) as refused:
        services.ensure_editable(stale)

    assert (refused.value.status, stale.status) == (409, "submitted")


def test_threshold_set_creates_then_updates_and_audits(operation, im):
    services.threshold_set(
        actor=im, operation=operation, indicator="people_per_latrine", value=20, source="WASH cluster"
    )
    row = services.threshold_set(
        actor=im, operation=operation, indicator="people_per_latrine", value="25.5", source="WASH cluster, Dec"
    )

    assert (row.indicator, row.value, row.source) == ("people_per_latrine", Decimal("25.50"), "WASH cluster, Dec")
    assert IndicatorThreshold.objects.count() == 1
    events = AuditEvent.objects.filter(object_type="dtm.indicatorthreshold").order_by("pk")
    assert [(e.action, e.changes) for e in events] == [
        ("create", {"source": [None, "WASH cluster"], "value": ["50", "20.00"]}),
        ("update", {"source": ["WASH cluster", "WASH cluster, Dec"], "value": ["20.00", "25.50"]}),
    ]


def test_threshold_set_refuses_bad_fields_and_other_roles(operation, im, make_user):
    with pytest.raises(ApplicationError) as bad:
        services.threshold_set(actor=im, operation=operation, indicator="queue_minutes", value=-1, source="")
    with pytest.raises(ApplicationError) as yes_no:
        services.threshold_set(actor=im, operation=operation, indicator="lighting", value=1, source="x")
    with pytest.raises(ApplicationError) as negative:
        services.threshold_set(actor=im, operation=operation, indicator="people_per_latrine", value=-1, source="x")
    with pytest.raises(ApplicationError) as enumerator:
        services.threshold_set(
            actor=make_user("enumerator"), operation=operation, indicator="people_per_latrine", value=20, source="x"
        )

    assert {e.field for e in bad.value.errors} == {"indicator", "source"}
    assert [(e.field, e.code) for e in yes_no.value.errors] == [("value", "not_applicable")]
    assert [(e.field, e.code) for e in negative.value.errors] == [("value", "out_of_range")]
    assert enumerator.value.status == 403
    assert not IndicatorThreshold.objects.exists()
