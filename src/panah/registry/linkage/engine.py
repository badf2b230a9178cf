"""Record linkage of household registrations: `link(records)` -> clusters of records of one person, and scored pairs.

Passes
1. Exact: the same document (type and normalised number) is the same person, whatever else differs.
2. Probabilistic (Fellegi–Sunter, Splink 4): five comparisons (model.py): name (canonical keys absorb transliteration,
   spacing, a dropped Muhammad, swapped given and family names), birth (1 January is a year-only date; years compared
   with tolerance), sex, document (two different CNICs is strong evidence against), and ONE household-context
   comparison over phone, father's name, family name and district together: members of one household share all four,
   so counting them separately would make siblings look like duplicates.
3. Household stage (household.py): when several members of two households from different registrations pair up,
   those pairs support each other; siblings inside one registration are never compared or clustered together.
4. Clusters (cluster.py): greedy, strongest pair first, never two records of one household, two CNICs, or a pair a
   person declared distinct.

Parameters. m-probabilities are fixed defaults (model.py): measured on the labelled synthetic benchmark
(bench/registry_synth.py, 100,000 records, seed 1: the share of true pairs reaching each level), then rounded and
given a floor where the generator never errs but real data does (a sex recorded wrongly, a mistyped CNIC, a PoR card
renewed). They are not trained by EM on every run: EM on registrations learns "same household" as "same person",
which is exactly the confusion the household comparison exists to avoid. u-probabilities are counted on every run
over all pairs of a seeded random sample of 2,000 records at hand (model.estimate_u), so they follow the size and
make-up of the list: a shared phone is weak evidence in a list of 50 and strong in a registry of a million. The
prior is `d / (N - 1)`: a record is expected to have d other registrations; d is the larger of
`duplicates_per_record` (0.2: about one record in ten is a re-registration in the benchmark, and partner lists the
mission sees are of that order) and what the data show for certain (pairs sharing a document, or full name and exact
date of birth). Everything is computed in DuckDB with a fixed seed, so the Spark backend scores with the very same
model and gives the same clusters.

Thresholds (DEFAULT_THRESHOLDS: link at 0.95, review from 0.5). On the synthetic benchmark at 100,000 records, an
upper threshold of 0.8 / 0.9 / 0.95 gives pairwise F1 0.76 / 0.90 / 0.92 (precision 0.66 / 0.90 / 0.95 at recall
0.91 / 0.90 / 0.89); above 0.95 recall falls faster than precision rises (0.99: F1 0.91 at 1M, recall 0.69). FEBRL3
and FEBRL4 barely move between 0.8 and 0.95 (F1 0.986-0.988 and 0.991). 0.95 also means a wrong automatic merge is
rare (5% of linked pairs on the benchmark), which matters more than a missed one: a reviewer can still merge later,
and the review band catches most of what is missed. The lower threshold 0.5 sends to review the pairs that are more
likely than not the same person and are not linked; below it, pairs are mostly siblings and namesakes, which would
swamp reviewers (at 100,000 records there are roughly ten times as many pairs between 0.05 and 0.5 as above 0.95).
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from panah.registry.linkage import backends
from panah.registry.linkage.cluster import cluster
from panah.registry.linkage.household import SUPPORT_PROBABILITY, boost_households
from panah.registry.linkage.model import COMPARISONS, estimate_u, evidence_gammas, evidence_labels, splink_settings
from panah.registry.linkage.prepare import COLUMNS, prepare

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Thresholds:
    upper: float  # match probability at or above which a pair is linked
    lower: float  # at or above this (and below upper) a pair goes to review; below it the records are distinct

    def __post_init__(self) -> None:
        if not 0.0 < self.lower <= self.upper <= 1.0:
            raise ValueError("thresholds need 0 < lower <= upper <= 1")


# Chosen on the benchmark: see "Thresholds" in the module docstring.
DEFAULT_THRESHOLDS = Thresholds(upper=0.95, lower=0.5)
DEFAULT_DUPLICATES_PER_RECORD = 0.2
# A document number shared by more records than this is a placeholder or a data-entry habit, not one person.
MAX_DOCUMENT_GROUP = 12
BACKENDS = ("duckdb", "spark")


@dataclass
class LinkResult:
    clusters: pd.DataFrame  # record_id, cluster_id, match_probability (NaN for a record alone in its cluster)
    pairs: pd.DataFrame  # record_id_l, record_id_r, match_probability, match_weight, decision, evidence_<comparison>


def _check_input(records: pd.DataFrame) -> None:
    missing = [column for column in COLUMNS if column not in records.columns]
    if missing:
        raise ValueError(f"records lack the column(s): {', '.join(missing)}")
    ids = records["record_id"].astype("string")
    if ids.isna().any() or (ids.str.strip() == "").any():
        raise ValueError("every record needs a record_id")
    if ids.duplicated().any():
        raise ValueError("record_id values must be unique")


def _exact_pairs(prepared: pd.DataFrame, keys: tuple[str, ...] = ("doc_key",)) -> pd.DataFrame:
    """Pairs sharing `keys` (a document), in groups small enough to be one person, outside one household."""
    with_doc = prepared.dropna(subset=list(keys))[["record_id", *keys, "hh", "is_new"]]
    sizes = with_doc.groupby(list(keys))["record_id"].transform("size")
    with_doc = with_doc[(sizes > 1) & (sizes <= MAX_DOCUMENT_GROUP)]
    pairs = with_doc.merge(with_doc, on=list(keys), suffixes=("_l", "_r"))
    keep = (pairs["record_id_l"] < pairs["record_id_r"]) & ((pairs["is_new_l"] == 1) | (pairs["is_new_r"] == 1))
    keep &= pairs["hh_l"].isna() | pairs["hh_r"].isna() | (pairs["hh_l"] != pairs["hh_r"])
    return pairs.loc[keep, ["record_id_l", "record_id_r"]].reset_index(drop=True)


def _with_exact(scored: pd.DataFrame, exact: pd.DataFrame) -> pd.DataFrame:
    exact = exact.assign(exact=True)
    merged = scored.merge(exact, on=["record_id_l", "record_id_r"], how="outer")
    merged["exact"] = merged["exact"].astype("boolean").fillna(False).astype(bool)
    merged.loc[merged["exact"], "match_probability"] = 1.0
    return merged


def _drop_pairs(scored: pd.DataFrame, exclude_pairs: Collection[tuple[str, str]]) -> pd.DataFrame:
    if not exclude_pairs:
        return scored
    keys = {(min(a, b), max(a, b)) for a, b in exclude_pairs}
    mask = [(left, right) not in keys for left, right in zip(scored["record_id_l"], scored["record_id_r"], strict=True)]
    return scored[np.array(mask, dtype=bool)]


def _evidence(gammas: pd.DataFrame) -> pd.DataFrame:
    columns = {}
    for comparison in COMPARISONS:
        labels = evidence_labels(comparison)
        # Position 0: no gamma (a pair found by the exact pass only); then gamma -1 (null), 0, 1, ...
        lookup = np.array(["", *(labels[g] for g in range(-1, len(comparison.levels)))], dtype=object)
        codes = gammas[f"gamma_{comparison.name}"].fillna(-2).astype(int).to_numpy() + 2
        columns[f"evidence_{comparison.name}"] = lookup[codes]
    return pd.DataFrame(columns, index=gammas.index)


def _prior(prepared: pd.DataFrame, duplicates_per_record: float) -> float:
    """Probability that two random records are one person: expected duplicates of a record over the others.

    At least `duplicates_per_record`; more when the data show more pairs that are near-certainly one person (same
    document, or same full name and exact date of birth): such lists (a partner's list registered twice) exist.
    """
    certain = pd.concat([_exact_pairs(prepared), _exact_pairs(prepared, ("n_key", "dob"))]).drop_duplicates()
    observed = 2 * len(certain) / max(len(prepared), 1)
    return min(0.5, max(1e-12, max(duplicates_per_record, observed) / max(len(prepared) - 1, 1)))


def link(
    records: pd.DataFrame,
    *,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
    backend: str = "duckdb",
    spark: Any = None,
    new_ids: Collection[str] | None = None,
    exclude_pairs: Collection[tuple[str, str]] = (),
    duplicates_per_record: float = DEFAULT_DUPLICATES_PER_RECORD,
    reference_year: int | None = None,
    temp_directory: str = "",
) -> LinkResult:
    """Cluster `records` (columns COLUMNS, text) into people; pairs at or above `thresholds.lower` with their evidence.

    With `new_ids`, only pairs involving at least one of those records are scored and returned (the others are the
    registry as it stands). `exclude_pairs` are never linked, directly or through a chain.
    """
    if backend not in BACKENDS:
        raise ValueError(f"backend must be one of {', '.join(BACKENDS)}")
    if backend == "spark" and spark is None:
        raise ValueError("the spark backend needs a SparkSession (spark=...)")
    _check_input(records)
    started = time.monotonic()
    prepared = prepare(records, new_ids=new_ids, reference_year=reference_year)
    settings = splink_settings(estimate_u(prepared), _prior(prepared, duplicates_per_record))
    floor = min(thresholds.lower, SUPPORT_PROBABILITY)
    if backend == "spark":
        scored = backends.predict_spark(prepared, settings, floor, spark=spark)
    else:
        scored = backends.predict_duckdb(prepared, settings, floor, temp_directory=temp_directory)
    logger.info("linkage: %d records, %d pairs scored on %s", len(prepared), len(scored), backend)
    scored = _drop_pairs(_with_exact(scored, _exact_pairs(prepared)), exclude_pairs)
    scored = boost_households(scored, prepared)
    scored = scored[scored["match_probability"] >= thresholds.lower]
    scored = scored.sort_values(
        ["exact", "match_probability", "record_id_l", "record_id_r"], ascending=[False, False, True, True]
    ).reset_index(drop=True)
    clusters, decision = _decide(prepared, scored, thresholds.upper, exclude_pairs)
    pairs = scored[["record_id_l", "record_id_r", "match_probability", "match_weight"]].assign(decision=decision)
    pairs["match_weight"] = pairs["match_weight"].fillna(math.inf)
    links = int((decision == "link").sum())
    logger.info("linkage: %d links, %d to review, in %.1fs", links, len(decision) - links, time.monotonic() - started)
    evidence = _evidence(evidence_gammas(prepared, scored))
    return LinkResult(clusters=clusters, pairs=pd.concat([pairs, evidence], axis=1))


def _decide(
    prepared: pd.DataFrame, scored: pd.DataFrame, upper: float, exclude_pairs: Collection[tuple[str, str]]
) -> tuple[pd.DataFrame, np.ndarray]:
    """Clusters from the pairs at or above `upper`; each pair's decision (a link the clusters refuse is reviewed)."""
    is_link = (scored["match_probability"] >= upper).to_numpy()
    cnics = prepared["doc_num"].where(prepared["doc_type"] == "cnic", None)
    clusters, accepted = cluster(
        prepared["record_id"].tolist(),
        prepared["hh"].tolist(),
        cnics.tolist(),
        scored.loc[is_link, ["record_id_l", "record_id_r", "match_probability"]],
        exclude_pairs,
    )
    decision = np.full(len(scored), "review", dtype=object)
    decision[np.flatnonzero(is_link)[accepted]] = "link"
    return clusters, decision
