"""The Fellegi–Sunter model: five comparisons, their levels, blocking rules and the Splink settings built from them.

Levels are plain SQL over the prepared columns (equality, `abs`, `levenshtein`), valid in DuckDB and Spark alike.
m-probabilities are fixed defaults (see DEFAULT_M and the engine's docstring); u-probabilities are counted on the data
at hand (`estimate_u`), because several of them depend on its size: two random records share a phone or a document
far more often in a list of 50 than in a registry of a million.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import duckdb
import numpy as np
import pandas as pd


def gettext_noop(message: str) -> str:
    """Marks a level label for translation (makemessages finds it by this name); pages translate it when shown.
    Django's own gettext_noop needs configured settings, which the engine does without (benchmarks, Spark)."""
    return message


@dataclass(frozen=True)
class Level:
    label: str  # what a reviewer reads, e.g. "given name: transliteration variant"
    sql: str
    m: float


@dataclass(frozen=True)
class Comparison:
    name: str
    null_sql: str  # either side has nothing to compare: no evidence either way
    levels: tuple[Level, ...]  # best first; the last one is the "else" level (sql "")


def _both(column: str) -> str:
    return f"l.{column} = r.{column}"


NAME = Comparison(
    "name",
    "l.g_key is null or r.g_key is null",
    (
        Level(
            gettext_noop("name: identical"),
            "l.g_exact = r.g_exact and coalesce(l.f_key, '') = coalesce(r.f_key, '')",
            0.34,
        ),
        Level(gettext_noop("name: transliteration or spelling variant, or swapped"), _both("n_key"), 0.45),
        Level(gettext_noop("given name: same, family name different or missing"), _both("g_key"), 0.10),
        Level(
            gettext_noop("name: given name shares its first part or sits in the family name"),
            "l.g_first = r.g_first or l.g_key = r.f_key or l.f_key = r.g_key",
            0.03,
        ),
        Level(gettext_noop("given name: one letter differs"), "levenshtein(l.g_key, r.g_key) <= 1", 0.04),
        Level(
            gettext_noop("given name: two letters differ as written"), "levenshtein(l.g_exact, r.g_exact) <= 2", 0.02
        ),
        Level(gettext_noop("given name: different"), "", 0.02),
    ),
)

BIRTH = Comparison(
    "birth",
    "l.byear is null or r.byear is null",
    (
        Level(gettext_noop("date of birth: same day"), _both("dob"), 0.38),
        Level(gettext_noop("date of birth: one digit differs"), "levenshtein(l.dob, r.dob) <= 1", 0.04),
        Level(gettext_noop("birth year: same"), _both("byear"), 0.17),
        Level(gettext_noop("birth year: one year apart"), "abs(l.byear - r.byear) <= 1", 0.21),
        Level(gettext_noop("birth year: two or three years apart"), "abs(l.byear - r.byear) <= 3", 0.16),
        Level(gettext_noop("birth year: more than three years apart"), "", 0.04),
    ),
)

SEX = Comparison(
    "sex",
    "l.sex is null or r.sex is null",
    (Level(gettext_noop("sex: same"), _both("sex"), 0.98), Level(gettext_noop("sex: different"), "", 0.02)),
)

DOCUMENT = Comparison(
    "document",
    "l.doc_num is null or r.doc_num is null",
    (
        Level(gettext_noop("document: same"), _both("doc_key"), 0.90),
        Level(
            gettext_noop("document: one character differs"),
            "l.doc_type = r.doc_type and levenshtein(l.doc_num, r.doc_num) <= 1",
            0.03,
        ),
        Level(
            gettext_noop("document: two characters differ"),
            "l.doc_type = r.doc_type and levenshtein(l.doc_num, r.doc_num) <= 2",
            0.02,
        ),
        # One person has one CNIC: two different ones is strong evidence of two people. Other documents are renewed,
        # replaced and mistyped (PoR cards, passports), so a different number says less.
        Level(gettext_noop("document: two different CNICs"), "l.doc_type = 'cnic' and r.doc_type = 'cnic'", 0.005),
        Level(gettext_noop("document: different numbers"), _both("doc_type"), 0.06),
        Level(gettext_noop("document: different types"), "", 0.02),
    ),
)

_HOUSEHOLD_COLUMNS = ("ph", "fa_key", "f_key", "district")
HOUSEHOLD = Comparison(
    "household",
    " or ".join("(" + " and ".join(f"{side}.{column} is null" for column in _HOUSEHOLD_COLUMNS) + ")" for side in "lr"),
    (
        Level(gettext_noop("household: same phone and father's name"), "l.ph = r.ph and l.fa_key = r.fa_key", 0.33),
        Level(gettext_noop("household: same phone"), _both("ph"), 0.07),
        Level(
            gettext_noop("household: same father's name and family name or district"),
            "l.fa_key = r.fa_key and (l.f_key = r.f_key or l.district = r.district)",
            0.44,
        ),
        Level(gettext_noop("household: same father's name"), _both("fa_key"), 0.04),
        Level(
            gettext_noop("household: same family name and district"),
            "l.f_key = r.f_key and l.district = r.district",
            0.04,
        ),
        Level(gettext_noop("household: same district"), _both("district"), 0.05),
        Level(gettext_noop("household: same family name"), _both("f_key"), 0.01),
        Level(gettext_noop("household: nothing in common"), "", 0.02),
    ),
)

COMPARISONS = (NAME, BIRTH, SEX, DOCUMENT, HOUSEHOLD)

# Each rule is an equi-join on derived keys, so the number of pairs is bounded by key frequencies: at a million
# records these give about 25 million candidate pairs and keep about 96% of the true pairs of the synthetic benchmark.
# Common names are only compared within a 4-year birth band (two staggered bandings, yb and yc, so that years two
# apart always share one band) and a district or father's name.
BLOCKING_RULES = (
    "l.doc_key = r.doc_key",
    "l.ph = r.ph and l.sex = r.sex",
    "l.dob = r.dob and l.g_init = r.g_init",
    "l.dob = r.dob and l.f_init = r.f_init",
    "l.dob = r.dob and l.district = r.district",
    "l.n_key = r.n_key and l.district = r.district and l.yb = r.yb",
    "l.n_key = r.n_key and l.district = r.district and l.yc = r.yc",
    "l.n_key = r.n_key and l.fa_key = r.fa_key and l.yb = r.yb",
    "l.n_key = r.n_key and l.fa_key = r.fa_key and l.yc = r.yc",
    "l.g_key = r.g_key and l.fa_key = r.fa_key and l.district = r.district",
)
# One household never registers the same person twice; pairs already decided by people are left out later.
_PAIR_FILTER = "(l.hh is null or r.hh is null or l.hh <> r.hh) and (l.is_new = 1 or r.is_new = 1)"


def blocking_rules() -> list[str]:
    return [f"{rule} and {_PAIR_FILTER}" for rule in BLOCKING_RULES]


def gamma_sql(comparison: Comparison) -> str:
    """Splink's numbering of the levels: -1 for null, then n-1 for the best level down to 0 for 'else'."""
    top = len(comparison.levels) - 1
    whens = [f"when {comparison.null_sql} then -1"]
    whens += [f"when {level.sql} then {top - i}" for i, level in enumerate(comparison.levels) if level.sql]
    return f"case {' '.join(whens)} else 0 end"


# What a reviewer reads when one side has nothing to compare (no evidence either way).
NULL_LABELS = {
    "name": gettext_noop("name: missing on one side"),
    "birth": gettext_noop("date of birth: missing on one side"),
    "sex": gettext_noop("sex: missing on one side"),
    "document": gettext_noop("document: missing on one side"),
    "household": gettext_noop("household: nothing to compare"),
}


def evidence_labels(comparison: Comparison) -> dict[int, str]:
    top = len(comparison.levels) - 1
    labels = {top - i: level.label for i, level in enumerate(comparison.levels)}
    labels[-1] = NULL_LABELS.get(comparison.name, f"{comparison.name}: missing on one side")
    return labels


def evidence_gammas(prepared: pd.DataFrame, pairs: pd.DataFrame) -> pd.DataFrame:
    """The level each pair reached in each comparison (gamma_<name>), computed in DuckDB for the pairs given.

    Done after scoring, for the pairs that are returned only, so the backend need not carry every compared column.
    """
    columns = ", ".join(f"{gamma_sql(c)} as gamma_{c.name}" for c in COMPARISONS)
    con = duckdb.connect()
    try:
        con.execute("set threads = 2")
        con.register("prepared", prepared)
        con.register("pairs", pairs[["record_id_l", "record_id_r"]].reset_index().rename(columns={"index": "row"}))
        gammas = con.execute(
            f"select pairs.row, {columns} from pairs "  # noqa: S608
            "join prepared l on l.record_id = pairs.record_id_l join prepared r on r.record_id = pairs.record_id_r"
        ).df()
    finally:
        con.close()
    return gammas.set_index("row").reindex(range(len(pairs))).set_axis(pairs.index)


def estimate_u(prepared: pd.DataFrame, *, sample_size: int = 2000, seed: int = 20240) -> dict[str, list[float]]:
    """u-probabilities of each level: all pairs among a seeded random sample of records, with a half-pair pseudocount.

    Sampling records (not pairs) keeps every pair-level rate unbiased, and the seed makes the model, hence the clusters,
    identical on every backend.
    """
    rng = np.random.default_rng(seed)
    if len(prepared) > sample_size:
        rows = np.sort(rng.choice(len(prepared), size=sample_size, replace=False))
        sample = prepared.iloc[rows]
    else:
        sample = prepared
    columns = ", ".join(f"{gamma_sql(c)} as {c.name}" for c in COMPARISONS)
    con = duckdb.connect()
    try:
        con.execute("set threads = 2")
        con.register("sample", sample.drop(columns=["is_new"]))
        counts = {
            c.name: dict(
                con.execute(
                    f"select {c.name}, count(*) from (select {columns} from sample l join sample r "  # noqa: S608
                    "on l.record_id < r.record_id and (l.hh is null or r.hh is null or l.hh <> r.hh)) "
                    f"where {c.name} >= 0 group by 1"
                ).fetchall()
            )
            for c in COMPARISONS
        }
    finally:
        con.close()
    u: dict[str, list[float]] = {}
    for comparison in COMPARISONS:
        top = len(comparison.levels) - 1
        observed = [counts[comparison.name].get(top - i, 0) + 0.5 for i in range(top + 1)]
        total = sum(observed)
        u[comparison.name] = [count / total for count in observed]
    return u


_SIDE = re.compile(r"\b([lr])\.(\w+)")


def _splink_sql(sql: str) -> str:
    """Comparison levels are written like blocking rules (l.x = r.x); Splink's levels name columns x_l and x_r."""
    return _SIDE.sub(r"\2_\1", sql)


def splink_settings(u: dict[str, list[float]], prior: float) -> dict[str, Any]:
    comparisons = []
    for comparison in COMPARISONS:
        levels: list[dict[str, Any]] = [
            {"sql_condition": _splink_sql(comparison.null_sql), "label_for_charts": "null", "is_null_level": True}
        ]
        for level, u_probability in zip(comparison.levels, u[comparison.name], strict=True):
            levels.append(
                {
                    "sql_condition": _splink_sql(level.sql) if level.sql else "ELSE",
                    "label_for_charts": level.label,
                    "m_probability": level.m,
                    "u_probability": u_probability,
                }
            )
        comparisons.append({"output_column_name": comparison.name, "comparison_levels": levels})
    return {
        "link_type": "dedupe_only",
        "unique_id_column_name": "record_id",
        "probability_two_random_records_match": prior,
        "blocking_rules_to_generate_predictions": blocking_rules(),
        "comparisons": comparisons,
        "retain_matching_columns": False,
        "retain_intermediate_calculation_columns": False,
    }
