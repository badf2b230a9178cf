"""A small hand-made list of registrations with the variants the registry meets, for the linkage tests.

Two organisations registered the Yousaf household (spellings, a dropped Muhammad, "Habib Ullah", a wife with no
family name and an age instead of a date); the Afridi man appears with given and family names swapped; another
Muhammad Yousaf has a different CNIC; twins share a household; the rest are people registered once.
"""

import pandas as pd

from panah.registry.linkage import COLUMNS

HEADER = [*COLUMNS, "document_type"]
ROWS = [
    # record_id, given, family, father, sex, dob, birth_year, age, district, phone, document, household, org, doc type
    ("a1", "Muhammad Yousaf", "Khan", "Abdul Rehman", "M", "1985-01-01", "", "", "Peshawar", "0300-1234567",
     "17301-1234567-1", "H1", "UNHCR", "cnic"),
    ("a2", "Fatima", "Bibi", "Muhammad Yousaf", "F", "1988-01-01", "", "", "Peshawar", "0300-1234567", "", "H1",
     "UNHCR", ""),
    ("a3", "Habibullah", "Khan", "Muhammad Yousaf", "M", "2010-05-03", "", "", "Peshawar", "0300-1234567", "", "H1",
     "UNHCR", ""),
    ("a4", "Zainab", "Khan", "Muhammad Yousaf", "F", "2012-01-01", "", "", "Peshawar", "0300-1234567", "", "H1",
     "UNHCR", ""),
    ("a5", "Ayesha", "Khan", "Muhammad Yousaf", "F", "2014-07-19", "", "", "Peshawar", "0300-1234567", "", "H1",
     "UNHCR", ""),
    ("b1", "Mohd Yusuf", "Khan", "Abdur Rahman", "M", "", "1985", "", "peshawar", "+92 300 1234567",
     "1730112345671", "W7", "WFP", ""),
    ("b2", "Fatimah", "", "Mohammad Yousaf", "F", "", "", "38", "peshawar", "+92 300 1234567", "", "W7", "WFP", ""),
    ("b3", "Muhammad Habib Ullah", "Khan", "Mohammed Yusuf", "M", "2010-05-03", "", "", "peshawar",
     "+92 300 1234567", "", "W7", "WFP", ""),
    ("b4", "Zenab", "Khan", "Mohd Yousuf", "F", "2012-01-01", "", "", "peshawar", "+92 300 1234567", "", "W7", "WFP",
     ""),
    ("c1", "Muhammad Yousaf", "Afridi", "Gul Khan", "M", "1990-03-11", "", "", "Peshawar", "0333-7654321",
     "17301-7654321-3", "I3", "IOM", "cnic"),
    ("d1", "Rehmatullah", "Afridi", "Sher Ali", "M", "1975-01-01", "", "", "Khyber", "", "", "N9", "NRC", ""),
    ("e1", "Afridi", "Rahmat Ullah", "Sher Ali", "M", "", "1976", "", "Khyber", "", "", "X2", "IRC", ""),
    ("t1", "Hassan", "Raza", "Ali Raza", "M", "2015-01-01", "", "", "Quetta", "0312-5550001", "", "T1", "IOM", ""),
    ("t2", "Hussain", "Raza", "Ali Raza", "M", "2015-01-01", "", "", "Quetta", "0312-5550001", "", "T1", "IOM", ""),
    ("t3", "Muhammad Ali", "Raza", "Ali Raza", "M", "2017-03-03", "", "", "Quetta", "0312-5550001", "", "T1", "IOM",
     ""),
    ("t4", "Ali", "Raza", "Ali Raza", "M", "2017-03-03", "", "", "Quetta", "0312-5550001", "", "T1", "IOM", ""),
    ("s1", "Imran", "Qureshi", "Tariq Mehmood", "M", "1979-08-30", "", "", "Lahore", "0321-4440002",
     "35202-1112223-5", "L1", "IRC", "cnic"),
    ("s2", "Naseem", "Akhtar", "Ghulam Rasool", "F", "1969-01-01", "", "", "Multan", "0301-9990003", "", "M1", "WFP",
     ""),
    ("s3", "Gul Bibi", "", "Jan Muhammad", "F", "", "", "52", "Quetta", "", "", "Q5", "NRC", ""),
    ("s4", "Shahid", "Iqbal", "Muhammad Iqbal", "M", "2001-11-12", "", "", "Karachi", "0345-2223334", "", "K2", "IOM",
     ""),
]  # fmt: skip
SAME_PEOPLE = [{"a1", "b1"}, {"a2", "b2"}, {"a3", "b3"}, {"a4", "b4"}, {"d1", "e1"}]


def records() -> pd.DataFrame:
    return pd.DataFrame(ROWS, columns=HEADER, dtype=object)


def clusters_of(frame: pd.DataFrame) -> set[frozenset[str]]:
    """The clusters of two or more records, as sets of record ids."""
    groups = frame.groupby("cluster_id")["record_id"].apply(frozenset)
    return {group for group in groups if len(group) > 1}
