"""Input records -> the derived columns the comparisons and blocking rules read.

Every column is computed once per distinct value (names repeat a lot), and missing values are None so that SQL
comparisons see NULL. Comparisons then need nothing but equality, `abs` and `levenshtein`, which DuckDB and Spark
compute identically: that is what lets the same model give the same clusters on both backends.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection

import numpy as np
import pandas as pd

from panah.registry.linkage.normalise import (
    document_type,
    family_key,
    fold,
    known_document_type,
    name_key,
    name_tokens,
    normalise_document,
    normalise_phone,
    normalise_sex,
    place_key,
)

COLUMNS = (
    "record_id",
    "given_name",
    "family_name",
    "father_name",
    "sex",
    "date_of_birth",
    "birth_year",
    "age",
    "district",
    "phone",
    "document_number",
    "household_ref",
    "source_org",
)
OPTIONAL_COLUMNS = ("document_type",)

PREPARED_COLUMNS = (
    "record_id",
    "g_exact",
    "g_key",
    "g_first",
    "g_init",
    "f_key",
    "f_init",
    "n_key",
    "fa_key",
    "sex",
    "dob",
    "byear",
    "yb",
    "yc",
    "district",
    "ph",
    "doc_type",
    "doc_num",
    "doc_key",
    "hh",
    "is_new",
)


def _text(series: pd.Series) -> pd.Series:
    """Text with missing values as "" (values are stripped by the functions that read them, once per distinct value)."""
    return series.astype(object).where(series.notna(), "").astype(str)


def _map_unique(series: pd.Series, function: Callable[[str], str]) -> pd.Series:
    """Apply `function` once per distinct value; empty results become None (SQL NULL)."""
    codes, uniques = pd.factorize(series, use_na_sentinel=False)
    mapped = np.array([function(value) or None for value in uniques], dtype=object)
    return pd.Series(mapped[codes], index=series.index, dtype=object)


def _documents(frame: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """(document type, normalised number), each computed once per distinct type and per distinct number."""
    numbers = _text(frame["document_number"])
    implied = _map_unique(numbers, lambda number: document_type("", number))
    if "document_type" in frame:
        kinds = _map_unique(_text(frame["document_type"]), known_document_type).fillna(implied)
    else:
        kinds = implied
    as_digits = _map_unique(numbers, lambda number: normalise_document("cnic", number))
    as_text = _map_unique(numbers, lambda number: normalise_document("other", number))
    doc_num = as_digits.where(kinds.isin(["cnic", "bform"]), as_text)
    return kinds.where(doc_num.notna(), None), doc_num


def _full_name_key(given_and_family: str) -> str:
    given, _, family = given_and_family.partition("\x1f")
    tokens = set(name_tokens(given)[0]) | set(family_key(family).split())
    return " ".join(sorted(t for t in tokens if t))


def _first_token(key: str) -> str:
    return key.split(" ", 1)[0]


def _reference_years(frame: pd.DataFrame, year: pd.Series, age: pd.Series, default: int) -> pd.Series:
    """The year each organisation's ages were counted in: median of birth year + age where both are recorded.

    Registrations are not dated in the input, and ages taken two years ago read as people born two years early
    if subtracted from this year.
    """
    counted = (year + age).where(year.notna() & age.notna())
    organisations = _text(frame["source_org"])
    by_org = counted.groupby(organisations).agg(["median", "count"])
    overall = counted.median() if counted.notna().sum() >= 20 else default
    reliable = by_org["median"].where(by_org["count"] >= 20, overall).fillna(default).round()
    return organisations.map(reliable).astype("float64")


def _birth_years(frame: pd.DataFrame, reference_year: int | None) -> tuple[pd.Series, pd.Series]:
    """(precise date of birth or None, birth year or NaN); 1 January is how an estimated year is written: year only."""
    dates = pd.to_datetime(_text(frame["date_of_birth"]).str[:10], format="%Y-%m-%d", errors="coerce")
    imprecise = (dates.dt.month == 1) & (dates.dt.day == 1)
    precise = dates.dt.strftime("%Y-%m-%d").where(dates.notna() & ~imprecise)
    year = dates.dt.year.astype("float64")
    stated = pd.to_numeric(_text(frame["birth_year"]), errors="coerce")
    age = pd.to_numeric(_text(frame["age"]), errors="coerce")
    year = year.fillna(stated)
    now = dt.datetime.now(tz=dt.UTC).year
    if reference_year is None:
        counted_in = _reference_years(frame, year, age, now)
    else:
        counted_in = pd.Series(float(reference_year), index=frame.index)
    year = year.fillna(counted_in - age)
    year = year.where((year > 1880) & (year <= now + 1))
    return precise.astype(object).where(precise.notna(), None), year.round()


def prepare(
    records: pd.DataFrame, *, new_ids: Collection[str] | None = None, reference_year: int | None = None
) -> pd.DataFrame:
    """The comparison columns for `records` (columns as in COLUMNS, all text; empty or NaN is missing)."""
    frame = records.reset_index(drop=True)
    out = pd.DataFrame({"record_id": _text(frame["record_id"]).astype(object)})
    given = _text(frame["given_name"])
    family = _text(frame["family_name"])
    out["g_exact"] = _map_unique(given, fold)
    out["g_key"] = _map_unique(given, name_key)
    out["g_first"] = _map_unique(out["g_key"].fillna(""), _first_token)
    out["g_init"] = out["g_key"].str[:1]
    out["f_key"] = _map_unique(family, family_key)
    out["f_init"] = out["f_key"].str[:1]
    out["n_key"] = _map_unique(given + "\x1f" + family, _full_name_key)
    out["fa_key"] = _map_unique(_text(frame["father_name"]), name_key)
    out["sex"] = _map_unique(_text(frame["sex"]), normalise_sex)
    out["dob"], out["byear"] = _birth_years(frame, reference_year)
    out["yb"] = (out["byear"] // 4).astype("Int64")
    out["yc"] = ((out["byear"] + 2) // 4).astype("Int64")
    out["district"] = _map_unique(_text(frame["district"]), place_key)
    out["ph"] = _map_unique(_text(frame["phone"]), normalise_phone)
    out["doc_type"], out["doc_num"] = _documents(frame)
    out["doc_key"] = (out["doc_type"] + ":" + out["doc_num"]).where(out["doc_num"].notna(), None)
    household = _text(frame["household_ref"]).str.strip()
    out["hh"] = (_text(frame["source_org"]).str.strip() + "\x1f" + household).where(household != "", None)
    for column in out.columns:
        if column not in {"byear", "yb", "yc"}:
            values = out[column].astype(object)
            out[column] = values.where(values.notna(), None)
    if new_ids is None:
        out["is_new"] = 1
    else:
        out["is_new"] = out["record_id"].isin(set(new_ids)).astype("int64")
    return out
