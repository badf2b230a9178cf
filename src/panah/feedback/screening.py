"""The automatic half of the intake screen: words that suggest abuse, exploitation, harassment, bribery or
retaliation by aid workers. A message that uses them is sealed as "not sure" even when nobody asked the screening
question (SMS, WhatsApp) or it was answered "no": the PSEA focal point releases a false alarm to the complaints team,
while a real report that stayed in the team's view could never be taken back. Matching is by word start, on text
folded to lower case, in English, Urdu and Roman Urdu; the list is short on purpose (each word here seals).
"""

from __future__ import annotations

import re

from panah.feedback.choices import Screening

_STEMS = [
    # English
    "sexual", "rape", "raping", "molest", "harass", "exploit", "bribe", "kickback", "retaliat",
    # Roman Urdu
    "jinsi", "zyadti", "ziadti", "rishwat", "harasa",
    # Urdu
    "جنسی", "زیادتی", "ہراس", "رشوت", "استحصال",
]  # fmt: skip
_PATTERN = re.compile(r"(?<!\w)(" + "|".join(re.escape(s) for s in _STEMS) + ")", re.IGNORECASE)


def screen(text: str, answer: str) -> str:
    """The screening answer to record: the person's or operator's, raised to "not sure" when the words suggest it."""
    if answer in (Screening.YES, Screening.UNSURE):
        return answer
    return Screening.UNSURE if _PATTERN.search(text or "") else answer
