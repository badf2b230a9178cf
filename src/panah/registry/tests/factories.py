"""Registration inputs for tests: a plausible household of Charsadda (KP) unless told otherwise."""

from __future__ import annotations

import datetime
from typing import Any

from panah.registry.inputs import DocumentInput, HouseholdInput, MemberInput

TEHSIL = "PK50601"  # Charsadda, Khyber Pakhtunkhwa


def member(**overrides: Any) -> MemberInput:
    values: dict[str, Any] = {
        "given_name": "Muhammad Yousaf", "sex": "m", "relationship": "head", "father_name": "Gul Khan",
        "father_relation": "s/o", "family_name": "Khan", "date_of_birth": datetime.date(1980, 1, 1),
        "birth_estimated": True, "documents": [DocumentInput("cnic", "17301-1234567-1")],
    }  # fmt: skip
    values.update(overrides)
    return MemberInput(**values)


def household(**overrides: Any) -> HouseholdInput:
    values: dict[str, Any] = {
        "area_pcode": TEHSIL, "status": "idp", "consent_purpose": "Registration for assistance",
        "consent_date": datetime.date(2026, 11, 1), "consent_recorded_by": "Registration team 3",
        "phones": ["0301-2345678"],
        "members": [
            member(),
            member(given_name="Khadija", sex="f", relationship="spouse", father_name="Muhammad Yousaf",
                   father_relation="w/o", date_of_birth=datetime.date(1985, 1, 1),
                   documents=[DocumentInput("cnic", "17301-7654321-2")]),
            member(given_name="Ahmad", sex="m", relationship="child", father_name="Muhammad Yousaf",
                   date_of_birth=datetime.date(2015, 3, 14), birth_estimated=False, documents=[]),
        ],
    }  # fmt: skip
    values.update(overrides)
    return HouseholdInput(**values)
