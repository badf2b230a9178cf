"""Pages for signing in, the user's own scope and tokens, and administering users and their roles."""

from __future__ import annotations

import segno
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from panah.accounts import selectors, services, twofactor
from panah.accounts.forms import (
    GrantForm,
    LanguageForm,
    RevokeForm,
    SignInForm,
    TokenForm,
    TwoFactorForm,
    add_application_error,
)
from panah.accounts.models import RoleAssignment, User
from panah.core.audit_selectors import event_list
from panah.core.errors import ApplicationError
from panah.core.permissions import Perm, can
from panah.core.roles import Role
from panah.geo import selectors as geo_selectors


def _safe_next(request: HttpRequest, target: str | None, default: str = "/") -> str:
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def sign_in(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("home")
    form = SignInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.sign_in(request=request, **form.cleaned_data)
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            if twofactor.required_for(user):
                return redirect("accounts:two_factor")
            return redirect(_safe_next(request, request.GET.get("next")))
    return render(request, "accounts/sign_in.html", {"form": form}, status=401 if form.errors else 200)


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        services.sign_out_record(user=request.user)
    logout(request)
    return redirect("accounts:login")


@login_required
def two_factor(request: HttpRequest) -> HttpResponse:
    if twofactor.satisfied(request) and twofactor.required_for(request.user):
        return redirect("home")
    device = services.totp_device(user=request.user)  # type: ignore[arg-type]
    form = TwoFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.totp_verify(request=request, code=form.cleaned_data["code"]):
            return redirect("home")
        form.add_error("code", _("That code is not right. Codes change every 30 seconds."))
    context = {"form": form, "enrolling": not device.confirmed}
    if not device.confirmed:
        context["qr_svg"] = segno.make(device.config_url, error="m").svg_inline(scale=4)
        context["secret"] = device.key  # hex; authenticator apps take the QR code, this is the fallback
    return render(request, "accounts/two_factor.html", context)


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    form = LanguageForm(request.POST)
    if not form.is_valid():
        return HttpResponse(_("Unknown language."), status=400)
    language = form.cleaned_data["language"]
    response = redirect(_safe_next(request, form.cleaned_data.get("next")))
    if request.user.is_authenticated:
        services.user_set_language(user=request.user, language=language)
    response.set_cookie("django_language", language, samesite="Lax", secure=request.is_secure(), httponly=True)
    return response


@login_required
def home(request: HttpRequest) -> HttpResponse:
    scope = selectors.my_scope(user=request.user)  # type: ignore[arg-type]
    return render(
        request,
        "accounts/home.html",
        {"scope": scope, "nav_active": "home", "two_factor_required": twofactor.required_for(request.user)},
    )


@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    issued = None
    if request.method == "POST" and form.is_valid():
        try:
            issued = services.token_create(actor=request.user, **form.cleaned_data)  # type: ignore[arg-type]
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            form = TokenForm()
    rows = selectors.token_list(actor=request.user)
    return render(request, "accounts/tokens.html", {"form": form, "tokens": rows, "issued": issued})


@login_required
@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    try:
        token = selectors.token_get(actor=request.user, token_id=token_id)
    except ApplicationError:
        raise Http404 from None
    services.token_revoke(actor=request.user, token=token)  # type: ignore[arg-type]
    messages.success(request, _("Token revoked."))
    return redirect("accounts:tokens")


@login_required
def users(request: HttpRequest) -> HttpResponse:
    if not can(request.user, Perm.VIEW, User):
        raise Http404
    q, org, role = (request.GET.get(k, "")[:100] for k in ("q", "organisation", "role"))
    page = Paginator(selectors.user_list(actor=request.user, q=q, organisation=org, role=role), 50).get_page(
        request.GET.get("page")
    )
    context = {
        "page": page,
        "q": q,
        "organisation": org,
        "role": role,
        "roles": Role.choices,
        "organisations": selectors.organisation_list(actor=request.user),
        # Grants and revocations, newest first, for administrators and auditors (empty for anyone else).
        "role_changes": event_list(actor=request.user, object_type="accounts.roleassignment")[:15],
        "nav_active": "users",
    }
    return render(request, "accounts/users.html", context)


def _user_or_404(request: HttpRequest, user_id: int):  # type: ignore[no-untyped-def]
    try:
        return selectors.user_get(actor=request.user, user_id=user_id)
    except ApplicationError:
        raise Http404 from None


@login_required
def user_detail(request: HttpRequest, user_id: int) -> HttpResponse:
    subject = _user_or_404(request, user_id)
    form = GrantForm(request.POST or None)
    if request.method == "POST":
        if not can(request.user, Perm.ADMINISTER, RoleAssignment):
            raise Http404
        if form.is_valid() and _grant_from_form(request, subject, form):
            messages.success(request, _("Role granted."))
            return redirect("accounts:user_detail", user_id=subject.pk)
    context = {
        "subject": subject,
        "assignments": selectors.assignment_list(actor=request.user, user=subject),
        "form": form,
        "revoke_form": RevokeForm(),
        "can_administer": can(request.user, Perm.ADMINISTER, RoleAssignment),
        "nav_active": "users",
    }
    return render(request, "accounts/user_detail.html", context, status=422 if form.errors else 200)


def _grant_from_form(request: HttpRequest, subject: User, form: GrantForm) -> bool:
    data = form.cleaned_data
    try:
        area = geo_selectors.area_get(actor=request.user, pcode=data["area_pcode"].strip())
    except ApplicationError:
        form.add_error("area_pcode", _("No admin area has this P-code."))
        return False
    operation = None
    if data["operation_code"]:
        operation = selectors.operation_list(actor=request.user).filter(code=data["operation_code"]).first()
        if operation is None:
            form.add_error("operation_code", _("No operation has this code."))
            return False
    try:
        services.role_grant(
            actor=request.user,
            user=subject,
            role=data["role"],
            area=area,
            operation=operation,
            expires_at=data["expires_at"],
            reason=data["reason"],
        )
    except ApplicationError as error:
        add_application_error(form, error, {"area": "area_pcode"})
        return False
    return True


@login_required
@require_POST
def assignment_revoke(request: HttpRequest, assignment_id: int) -> HttpResponse:
    try:
        assignment = selectors.assignment_get(actor=request.user, assignment_id=assignment_id, action=Perm.ADMINISTER)
    except ApplicationError:
        raise Http404 from None
    form = RevokeForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        services.role_revoke(actor=request.user, assignment=assignment, reason=reason)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Role revoked."))
    return redirect("accounts:user_detail", user_id=assignment.user_id)
