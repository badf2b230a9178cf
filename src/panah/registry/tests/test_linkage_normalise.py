import pytest
from hypothesis import given
from hypothesis import strategies as st

from panah.registry.linkage import cnic_check, name_key, normalise_document, normalise_phone
from panah.registry.linkage.normalise import family_key, normalise_sex

NAME_TEXT = st.text(alphabet=st.sampled_from(list("abcdefhiklmnoqrstuvwyzABDHKMRSUY -'.")), max_size=40)
VARIANTS = [
    ("Muhammad Yousaf", "Mohd Yusuf", "Mohammed Yousuf", "Yousaf"),
    ("Habibullah", "Habib Ullah", "Habib-ullah", "HABIBULLAH"),
    ("Abdul Rehman", "Abdur Rahman", "Abdulrehman", "abdul rahman"),
    ("Zia ud Din", "Ziauddin", "Zia-ud-Din"),
    ("Fatima", "Fatimah", "FATIMA"),
    ("Ayesha", "Aisha", "Aysha"),
    ("Qasim", "Kasim", "Qaasim"),
    ("Muhammad Sarwar", "Sarvar"),
    ("Rehmatullah", "Rahmat Ullah"),
]


@given(NAME_TEXT)
def test_name_key_is_idempotent(text):
    key = name_key(text)

    assert name_key(key) == key
    assert family_key(family_key(text)) == family_key(text)


@given(NAME_TEXT, st.sampled_from(["", " ", "  ", "-", "."]), st.booleans())
def test_name_key_ignores_case_punctuation_and_a_leading_muhammad(text, separator, upper):
    written = text.upper() if upper else text

    assert name_key(f"Muhammad{separator or ' '}{written}") == (name_key(written) or "mhmd")
    assert name_key(f" {written} ") == name_key(text.replace("-", " ").replace("'", " ").replace(".", " "))


@pytest.mark.parametrize("variants", VARIANTS)
def test_transliteration_variants_share_a_key(variants):
    keys = {name_key(variant) for variant in variants}

    assert len(keys) == 1


def test_distinct_names_keep_distinct_keys():
    names = ["Yousaf", "Habib", "Habibullah", "Fatima", "Zainab", "Hassan", "Imran", "Rehman"]

    assert len({name_key(name) for name in names}) == len(names)


@pytest.mark.parametrize("text", ["Bibi", "bibie", "Begum", "Mai", ""])
def test_honorific_family_names_are_missing(text):
    assert family_key(text) == ""


def test_honorific_in_a_given_name_is_dropped_when_other_tokens_remain():
    assert name_key("Nazia Bibi") == name_key("Nazia")
    assert name_key("Bibi") != ""


@given(st.text(alphabet=st.sampled_from(list("0123456789 +-()")), max_size=20))
def test_normalise_phone_is_idempotent(text):
    phone = normalise_phone(text)

    assert normalise_phone(phone) == phone


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0300-1234567", "+923001234567"),
        ("+92 300 1234567", "+923001234567"),
        ("0092 300 1234567", "+923001234567"),
        ("923001234567", "+923001234567"),
        ("3001234567", "+923001234567"),
        ("+93 70 123 4567", "+93701234567"),
        ("0093 070 123 4567", "+93701234567"),
        ("0701234567", "+93701234567"),
        ("051-2345678", "0512345678"),
        ("", ""),
    ],
)
def test_normalise_phone(text, expected):
    assert normalise_phone(text) == expected


@given(st.sampled_from(["cnic", "bform", "por", "passport", None]), st.text(max_size=20))
def test_normalise_document_is_idempotent(doc_type, text):
    number = normalise_document(doc_type, text)

    assert normalise_document(doc_type, number) == number


@pytest.mark.parametrize(
    ("doc_type", "text", "expected"),
    [
        ("cnic", "17301-1234567-1", "1730112345671"),
        (None, "17301 1234567 1", "1730112345671"),
        ("CNIC", "0000000000000", ""),
        ("passport", "ab-123 456", "AB123456"),
        ("por", " 9380295577 ", "9380295577"),
    ],
)
def test_normalise_document(doc_type, text, expected):
    assert normalise_document(doc_type, text) == expected


@pytest.mark.parametrize("number", ["17301-1234567-1", "1730112345671"])
def test_cnic_check_accepts_both_spellings(number):
    check = cnic_check(number, sex="M")

    assert (check.ok, check.number, check.errors, check.warnings) == (True, "1730112345671", (), ())


@pytest.mark.parametrize("number", ["1730-11234567-1", "173011234567", "17301-1234567-12", "abcde-1234567-1", ""])
def test_cnic_check_refuses_bad_formats(number):
    check = cnic_check(number)

    assert not check.ok
    assert check.number == ""
    assert "13 digits" in check.errors[0]


@pytest.mark.parametrize("first", ["0", "8", "9"])
def test_cnic_check_refuses_unknown_province_codes(first):
    check = cnic_check(f"{first}7301-1234567-1")

    assert check.errors == (f"A CNIC starts with a province code 1 to 7, not {first}.",)


@pytest.mark.parametrize(
    ("last", "sex", "warned"), [("1", "F", True), ("2", "M", True), ("2", "f", False), ("3", "", False)]
)
def test_cnic_check_warns_on_sex_parity(last, sex, warned):
    check = cnic_check(f"37301-1234567-{last}", sex)

    assert check.ok
    assert bool(check.warnings) is warned


@given(st.text(max_size=12))
def test_normalise_sex_gives_m_f_or_nothing(text):
    assert normalise_sex(text) in {"m", "f", ""}
