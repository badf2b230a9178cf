"""Accounts API: who am I, the user directory, role grants and revocations, personal tokens."""

# No `from __future__ import annotations`: ninja's paginate() cannot resolve string annotations like Query[...].

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate

from panah.accounts import selectors, services, twofactor
from panah.accounts.schemas import (
    GrantIn,
    GrantOut,
    IssuedTokenOut,
    MeOut,
    OrganisationOut,
    RevokeIn,
    TokenIn,
    TokenOut,
    UserOut,
)
from panah.core.errors import ApplicationError, FieldError, invalid
from panah.core.pagination import Pagination
from panah.core.permissions import roles_of
from panah.core.schemas import ERRORS
from panah.geo import selectors as geo_selectors

router = Router()


class UserFilters(Schema):
    q: str = ""
    organisation: str = ""
    role: str = ""


@router.get("/me", response={200: MeOut, **ERRORS}, summary="The signed-in user, their roles and scope")
def me(request: HttpRequest) -> Any:
    user = request.user
    scope = [
        {"role": s.role, "area_pcode": s.area_pcode, "area_name": s.area_name, "operation": s.operation}
        for s in selectors.my_scope(user=user)  # type: ignore[arg-type]
    ]
    return {
        "id": user.pk,
        "username": user.get_username(),
        "first_name": user.first_name,  # type: ignore[union-attr]
        "last_name": user.last_name,  # type: ignore[union-attr]
        "organisation": user.organisation.short_name if user.organisation else None,  # type: ignore[union-attr]
        "preferred_language": user.preferred_language,  # type: ignore[union-attr]
        "roles": sorted(roles_of(user)),
        "scope": scope,
        "two_factor_required": twofactor.required_for(user),
    }


@router.get("/organisations", response={200: list[OrganisationOut], **ERRORS})
@paginate(Pagination)
def organisations(request: HttpRequest) -> Any:
    return selectors.organisation_list(actor=request.user)


@router.get("/users", response={200: list[UserOut], **ERRORS})
@paginate(Pagination)
def users(request: HttpRequest, filters: Query[UserFilters]) -> Any:
    return selectors.user_list(actor=request.user, **filters.dict())


@router.get("/users/{user_id}", response={200: UserOut, **ERRORS})
def user_detail(request: HttpRequest, user_id: int) -> Any:
    return selectors.user_get(actor=request.user, user_id=user_id)


@router.get("/users/{user_id}/role-assignments", response={200: list[GrantOut], **ERRORS})
def user_assignments(request: HttpRequest, user_id: int) -> Any:
    user = selectors.user_get(actor=request.user, user_id=user_id)
    return list(selectors.assignment_list(actor=request.user, user=user))


@router.post("/role-assignments", response={201: GrantOut, **ERRORS}, summary="Grant a role over an area")
def grant(request: HttpRequest, payload: GrantIn) -> Any:
    user = selectors.user_get(actor=request.user, user_id=payload.user_id)
    area = _area_for_grant(request.user, payload.area_pcode)
    operation = _operation_for_grant(request.user, payload.operation_code)
    assignment = services.role_grant(
        actor=request.user,
        user=user,
        role=payload.role,
        area=area,
        operation=operation,
        expires_at=payload.expires_at,
        reason=payload.reason,
    )
    return Status(201, assignment)


@router.post("/role-assignments/{assignment_id}/revoke", response={200: GrantOut, **ERRORS}, summary="Revoke a role")
def revoke(request: HttpRequest, assignment_id: int, payload: RevokeIn) -> Any:
    assignment = selectors.assignment_get(actor=request.user, assignment_id=assignment_id, action="administer")
    return services.role_revoke(actor=request.user, assignment=assignment, reason=payload.reason)


@router.get("/tokens", response={200: list[TokenOut], **ERRORS}, summary="My API tokens")
def token_list(request: HttpRequest) -> Any:
    return list(selectors.token_list(actor=request.user))


@router.post("/tokens", response={201: IssuedTokenOut, **ERRORS}, summary="Issue a personal API token")
def token_create(request: HttpRequest, payload: TokenIn) -> Any:
    issued = services.token_create(actor=request.user, name=payload.name, days=payload.days)  # type: ignore[arg-type]
    return Status(201, {**TokenOut.from_orm(issued.token).dict(), "token": issued.secret})


@router.delete("/tokens/{token_id}", response={204: None, **ERRORS}, summary="Revoke one of my tokens")
def token_revoke(request: HttpRequest, token_id: int) -> Any:
    token = selectors.token_get(actor=request.user, token_id=token_id)
    services.token_revoke(actor=request.user, token=token)  # type: ignore[arg-type]
    return Status(204, None)


def _area_for_grant(actor: Any, pcode: str) -> Any:
    try:
        return geo_selectors.area_get(actor=actor, pcode=pcode)
    except ApplicationError:
        raise invalid(
            "Unknown admin area.", FieldError("area_pcode", f"No admin area has the P-code {pcode!r}.")
        ) from None


def _operation_for_grant(actor: Any, code: str | None) -> Any:
    if not code:
        return None
    operation = selectors.operation_list(actor=actor).filter(code=code).first()
    if operation is None:
        raise invalid("Unknown operation.", FieldError("operation_code", f"No operation has the code {code!r}."))
    return operation
