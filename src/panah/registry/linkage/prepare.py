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
    name_key,
    name_tokens,
    normalise_document,
    normalise_phone,
    normalise_sex,
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
    "n_key",
    "fa_key",
    "sex",
    "dob",
    "byear",
    "district",
    "ph",
    "doc_type",
    "doc_num",
    "doc_key",
    "hh",
    "is_new",
)


def _text(series: pd.Series) -> pd.Series:
    return series.astype("string").fillna("").str.strip()


def _map_unique(series: pd.Series, function: Callable[[str], str]) -> pd.Series:
    """Apply `function` once per distinct value; empty results become None (SQL NULL)."""
    values = series.to_numpy(dtype=object)
    uniques, inverse = np.unique(values, return_inverse=True)
    mapped = np.array([function(value) or None for value in uniques], dtype=object)
    return pd.Series(mapped[inverse], index=series.index, dtype=object)


def _full_name_key(given_and_family: str) -> str:
    given, _, family = given_and_family.partition("\x1f")
    tokens = set(name_tokens(given)[0]) | set(family_key(family).split())
    return " ".join(sorted(t for t in tokens if t))


def _first_token(key: str) -> str:
    return key.split(" ", 1)[0]


def _birth_years(frame: pd.DataFrame, reference_year: int) -> tuple[pd.Series, pd.Series]:
    """(precise date of birth or None, birth year or NaN); 1 January is how an estimated year is written: year only."""
    dates = pd.to_datetime(_text(frame["date_of_birth"]).str[:10], format="%Y-%m-%d", errors="coerce")
    imprecise = (dates.dt.month == 1) & (dates.dt.day == 1)
    precise = dates.dt.strftime("%Y-%m-%d").where(dates.notna() & ~imprecise)
    year = dates.dt.year.astype("float64")
    stated = pd.to_numeric(_text(frame["birth_year"]), errors="coerce")
    age = pd.to_numeric(_text(frame["age"]), errors="coerce")
    year = year.fillna(stated).fillna(reference_year - age)
    year = year.where((year > 1880) & (year <= reference_year))
    return precise.astype(object).where(precise.notna(), None), year.round()


def prepare(
    records: pd.DataFrame, *, new_ids: Collection[str] | None = None, reference_year: int | None = None
) -> pd.DataFrame:
    """The comparison columns for `records` (columns as in COLUMNS, all text; empty or NaN is missing)."""
    year_now = reference_year or dt.datetime.now(tz=dt.UTC).year
    frame = records.reset_index(drop=True)
    out = pd.DataFrame({"record_id": _text(frame["record_id"]).astype(object)})
    given = _text(frame["given_name"])
    family = _text(frame["family_name"])
    out["g_exact"] = _map_unique(given, fold)
    out["g_key"] = _map_unique(given, name_key)
    out["g_first"] = _map_unique(out["g_key"].fillna(""), _first_token)
    out["g_init"] = out["g_key"].str[:1]
    out["f_key"] = _map_unique(family, family_key)
    out["n_key"] = _map_unique(given + "\x1f" + family, _full_name_key)
    out["fa_key"] = _map_unique(_text(frame["father_name"]), name_key)
    out["sex"] = _map_unique(_text(frame["sex"]), normalise_sex)
    out["dob"], out["byear"] = _birth_years(frame, year_now)
    out["district"] = _map_unique(_text(frame["district"]), fold)
    out["ph"] = _map_unique(_text(frame["phone"]), normalise_phone)
    kinds = _text(frame["document_type"]) if "document_type" in frame else pd.Series("", index=frame.index)
    numbers = _text(frame["document_number"])
    out["doc_type"] = _map_unique(kinds + "\x1f" + numbers, lambda v: document_type(*v.split("\x1f", 1)))
    out["doc_num"] = _map_unique(kinds + "\x1f" + numbers, lambda v: normalise_document(*v.split("\x1f", 1)))
    out["doc_key"] = (out["doc_type"] + ":" + out["doc_num"]).where(out["doc_num"].notna(), None)
    household = _text(frame["household_ref"])
    out["hh"] = (_text(frame["source_org"]) + "\x1f" + household).where(household != "", None)
    for column in out.columns:
        if column != "byear":
            values = out[column].astype(object)
            out[column] = values.where(values.notna(), None)
    if new_ids is None:
        out["is_new"] = 1
    else:
        out["is_new"] = out["record_id"].isin(set(new_ids)).astype("int64")
    return out
