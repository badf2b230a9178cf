from __future__ import annotations

from datetime import datetime

from ninja import Field, Schema

from panah.core.roles import Role


class OrganisationOut(Schema):
    short_name: str
    name: str
    kind: str
    country: str


class GrantOut(Schema):
    id: int
    role: str
    role_label: str
    area_pcode: str
    area_name: str
    operation: str | None
    starts_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None
    reason: str

    @staticmethod
    def resolve_role_label(obj: object) -> str:
        return str(obj.get_role_display())  # type: ignore[attr-defined]

    @staticmethod
    def resolve_area_pcode(obj: object) -> str:
        return obj.area.pcode  # type: ignore[attr-defined,no-any-return]

    @staticmethod
    def resolve_area_name(obj: object) -> str:
        return obj.area.name  # type: ignore[attr-defined,no-any-return]

    @staticmethod
    def resolve_operation(obj: object) -> str | None:
        op = obj.operation  # type: ignore[attr-defined]
        return op.code if op else None


class UserOut(Schema):
    id: int
    username: str
    first_name: str
    last_name: str
    organisation: str | None
    is_active: bool
    preferred_language: str

    @staticmethod
    def resolve_organisation(obj: object) -> str | None:
        org = obj.organisation  # type: ignore[attr-defined]
        return org.short_name if org else None


class MeOut(Schema):
    id: int
    username: str
    first_name: str
    last_name: str
    organisation: str | None
    preferred_language: str
    roles: list[str]
    scope: list[dict[str, str | None]]
    two_factor_required: bool


class GrantIn(Schema):
    user_id: int
    role: Role
    area_pcode: str = Field(..., min_length=2, max_length=20)
    operation_code: str | None = Field(None, max_length=60)
    expires_at: datetime | None = None
    reason: str = Field("", max_length=300)


class RevokeIn(Schema):
    reason: str = Field("", max_length=300)


class TokenIn(Schema):
    name: str = Field(..., min_length=1, max_length=100)
    days: int = Field(90, ge=1, le=366)


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None
    last_used_at: datetime | None


class IssuedTokenOut(TokenOut):
    token: str = Field(..., description="The secret, shown this once. Send it as `Authorization: Bearer <token>`.")
