"""The one policy: deny by default, area scopes cover descendants, expired or revoked grants give nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser

from panah.accounts.models import RoleAssignment
from panah.core.errors import ApplicationError
from panah.core.models import TimeStampedModel
from panah.core.permissions import Perm, can, get_visible, visible_to
from panah.geo.models import Site

pytestmark = pytest.mark.django_db


@pytest.fixture
def sites(area):
    return {
        "jacobabad": Site.objects.create(name="Jacobabad camp", kind="camp", admin_area=area("PK707")),
        "quetta": Site.objects.create(name="Quetta settlement", kind="informal_settlement", admin_area=area("PK222")),
    }


def test_province_grant_covers_its_districts_only(make_user, sites):
    user = make_user("site-manager", "PK7")

    assert list(visible_to(user, Site.objects.all())) == [sites["jacobabad"]]
    assert can(user, Perm.VIEW, sites["jacobabad"])
    assert not can(user, Perm.VIEW, sites["quetta"])


def test_country_grant_covers_everything(make_user, sites):
    user = make_user("im", "PK")

    assert visible_to(user, Site.objects.all()).count() == 2


def test_role_without_the_right_sees_nothing(make_user, sites):
    user = make_user("readmission", "PK")

    assert visible_to(user, Site.objects.all()).count() == 0
    assert not can(user, Perm.VIEW, sites["jacobabad"])


def test_out_of_scope_and_missing_raise_the_same_error(make_user, sites):
    user = make_user("site-manager", "PK7")

    with pytest.raises(ApplicationError) as outside:
        get_visible(user, Site.objects.all(), pk=sites["quetta"].pk)
    with pytest.raises(ApplicationError) as missing:
        get_visible(user, Site.objects.all(), pk=10**9)

    assert (outside.value.status, outside.value.message) == (missing.value.status, missing.value.message)


def test_anonymous_inactive_expired_and_revoked_see_nothing(make_user, sites):
    inactive = make_user("im", "PK")
    inactive.is_active = False
    expired = make_user("im", "PK", expires_in=timedelta(seconds=-5))
    revoked = make_user("im", "PK")
    from django.utils import timezone

    RoleAssignment.objects.filter(user=revoked).update(revoked_at=timezone.now())

    for user in (AnonymousUser(), inactive, expired, revoked):
        assert visible_to(user, Site.objects.all()).count() == 0


def test_unregistered_model_is_denied_by_default(make_user):
    class Unruled(TimeStampedModel):
        class Meta:
            app_label = "core"
            managed = False

    user = make_user("admin", "PK")

    assert not can(user, Perm.VIEW, Unruled)
    assert visible_to(user, Unruled.objects.all()).query.is_empty()


def test_several_grants_combine(make_user, area, sites):
    user = make_user("site-manager", "PK7")
    RoleAssignment.objects.create(user=user, role="site-manager", area=area("PK2"))
    user = type(user).objects.get(pk=user.pk)

    assert visible_to(user, Site.objects.all()).count() == 2


def test_reading_a_record_marked_audit_reads_is_on_the_trail(make_user):
    from panah.accounts.models import User
    from panah.core.models import AuditEvent

    admin = make_user("admin")
    subject = make_user("im")

    get_visible(admin, User.objects.all(), pk=subject.pk)

    reads = AuditEvent.objects.filter(action="read", object_type="accounts.user", object_id=str(subject.pk))
    assert [(e.actor_id, e.object_id) for e in reads] == [(admin.pk, str(subject.pk))]


def test_a_refused_read_leaves_no_read_event(make_user):
    from panah.accounts.models import User
    from panah.core.models import AuditEvent

    im = make_user("im")
    subject = make_user("cash")

    with pytest.raises(ApplicationError):
        get_visible(im, User.objects.all(), pk=subject.pk)

    assert not AuditEvent.objects.filter(action="read").exists()
