"""The baseline of the registry linkage benchmark: Splink 4 on DuckDB as its documentation sets it up.

Standard preparation (lower case, trimmed text, empty as NULL, phone and document reduced to their digits with the
Pakistani 0/+92 prefix dropped), the library's stock comparisons (NameComparison with term-frequency adjustment on
given and family name, NameComparison on father's name, DateOfBirthComparison, ExactMatch on sex, district, phone and
document), blocking on name, date-of-birth, phone and document keys, lambda from deterministic rules, u by random
sampling, m by expectation maximisation on three blocking rules, then predict and cluster at match probability 0.5,
Splink's natural default. Blocking keys that would be too broad at a million records (a 1 January birth date, a
very common name) carry the district, as the Splink blocking guide advises after counting comparisons.
Comparisons on columns that a dataset leaves empty (FEBRL has no father's name, sex or phone) are left out.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

THRESHOLD = 0.5


def prepare(records: pd.DataFrame) -> pd.DataFrame:
    frame = records.copy()
    for column in ("given_name", "family_name", "father_name", "sex", "district"):
        frame[column] = frame[column].str.strip().str.lower().str.replace(r"\s+", " ", regex=True)
    frame["phone"] = frame["phone"].str.replace(r"\D", "", regex=True).str.replace(r"^(92|0)", "", regex=True)
    frame["document_number"] = frame["document_number"].str.replace(r"\W", "", regex=True).str.lower()
    keep = ["record_id", "given_name", "family_name", "father_name", "sex", "date_of_birth", "birth_year", "district",
            "phone", "document_number", "source_org"]  # fmt: skip
    return frame[keep].replace("", None)


def _comparisons(frame: pd.DataFrame) -> list[Any]:
    import splink.comparison_library as cl

    present = {c for c in frame.columns if frame[c].notna().any()}
    candidates = [
        ("given_name", cl.NameComparison("given_name").configure(term_frequency_adjustments=True)),
        ("family_name", cl.NameComparison("family_name").configure(term_frequency_adjustments=True)),
        ("father_name", cl.NameComparison("father_name")),
        ("date_of_birth", cl.DateOfBirthComparison("date_of_birth", input_is_string=True, datetime_format="%Y-%m-%d")),
        ("sex", cl.ExactMatch("sex")),
        ("district", cl.ExactMatch("district")),
        ("phone", cl.ExactMatch("phone")),
        ("document_number", cl.ExactMatch("document_number")),
    ]
    return [comparison for column, comparison in candidates if column in present]


def _blocking(frame: pd.DataFrame) -> tuple[list[Any], list[Any], list[Any]]:
    """(prediction rules, deterministic rules for lambda, EM training rules), on the columns this dataset has."""
    from splink import block_on

    present = {c for c in frame.columns if frame[c].notna().any()}
    large = len(frame) > 50_000
    where = ("district",) if large else ()
    predict = [
        ("given_name", "family_name", *where), ("given_name", "date_of_birth"), ("family_name", "birth_year", *where),
        ("date_of_birth", *where), ("phone",), ("document_number",), ("given_name", "father_name", *where),
    ]  # fmt: skip
    deterministic = [("document_number",), ("given_name", "family_name", "date_of_birth")]
    training = [
        ("given_name", "family_name", "father_name"),
        ("date_of_birth", *where),
        ("given_name", "date_of_birth"),
    ]
    if "father_name" not in present:
        training[0] = ("given_name", "family_name", *where)
    return tuple(  # type: ignore[return-value]
        [block_on(*cols) for cols in rules if set(cols) <= present] for rules in (predict, deterministic, training)
    )


def run(records: pd.DataFrame, link_type: str) -> pd.DataFrame:
    """Clusters (record_id, cluster_id) of `records` by the baseline; link_only links source_org A with B."""
    from splink import DuckDBAPI, Linker, SettingsCreator

    frame = prepare(records)
    predict, deterministic, training = _blocking(frame)
    settings = SettingsCreator(
        link_type=link_type, unique_id_column_name="record_id", comparisons=_comparisons(frame),
        blocking_rules_to_generate_predictions=predict, retain_intermediate_calculation_columns=False,
        retain_matching_columns=False,
    )  # fmt: skip
    if link_type == "link_only":
        inputs: Any = [frame[frame["source_org"] == org].drop(columns="source_org") for org in ("A", "B")]
    else:
        inputs = frame.drop(columns="source_org")
    linker = Linker(inputs, settings, db_api=DuckDBAPI())
    linker.training.estimate_probability_two_random_records_match(deterministic, recall=0.7)
    linker.training.estimate_u_using_random_sampling(max_pairs=5e6 if len(frame) > 50_000 else 1e6)
    for rule in training:
        linker.training.estimate_parameters_using_expectation_maximisation(rule)
    predictions = linker.inference.predict(threshold_match_probability=THRESHOLD)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(predictions, THRESHOLD)
    return clusters.as_pandas_dataframe()[["record_id", "cluster_id"]]
