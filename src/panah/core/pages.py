"""The one wrapper for page views: signed-in only, and a refused service or selector call shown as a page."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from panah.core.errors import ApplicationError


def page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Not-found and forbidden refusals become the usual 404/403 pages (a record outside scope looks missing);
    any other refusal of a GET (a conflict, an invalid parameter) is shown with its message instead of a 500."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except ApplicationError as error:
            if error.status == 404:
                raise Http404(error.message) from None
            if error.status == 403:
                raise PermissionDenied(error.message) from None
            if request.method == "GET":
                return render(request, "core/refused.html", {"error": error}, status=error.status)
            raise

    return wrapped
