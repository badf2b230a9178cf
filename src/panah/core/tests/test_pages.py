"""The shared page wrapper: sign-in required, refusals shown as 404, 403 or a message page, never a 500."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.test import RequestFactory

from panah.core.errors import ApplicationError, conflict, forbidden, not_found
from panah.core.pages import page

pytestmark = pytest.mark.django_db


def _view(error: ApplicationError | None):
    @page
    def view(request):
        if error is not None:
            raise error
        return HttpResponse("ok")

    return view


def _request(user, method: str = "get"):
    request = getattr(RequestFactory(), method)("/somewhere/")
    request.user = user
    return request


def test_anonymous_is_sent_to_sign_in():
    response = _view(None)(_request(AnonymousUser()))

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_not_found_and_forbidden_become_404_and_403(make_user):
    user = make_user("im")

    with pytest.raises(Http404):
        _view(not_found("site"))(_request(user))
    with pytest.raises(PermissionDenied):
        _view(forbidden())(_request(user))


def test_other_refusal_of_a_get_is_a_page_with_its_message(make_user):
    response = _view(conflict("Round 3 is published: its data cannot change."))(_request(make_user("im")))

    assert response.status_code == 409
    assert "Round 3 is published: its data cannot change." in response.content.decode()


def test_other_refusal_of_a_post_is_left_to_the_view(make_user):
    with pytest.raises(ApplicationError):
        _view(conflict("no"))(_request(make_user("im"), "post"))
