from __future__ import annotations

import pytest

from panah.accounts.models import Organisation, RoleAssignment, User
from panah.core.roles import Role
from panah.demo.seed import DEMO_SITES, DEMO_USERS, ORGANISATIONS, seed_demo
from panah.dtm.demo import SITE_COUNT
from panah.geo.models import Site
from panah.registry.demo import HOUSEHOLDS, PARTNER_USER
from panah.registry.models import Household, Merge

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _demo(settings, tmp_path):
    settings.PANAH_DEMO_MODE = True
    settings.PANAH_DEMO_PASSWORD = ""
    settings.VAR_DIR = tmp_path


def test_seed_creates_one_user_per_role_scoped_and_is_idempotent(settings):
    first = seed_demo(feedback=False)
    second = seed_demo(feedback=False)

    # One user per role, plus a partner's registration officer whose registrations the registry demo deduplicates.
    expected = {f"demo-{r}" for r in Role.values} | {PARTNER_USER}
    assert {u.username for u in User.objects.filter(username__startswith="demo-")} == expected
    assert Organisation.objects.count() == len(ORGANISATIONS)
    assert RoleAssignment.objects.count() == sum(len(areas) for _, _, areas in DEMO_USERS) + 1
    assert Household.objects.count() == HOUSEHOLDS + 5
    assert Merge.objects.exists()
    assert Site.objects.count() == len(DEMO_SITES) + SITE_COUNT
    assert first.password is not None
    assert (settings.VAR_DIR / "demo_password").read_text().strip() == first.password
    assert second.created == []
    assert second.password is None


def test_demo_users_sign_in_with_the_kept_password(client):
    report = seed_demo(feedback=False)

    response = client.post("/accounts/login/", {"username": "demo-enumerator", "password": report.password})

    assert response.status_code == 302


def test_enumerator_is_scoped_to_jacobabad():
    seed_demo(feedback=False)

    grant = RoleAssignment.objects.get(user__username="demo-enumerator")

    assert (grant.role, grant.area.pcode, grant.area.name) == ("enumerator", "PK707", "Jacobabad")


def test_seed_refuses_outside_demo_mode(settings):
    from django.core.management import CommandError, call_command

    settings.PANAH_DEMO_MODE = False

    with pytest.raises(CommandError, match="PANAH_DEMO_MODE"):
        call_command("seed_demo")
    assert not User.objects.filter(username__startswith="demo-").exists()
