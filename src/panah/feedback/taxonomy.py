"""The default taxonomy and its service-level targets (background note, sections 2.3 and 2.4): loaded by a migration,
then the mission's to change. Hours are working hours (24 a working day) unless marked elapsed."""

from __future__ import annotations

from typing import Any

DAY = 24
# code, name, Urdu name, sensitive, needs a response, routing, {step: (hours, working time)}
DEFAULT: list[tuple[str, str, str, bool, bool, str, dict[str, tuple[int, bool]]]] = [
    ("info", "Request for information", "معلومات کی درخواست", False, True, "CFM officer", {"respond": (3 * DAY, True)}),
    ("assist", "Request for assistance", "امداد کی درخواست", False, True, "Programme focal point", {}),
    ("praise", "Positive feedback", "مثبت رائے", False, False, "Shared with the team", {}),
    (
        "suggestion",
        "Suggestion or minor dissatisfaction",
        "تجویز یا معمولی ناراضی",
        False,
        False,
        "Programme focal point",
        {},
    ),
    ("complaint", "Complaint (not sensitive)", "شکایت (غیر حساس)", False, True, "Programme manager", {}),
    ("data", "Personal data request", "ذاتی معلومات سے متعلق درخواست", False, True, "Data protection focal point", {}),
    (
        "safety",
        "Safety or protection risk",
        "حفاظت یا تحفظ کا خطرہ",
        False,
        True,
        "Protection case management (with consent)",
        {"triage": (4, False), "respond": (24, False)},
    ),
    ("sea", "Sexual exploitation or abuse", "جنسی استحصال یا بدسلوکی", True, True, "PSEA focal point", {}),
    ("harassment", "Sexual harassment", "جنسی ہراسانی", True, True, "PSEA focal point", {}),
    ("fraud", "Fraud or corruption", "دھوکہ دہی یا بدعنوانی", True, True, "Restricted focal point", {}),
    ("misconduct", "Other staff misconduct", "عملے کا دیگر ناروا رویہ", True, True, "Restricted focal point", {}),
    (
        "retaliation",
        "Retaliation for reporting",
        "شکایت کرنے پر انتقامی کارروائی",
        True,
        True,
        "Ethics and Conduct Office",
        {},
    ),
    (
        "out-of-scope",
        "Out of scope",
        "دائرہ کار سے باہر",
        False,
        True,
        "Referral with consent",
        {"respond": (5 * DAY, True)},
    ),
]


def load(category_model: Any, target_model: Any) -> None:
    """Create the default categories that do not exist yet (by code); existing ones are the mission's and stay."""
    for position, (code, name, name_ur, sensitive, needs_response, routing, targets) in enumerate(DEFAULT):
        category, created = category_model.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "name_ur": name_ur,
                "sensitive": sensitive,
                "needs_response": needs_response,
                "routing": routing,
                "position": position,
            },
        )
        if created:
            for step, (hours, working) in targets.items():
                target_model.objects.create(category=category, step=step, hours=hours, working_time=working)
