# ruff: noqa: E501  (rows of label tables read best one question per line)
"""Writes the DTM XLSForms (the .xlsx files next to this script) from the tables below.

The .xlsx files are the artefacts field teams open in Excel and upload to Kobo or ODK Central; this script is how
they are regenerated after a code list changes, so that every form and the importers agree on the codes (a test
compares the committed files with these tables). Run: `.venv/bin/python src/panah/dtm/xlsforms/build.py`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
VERSION = "2025060101"  # yyyymmddrr: ODK Collect and Kobo compare versions as text
EN, UR = "label::English (en)", "label::Urdu (ur)"
HINT_EN, HINT_UR = "hint::English (en)", "hint::Urdu (ur)"
MSG_EN, MSG_UR = "constraint_message::English (en)", "constraint_message::Urdu (ur)"
SURVEY_HEADER = ["type", "name", EN, UR, HINT_EN, HINT_UR, "required", "relevant", "constraint", MSG_EN, MSG_UR,
                 "default", "appearance"]  # fmt: skip
CHOICES_HEADER = ["list_name", "name", EN, UR]
SETTINGS_HEADER = ["form_title", "form_id", "version", "instance_name", "default_language", "style"]

NON_NEGATIVE = (". >= 0", "Zero or more.", "صفر یا اس سے زیادہ۔")
PCODE = ("regex(., '^PK[0-9]+$')", "A P-code such as PK70101.", "پی کوڈ جیسے PK70101۔")

# (list name, code, English, Urdu). Codes must equal panah.dtm.choices (tests/test_xlsforms.py checks).
CHOICES: list[tuple[str, str, str, str]] = [
    ("level", "LA", "Location assessment (tehsil, union council or village)", "مقامی جائزہ (تحصیل، یونین کونسل یا گاؤں)"),
    ("level", "BA", "Baseline assessment (district)", "بنیادی جائزہ (ضلع)"),
    ("population_group", "idp", "Displaced (IDP/TDP)", "بے گھر افراد"),
    ("population_group", "returnee", "Returnee", "واپس آنے والے"),
    ("displacement_reason", "flood", "Flood", "سیلاب"),
    ("displacement_reason", "conflict", "Conflict", "تنازع"),
    ("displacement_reason", "other", "Other", "دیگر"),
    ("shelter_type", "host_family", "With host family", "میزبان خاندان کے ساتھ"),
    ("shelter_type", "rented", "Rented", "کرائے پر"),
    ("shelter_type", "camp", "Camp or site", "کیمپ یا سائٹ"),
    ("shelter_type", "collective_centre", "Collective centre (school, public building)", "اجتماعی مرکز (اسکول، سرکاری عمارت)"),
    ("shelter_type", "makeshift", "Makeshift shelter or open air", "عارضی پناہ گاہ یا کھلی جگہ"),
    ("shelter_type", "own_damaged", "Own damaged house", "اپنا تباہ شدہ گھر"),
    ("shelter_type", "other", "Other", "دیگر"),
    ("need", "food", "Food", "خوراک"),
    ("need", "shelter", "Shelter", "پناہ گاہ"),
    ("need", "water", "Drinking water", "پینے کا پانی"),
    ("need", "sanitation", "Sanitation and hygiene", "صفائی اور حفظان صحت"),
    ("need", "health", "Health", "صحت"),
    ("need", "nfi", "Household items", "گھریلو اشیاء"),
    ("need", "livelihoods", "Livelihoods", "روزگار"),
    ("need", "cash", "Cash", "نقد رقم"),
    ("need", "protection", "Protection", "تحفظ"),
    ("need", "education", "Education", "تعلیم"),
    ("need", "documentation", "Documentation", "دستاویزات"),
    ("need", "transport", "Transport", "نقل و حمل"),
    ("yes_no", "yes", "Yes", "ہاں"),
    ("yes_no", "no", "No", "نہیں"),
    ("direction", "out", "Leaving Pakistan", "پاکستان سے روانگی"),
    ("direction", "in", "Entering Pakistan", "پاکستان میں داخلہ"),
    ("documentation_status", "por", "Proof of Registration card", "پی او آر کارڈ"),
    ("documentation_status", "acc", "Afghan Citizen Card", "افغان سٹیزن کارڈ"),
    ("documentation_status", "tazkira_passport", "Tazkira or passport", "تذکرہ یا پاسپورٹ"),
    ("documentation_status", "undocumented", "Undocumented", "بغیر دستاویزات"),
    ("return_type", "spontaneous", "Spontaneous", "رضاکارانہ"),
    ("return_type", "deported", "Deported", "ملک بدر"),
    ("return_type", "assisted", "Assisted (VolRep)", "معاونت کے ساتھ (VolRep)"),
    ("sex", "m", "Male", "مرد"),
    ("sex", "f", "Female", "عورت"),
    ("return_reason", "fear_of_arrest", "Fear of arrest or deportation", "گرفتاری یا ملک بدری کا خوف"),
    ("return_reason", "harassment", "Harassment or extortion", "ہراسانی یا بھتہ خوری"),
    ("return_reason", "economic", "No work or income", "کام یا آمدنی نہیں"),
    ("return_reason", "documents_expired", "Documents expired or not renewed", "دستاویزات کی میعاد ختم یا تجدید نہیں ہوئی"),
    ("return_reason", "family", "Family reunification", "خاندان سے دوبارہ ملاپ"),
    ("return_reason", "debt", "Debt", "قرض"),
    ("return_reason", "other", "Other", "دیگر"),
    # Codes must equal panah.geo's border crossings (geo/data/border_crossings.csv, the `id` column).
    ("crossing", "torkham", "Torkham", "طورخم"),
    ("crossing", "chaman", "Chaman", "چمن"),
    ("crossing", "angoor_adda", "Angoor Adda", "انگور اڈہ"),
    ("crossing", "ghulam_khan", "Ghulam Khan", "غلام خان"),
    ("crossing", "kharlachi", "Kharlachi", "خرلاچی"),
    ("crossing", "badini", "Badini", "بادینی"),
    ("crossing", "arandu", "Arandu", "ارندو"),
    ("crossing", "bin_shahi", "Bin Shahi", "بن شاہی"),
    ("crossing", "nawa_pass", "Nawa Pass", "نوا پاس"),
    ("crossing", "gursal", "Gursal", "گرسل"),
    ("crossing", "taftan", "Taftan", "تفتان"),
    ("crossing", "gabd", "Gabd", "گبد"),
    ("crossing", "mand", "Mand", "مند"),
    # Names must equal panah.dtm.importers_survey.PROVINCES (the canonical spellings).
    ("province", "Badakhshan", "Badakhshan", "بدخشاں"),
    ("province", "Badghis", "Badghis", "بادغیس"),
    ("province", "Baghlan", "Baghlan", "بغلان"),
    ("province", "Balkh", "Balkh", "بلخ"),
    ("province", "Bamyan", "Bamyan", "بامیان"),
    ("province", "Daykundi", "Daykundi", "دایکنڈی"),
    ("province", "Farah", "Farah", "فراہ"),
    ("province", "Faryab", "Faryab", "فاریاب"),
    ("province", "Ghazni", "Ghazni", "غزنی"),
    ("province", "Ghor", "Ghor", "غور"),
    ("province", "Helmand", "Helmand", "ہلمند"),
    ("province", "Herat", "Herat", "ہرات"),
    ("province", "Jawzjan", "Jawzjan", "جوزجان"),
    ("province", "Kabul", "Kabul", "کابل"),
    ("province", "Kandahar", "Kandahar", "قندھار"),
    ("province", "Kapisa", "Kapisa", "کاپیسا"),
    ("province", "Khost", "Khost", "خوست"),
    ("province", "Kunar", "Kunar", "کنڑ"),
    ("province", "Kunduz", "Kunduz", "قندوز"),
    ("province", "Laghman", "Laghman", "لغمان"),
    ("province", "Logar", "Logar", "لوگر"),
    ("province", "Nangarhar", "Nangarhar", "ننگرہار"),
    ("province", "Nimroz", "Nimroz", "نیمروز"),
    ("province", "Nuristan", "Nuristan", "نورستان"),
    ("province", "Paktika", "Paktika", "پکتیکا"),
    ("province", "Paktya", "Paktya", "پکتیا"),
    ("province", "Panjshir", "Panjshir", "پنجشیر"),
    ("province", "Parwan", "Parwan", "پروان"),
    ("province", "Samangan", "Samangan", "سمنگان"),
    ("province", "Sar-e-Pul", "Sar-e-Pul", "سرپل"),
    ("province", "Takhar", "Takhar", "تخار"),
    ("province", "Uruzgan", "Uruzgan", "ارزگان"),
    ("province", "Wardak", "Wardak", "وردک"),
    ("province", "Zabul", "Zabul", "زابل"),
]  # fmt: skip


def q(kind: str, name: str, en: str, ur: str, **extra: Any) -> dict[str, Any]:
    return {"type": kind, "name": name, EN: en, UR: ur, **extra}


def count(name: str, en: str, ur: str, constraint: tuple[str, str, str] = NON_NEGATIVE, **extra: Any) -> dict[str, Any]:
    expr, msg_en, msg_ur = constraint
    return q("integer", name, en, ur, constraint=expr, **{MSG_EN: msg_en, MSG_UR: msg_ur}, **extra)


def pcode(name: str, en: str, ur: str, **extra: Any) -> dict[str, Any]:
    expr, msg_en, msg_ur = PCODE
    return q("text", name, en, ur, constraint=expr, **{MSG_EN: msg_en, MSG_UR: msg_ur}, **extra)


# The round is an integer question, not a list: rounds open and close on the server while a form on a phone lives
# for months, so a baked-in list would go stale. Supervisors give enumerators the round id; the server refuses a
# submission for a round that is not an open draft, with a message Collect shows.
ROUND = count("round_id", "Round id (from your supervisor)", "راؤنڈ آئی ڈی (اپنے سپروائزر سے)", required="yes",
              constraint=(". > 0", "The round id is a positive number.", "راؤنڈ آئی ڈی مثبت عدد ہے۔"))  # fmt: skip
INDIVIDUALS = (". >= ${households}", "At least the number of households.", "کم از کم گھرانوں کی تعداد کے برابر۔")
NEEDS = q("select_multiple need", "priority_needs", "Priority needs (up to three)", "ترجیحی ضروریات (زیادہ سے زیادہ تین)",
          constraint="count-selected(.) <= 3", **{MSG_EN: "Three at most.", MSG_UR: "زیادہ سے زیادہ تین۔"})  # fmt: skip


def _sum_of(parts: tuple[str, ...]) -> tuple[str, str, str]:
    # An unanswered part is NaN in XPath arithmetic: check the sum only once every part has an answer.
    others = parts[:-1]
    answered = " and ".join(f"${{{p}}} != ''" for p in others)
    total = " + ".join(f"${{{p}}}" for p in others)
    expr = f". >= 0 and (not({answered}) or . + {total} = ${{individuals}})"
    return expr, "Must add up to individuals.", "کل افراد کے برابر ہونا چاہیے۔"


LOCATION = [
    ROUND,
    q("begin_group", "location", "Location", "مقام"),
    q("select_one level", "level", "Assessment level", "جائزے کی سطح", required="yes", default="LA"),
    pcode("district_pcode", "District P-code", "ضلع کا پی کوڈ", required="yes"),
    pcode("admin_pcode", "Tehsil P-code (the district itself for a baseline)", "تحصیل کا پی کوڈ", required="yes"),
    q("text", "location_name", "Union council or village", "یونین کونسل یا گاؤں", relevant="${level} = 'LA'"),
    q("end_group", "location", "", ""),
    q("begin_group", "population", "Population", "آبادی"),
    q("select_one population_group", "population_group", "Population group", "آبادی کا گروپ", required="yes"),
    q("select_one displacement_reason", "displacement_reason", "Displacement reason", "نقل مکانی کی وجہ", required="yes"),
    pcode("origin_pcode", "Area of origin P-code", "اصل علاقے کا پی کوڈ"),
    count("households", "Households", "گھرانے", required="yes"),
    count("individuals", "Individuals", "افراد", INDIVIDUALS, required="yes"),
    count("males", "Males", "مرد"),
    count("females", "Females", "خواتین", _sum_of(("males", "females"))),
    count("children", "Children (0-17)", "بچے (0-17)"),
    count("adults", "Adults (18-59)", "بالغ (18-59)"),
    count("elderly", "Elderly (60+)", "بزرگ (60+)", _sum_of(("children", "adults", "elderly"))),
    q("end_group", "population", "", ""),
    q("date", "displaced_since", "Displaced since", "کب سے بے گھر", relevant="${population_group} = 'idp'",
      constraint=". <= today()", **{MSG_EN: "Not in the future.", MSG_UR: "مستقبل کی تاریخ نہیں۔"}),
    q("select_one shelter_type", "shelter_type", "Main shelter type", "پناہ کی بنیادی قسم",
      relevant="${population_group} = 'idp'"),
    NEEDS,
]  # fmt: skip

SITE = [
    ROUND,
    q("text", "site", "Site name or id", "سائٹ کا نام یا آئی ڈی", required="yes"),
    q("date", "assessed_on", "Assessed on", "جائزے کی تاریخ", required="yes", default="today"),
    q("text", "managing_agency", "Managing agency", "انتظامی ادارہ"),
    q("begin_group", "population", "Population", "آبادی"),
    count("households", "Households", "گھرانے", required="yes"),
    count("individuals", "Individuals", "افراد", INDIVIDUALS, required="yes"),
    count("males", "Males", "مرد"),
    count("females", "Females", "خواتین", _sum_of(("males", "females"))),
    count("children", "Children (0-17)", "بچے (0-17)"),
    count("elderly", "Elderly (60+)", "بزرگ (60+)"),
    q("end_group", "population", "", ""),
    q("begin_group", "services", "Services", "خدمات"),
    q("decimal", "water_litres_per_person_day", "Water, litres per person per day", "پانی، لیٹر فی فرد فی دن",
      constraint=". >= 0 and . <= 500", **{MSG_EN: "Between 0 and 500.", MSG_UR: "0 اور 500 کے درمیان۔"}),
    count("functioning_water_points", "Functioning water points", "کام کرنے والے پانی کے مقامات"),
    count("functioning_latrines", "Functioning latrines", "کام کرنے والے بیت الخلاء"),
    count("distance_to_water_m", "Distance to water (m)", "پانی تک فاصلہ (میٹر)",
          (". >= 0 and . <= 50000", "Between 0 and 50000.", "0 اور 50000 کے درمیان۔")),
    q("decimal", "covered_space_m2_per_person", "Covered space, m² per person", "ڈھکی ہوئی جگہ، مربع میٹر فی فرد",
      constraint=". >= 0 and . <= 100", **{MSG_EN: "Between 0 and 100.", MSG_UR: "0 اور 100 کے درمیان۔"}),
    q("select_one yes_no", "latrines_sex_segregated", "Latrines separate for women and men?", "کیا بیت الخلاء خواتین اور مردوں کے لیے الگ ہیں؟",
      relevant="${functioning_latrines} > 0"),
    q("select_one yes_no", "health_facility_access", "Access to a health facility?", "صحت مرکز تک رسائی؟"),
    q("select_one yes_no", "waste_management", "Waste management in place?", "کچرے کا انتظام موجود ہے؟"),
    q("select_one yes_no", "lighting", "Lighting at night?", "رات کو روشنی؟"),
    count("security_incidents", "Security incidents (last 30 days)", "سیکیورٹی واقعات (پچھلے 30 دن)"),
    q("end_group", "services", "", ""),
    NEEDS,
]  # fmt: skip

FLOW_COUNTS = [
    ("men", "Men", "مرد"), ("women", "Women", "خواتین"), ("boys", "Boys", "لڑکے"), ("girls", "Girls", "لڑکیاں"),
    ("unaccompanied_children", "Unaccompanied children", "اکیلے بچے"),
    ("persons_with_disability", "Persons with disability", "معذور افراد"),
    ("pregnant_or_lactating", "Pregnant or lactating women", "حاملہ یا دودھ پلانے والی خواتین"),
    ("older_persons", "Older persons", "بزرگ افراد"),
]  # fmt: skip

FLOW = [
    ROUND,
    q("text", "crossing", "Crossing point code", "سرحدی گزرگاہ کا کوڈ", required="yes",
      **{HINT_EN: "As listed by your supervisor, e.g. torkham.", HINT_UR: "سپروائزر کی فہرست کے مطابق، مثلاً torkham۔"}),
    q("date", "date", "Date of the count", "گنتی کی تاریخ", required="yes", default="today"),
    q("select_one direction", "direction", "Direction", "سمت", required="yes"),
    q("select_one documentation_status", "documentation_status", "Documentation status", "دستاویزات کی حیثیت", required="yes"),
    q("select_one return_type", "return_type", "Return type", "واپسی کی قسم", required="yes"),
    q("begin_group", "people", "People counted (empty means 0)", "گنے گئے افراد (خالی کا مطلب 0)"),
    *(count(name, en, ur) for name, en, ur in FLOW_COUNTS),
    q("end_group", "people", "", ""),
]  # fmt: skip

# The interview stops at a refusal: every question after consent sits in a group relevant only on "yes", so a
# refused interview carries nothing but the round and the refusal, and the server records it without importing.
# The round comes first because it is the enumerator's, not the respondent's: the server needs it to check the right.
CONSENTED = "${consent} = 'yes'"
SURVEY = [
    ROUND,
    q("select_one yes_no", "consent", "Read the consent statement. Does the person agree to be interviewed?",
      "رضامندی کا بیان پڑھیں۔ کیا یہ شخص انٹرویو دینے پر رضامند ہے؟", required="yes",
      **{HINT_EN: "Answers are anonymous; the person may stop at any time. If not, save the form: the interview ends.",
         HINT_UR: "جوابات گمنام ہیں؛ یہ شخص کسی بھی وقت رک سکتا ہے۔ اگر نہیں، تو فارم محفوظ کریں: انٹرویو ختم۔"}),
    q("begin_group", "interview", "Interview", "انٹرویو", relevant=CONSENTED),
    q("select_one crossing", "crossing", "Crossing point", "سرحدی گزرگاہ", required="yes"),
    q("date", "interviewed_on", "Interviewed on", "انٹرویو کی تاریخ", required="yes", default="today",
      constraint=". <= today()", **{MSG_EN: "Not in the future.", MSG_UR: "مستقبل کی تاریخ نہیں۔"}),
    q("text", "respondent_id", "Respondent's document or phone number", "جواب دہندہ کا دستاویز یا فون نمبر",
      required="yes", **{HINT_EN: "Used only to spot repeat interviews: Panah keeps a keyed hash and never stores the number.",
                         HINT_UR: "صرف دہرائے گئے انٹرویو پہچاننے کے لیے: پناہ صرف ہیش رکھتا ہے، نمبر کبھی محفوظ نہیں کرتا۔"}),
    q("select_one sex", "sex", "Sex", "جنس", required="yes"),
    q("integer", "age", "Age", "عمر", constraint=". >= 0 and . <= 120",
      **{MSG_EN: "Between 0 and 120.", MSG_UR: "0 اور 120 کے درمیان۔"}),
    q("select_one documentation_status", "documentation_status", "Documentation status", "دستاویزات کی حیثیت", required="yes"),
    q("select_one return_type", "return_type", "Return type", "واپسی کی قسم", required="yes"),
    q("select_one province", "intended_destination", "Intended destination (province of Afghanistan)",
      "متوقع منزل (افغانستان کا صوبہ)", required="yes", appearance="minimal"),
    q("select_multiple return_reason", "reasons", "Reasons for return", "واپسی کی وجوہات", required="yes"),
    q("select_multiple need", "needs", "Needs, most pressing first (up to three)", "ضروریات، سب سے اہم پہلے (زیادہ سے زیادہ تین)",
      constraint="count-selected(.) <= 3", **{MSG_EN: "Three at most.", MSG_UR: "زیادہ سے زیادہ تین۔"}),
    q("end_group", "interview", "", ""),
]  # fmt: skip

FORMS: dict[str, tuple[str, list[dict[str, Any]], str]] = {
    "dtm_location_assessment": ("DTM location assessment", LOCATION,
                                "concat(${admin_pcode}, ' ', ${population_group}, ' ', ${displacement_reason})"),
    "dtm_site_assessment": ("DTM site assessment", SITE, "concat(${site}, ' ', ${assessed_on})"),
    "dtm_flow_count": ("DTM daily flow count", FLOW, "concat(${crossing}, ' ', ${date}, ' ', ${direction})"),
    "dtm_flow_survey": ("DTM flow monitoring interview", SURVEY,
                        "if(${consent} = 'yes', concat(${crossing}, ' ', ${interviewed_on}), 'refused')"),
}  # fmt: skip


def sheets(form_id: str) -> dict[str, list[list[Any]]]:
    """The rows of each sheet of one form, header first."""
    title, survey, instance_name = FORMS[form_id]
    used = {row["type"].split(" ", 1)[1] for row in survey if row["type"].startswith("select_")}
    return {
        "survey": [SURVEY_HEADER, *([row.get(col, "") for col in SURVEY_HEADER] for row in survey)],
        "choices": [CHOICES_HEADER, *([*c] for c in CHOICES if c[0] in used)],
        "settings": [SETTINGS_HEADER, [title, form_id, VERSION, instance_name, "English (en)", "pages"]],
    }


def write(form_id: str, directory: Path = HERE) -> Path:
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets(form_id).items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(row)
    path = directory / f"{form_id}.xlsx"
    workbook.save(path)
    return path


if __name__ == "__main__":
    for form_id in FORMS:
        print(write(form_id))
