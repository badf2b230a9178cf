# ruff: noqa: E501  (rows of label tables read best one question per line)
"""Writes the household registration XLSForm (registry_household.xlsx, next to this script) from the tables below.

The .xlsx is what field teams upload to Kobo or ODK Central and what Panah serves to ODK Collect; this script is how
it is regenerated after a code list changes, so that the form and the importer agree on the codes (a test compares
the committed file with these tables). Run: `.venv/bin/python src/panah/registry/xlsforms/build.py`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
FORM_ID = "registry_household"
VERSION = "2026110101"  # yyyymmddrr: ODK Collect and Kobo compare versions as text
EN, UR = "label::English (en)", "label::Urdu (ur)"
HINT_EN, HINT_UR = "hint::English (en)", "hint::Urdu (ur)"
MSG_EN, MSG_UR = "constraint_message::English (en)", "constraint_message::Urdu (ur)"
SURVEY_HEADER = ["type", "name", EN, UR, HINT_EN, HINT_UR, "required", "relevant", "constraint", MSG_EN, MSG_UR,
                 "default", "appearance", "parameters"]  # fmt: skip
CHOICES_HEADER = ["list_name", "name", EN, UR]
SETTINGS_HEADER = ["form_title", "form_id", "version", "instance_name", "default_language", "style"]

# (list name, code, English, Urdu). Codes must equal panah.registry.models (tests/test_importers.py checks).
CHOICES: list[tuple[str, str, str, str]] = [
    ("yes_no", "yes", "Yes", "ہاں"),
    ("yes_no", "no", "No", "نہیں"),
    # Stored as the household's consent purpose: the code says it in words.
    ("consent_purpose", "registration_for_assistance", "Registration for humanitarian assistance", "انسانی امداد کے لیے اندراج"),
    ("consent_purpose", "assistance_and_referral", "Registration for assistance and referral to partners", "امداد اور شراکت داروں کو حوالے کے لیے اندراج"),
    ("status", "idp", "Internally displaced (IDP/TDP)", "اندرونی طور پر بے گھر"),
    ("status", "returnee", "Returnee", "واپس آنے والے"),
    ("status", "host", "Host community", "میزبان برادری"),
    ("status", "afghan", "Afghan national", "افغان شہری"),
    ("documentation", "por", "Proof of Registration card holder", "پی او آر کارڈ ہولڈر"),
    ("documentation", "acc", "Afghan Citizen Card holder", "افغان سٹیزن کارڈ ہولڈر"),
    ("documentation", "undocumented", "Undocumented", "بغیر دستاویزات"),
    ("relationship", "head", "Head of household", "گھر کا سربراہ"),
    ("relationship", "spouse", "Wife or husband", "بیوی یا شوہر"),
    ("relationship", "child", "Son or daughter", "بیٹا یا بیٹی"),
    ("relationship", "parent", "Father or mother", "والد یا والدہ"),
    ("relationship", "sibling", "Brother or sister", "بھائی یا بہن"),
    ("relationship", "grandchild", "Grandchild", "پوتا پوتی یا نواسا نواسی"),
    ("relationship", "relative", "Other relative", "دیگر رشتہ دار"),
    ("relationship", "non_relative", "Not related", "غیر رشتہ دار"),
    ("father_relation", "s/o", "son of (s/o)", "ولد"),
    ("father_relation", "d/o", "daughter of (d/o)", "بنت"),
    ("father_relation", "w/o", "wife of (w/o)", "زوجہ"),
    ("sex", "m", "Male", "مرد"),
    ("sex", "f", "Female", "عورت"),
    ("document_type", "cnic", "CNIC (Pakistani national identity card)", "شناختی کارڈ (CNIC)"),
    ("document_type", "bform", "B-form (child registration certificate)", "ب فارم"),
    ("document_type", "por", "PoR card", "پی او آر کارڈ"),
    ("document_type", "acc", "Afghan Citizen Card", "افغان سٹیزن کارڈ"),
    ("document_type", "tazkira", "Tazkira", "تذکرہ"),
    ("document_type", "passport", "Passport", "پاسپورٹ"),
    ("wg", "1", "No difficulty", "کوئی دشواری نہیں"),
    ("wg", "2", "Some difficulty", "کچھ دشواری"),
    ("wg", "3", "A lot of difficulty", "بہت زیادہ دشواری"),
    ("wg", "4", "Cannot do at all", "بالکل نہیں کر سکتے"),
]  # fmt: skip


def q(kind: str, name: str, en: str, ur: str, **extra: Any) -> dict[str, Any]:
    return {"type": kind, "name": name, EN: en, UR: ur, **extra}


def constrained(kind: str, name: str, en: str, ur: str, rule: tuple[str, str, str], **extra: Any) -> dict[str, Any]:
    expr, msg_en, msg_ur = rule
    return q(kind, name, en, ur, constraint=expr, **{MSG_EN: msg_en, MSG_UR: msg_ur}, **extra)


NOT_FUTURE = (". <= today()", "Not in the future.", "مستقبل کی تاریخ نہیں۔")
TEHSIL = ("regex(., '^PK[0-9]{5}$')", "A tehsil P-code such as PK50601.", "تحصیل کا پی کوڈ جیسے PK50601۔")
PHONE = ("regex(., '^[+0-9 -]{10,18}$')", "A phone number such as 0301-2345678.", "فون نمبر جیسے 0301-2345678۔")
# Photos are sent over slow connections: Collect scales them down before sending.
SMALL_IMAGE = "max-pixels=1024"
AGE = (". >= 0 and . <= 120", "Between 0 and 120.", "0 اور 120 کے درمیان۔")
WG_QUESTIONS = [
    ("seeing", "Difficulty seeing, even if wearing glasses?", "کیا عینک لگا کر بھی دیکھنے میں دشواری ہے؟"),
    ("hearing", "Difficulty hearing, even if using a hearing aid?", "کیا آلۂ سماعت کے ساتھ بھی سننے میں دشواری ہے؟"),
    ("walking", "Difficulty walking or climbing steps?", "کیا چلنے یا سیڑھیاں چڑھنے میں دشواری ہے؟"),
    ("remembering", "Difficulty remembering or concentrating?", "کیا یاد رکھنے یا توجہ دینے میں دشواری ہے؟"),
    ("self_care", "Difficulty with self-care, such as washing or dressing?", "کیا اپنی دیکھ بھال، جیسے نہانے یا کپڑے پہننے میں دشواری ہے؟"),
    ("communicating", "Difficulty communicating in the usual language?", "کیا اپنی زبان میں بات سمجھنے یا سمجھانے میں دشواری ہے؟"),
]  # fmt: skip

# Consent comes first. Everything after it sits in a group or repeat relevant only on "yes", so a refusal carries
# nothing but the refusal: the server records it and imports nothing.
CONSENTED = "${consent} = 'yes'"
SURVEY = [
    q("select_one yes_no", "consent", "Read the consent statement. Does the household agree to be registered?",
      "رضامندی کا بیان پڑھیں۔ کیا گھرانہ اندراج پر رضامند ہے؟", required="yes",
      **{HINT_EN: "If not, save the form: the registration ends and nothing is recorded about the household.",
         HINT_UR: "اگر نہیں، تو فارم محفوظ کریں: اندراج ختم ہو جائے گا اور گھرانے کے بارے میں کچھ محفوظ نہیں ہوگا۔"}),
    q("begin_group", "household", "Household", "گھرانہ", relevant=CONSENTED),
    q("select_one consent_purpose", "consent_purpose", "What did the household consent to?", "گھرانے نے کس بات پر رضامندی دی؟", required="yes"),
    constrained("date", "consent_date", "Date of consent", "رضامندی کی تاریخ", NOT_FUTURE, required="yes", default="today"),
    q("text", "consent_recorded_by", "Your name (who took the consent)", "آپ کا نام (جس نے رضامندی لی)", required="yes"),
    q("image", "consent_signature", "Signature or thumbprint of the head of household", "گھر کے سربراہ کے دستخط یا انگوٹھے کا نشان",
      required="yes", appearance="signature", parameters=SMALL_IMAGE),
    constrained("text", "area_pcode", "Tehsil P-code", "تحصیل کا پی کوڈ", TEHSIL, required="yes"),
    q("text", "site", "Site id (if the household lives on a site)", "سائٹ آئی ڈی (اگر گھرانہ کسی سائٹ پر رہتا ہے)"),
    q("select_one status", "status", "Status", "حیثیت", required="yes"),
    q("select_one documentation", "documentation", "Documentation", "دستاویزات", required="yes",
      relevant="${status} = 'afghan'"),
    constrained("text", "phone", "Phone number", "فون نمبر", PHONE),
    constrained("text", "phone_2", "Second phone number", "دوسرا فون نمبر", PHONE, relevant="${phone} != ''"),
    q("text", "address", "Address", "پتہ"),
    q("end_group", "household", "", ""),
    q("begin_repeat", "members", "Household member", "گھرانے کا فرد", relevant=CONSENTED),
    q("select_one relationship", "relationship", "Relationship to the head of household", "گھر کے سربراہ سے رشتہ", required="yes",
      **{HINT_EN: "Register the head first.", HINT_UR: "پہلے سربراہ کا اندراج کریں۔"}),
    q("text", "given_name", "Given name", "نام", required="yes"),
    q("select_one father_relation", "father_relation", "Second name given as", "دوسرا نام بطور"),
    q("text", "father_name", "Father's name (husband's for w/o)", "والد کا نام (زوجہ کے لیے شوہر کا)"),
    q("text", "family_name", "Family or tribe name", "خاندان یا قبیلے کا نام"),
    q("select_one sex", "sex", "Sex", "جنس", required="yes"),
    constrained("date", "date_of_birth", "Date of birth (leave empty if not known)", "تاریخ پیدائش (معلوم نہ ہو تو خالی چھوڑیں)", NOT_FUTURE),
    constrained("integer", "age", "Age in years", "عمر (سال)", AGE, required="yes", relevant="${date_of_birth} = ''"),
    q("select_one yes_no", "birth_estimated", "Is the date of birth an estimate?", "کیا تاریخ پیدائش اندازاً ہے؟",
      relevant="${date_of_birth} != ''"),
    q("select_one document_type", "document_type", "Identity document", "شناختی دستاویز"),
    q("text", "document_number", "Document number", "دستاویز نمبر", required="yes", relevant="${document_type} != ''"),
    q("image", "document_photo", "Photo of the document", "دستاویز کی تصویر", relevant="${document_type} != ''",
      parameters=SMALL_IMAGE),
    *(q("select_one wg", f"wg_{name}", en, ur) for name, en, ur in WG_QUESTIONS),
    q("select_one yes_no", "pregnant_lactating", "Pregnant or breastfeeding?", "حاملہ یا دودھ پلانے والی؟", relevant="${sex} = 'f'"),
    q("select_one yes_no", "chronic_illness", "Chronic illness?", "دائمی بیماری؟"),
    q("select_one yes_no", "separated_child", "A child separated from their parents or caregivers?", "والدین یا سرپرست سے بچھڑا ہوا بچہ؟",
      relevant="${date_of_birth} != '' or ${age} < 18"),
    q("end_repeat", "members", "", ""),
]  # fmt: skip

TITLE = "Household registration"
INSTANCE_NAME = "if(${consent} = 'yes', concat(${area_pcode}, ' ', ${consent_date}), 'refused')"


def sheets() -> dict[str, list[list[Any]]]:
    """The rows of each sheet of the form, header first."""
    used = {row["type"].split(" ", 1)[1] for row in SURVEY if row["type"].startswith("select_")}
    return {
        "survey": [SURVEY_HEADER, *([row.get(col, "") for col in SURVEY_HEADER] for row in SURVEY)],
        "choices": [CHOICES_HEADER, *([*c] for c in CHOICES if c[0] in used)],
        "settings": [SETTINGS_HEADER, [TITLE, FORM_ID, VERSION, INSTANCE_NAME, "English (en)", "pages"]],
    }


def write(directory: Path = HERE) -> Path:
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets().items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(row)
    path = directory / f"{FORM_ID}.xlsx"
    workbook.save(path)
    return path


if __name__ == "__main__":
    print(write())
