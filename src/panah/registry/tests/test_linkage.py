import math

import pandas as pd
import pytest

from panah.registry.linkage import COLUMNS, DEFAULT_THRESHOLDS, Thresholds, link
from panah.registry.tests.linkage_lists import SAME_PEOPLE, clusters_of, records

EVIDENCE = ["evidence_name", "evidence_birth", "evidence_sex", "evidence_document", "evidence_household"]


def test_link_finds_the_same_people_across_organisations_and_spellings():
    result = link(records())

    assert clusters_of(result.clusters) == {frozenset(people) for people in SAME_PEOPLE}
    assert list(result.clusters.columns) == ["record_id", "cluster_id", "match_probability"]
    assert result.clusters["record_id"].tolist() == records()["record_id"].tolist()


def test_cluster_id_is_the_smallest_record_id_and_singletons_have_no_probability():
    clusters = link(records()).clusters.set_index("record_id")

    assert clusters.loc["b3", "cluster_id"] == "a3"
    assert clusters.loc["e1", "cluster_id"] == "d1"
    assert clusters.loc["c1", "cluster_id"] == "c1"
    assert math.isnan(clusters.loc["c1", "match_probability"])
    assert clusters.loc["b3", "match_probability"] >= DEFAULT_THRESHOLDS.upper


def test_siblings_and_twins_in_one_household_stay_apart():
    clusters = link(records()).clusters.set_index("record_id")["cluster_id"]

    assert clusters[["a3", "a4", "a5"]].nunique() == 3
    assert clusters[["t1", "t2", "t3", "t4"]].nunique() == 4  # t3 "Muhammad Ali" and t4 "Ali": same household


def test_two_different_cnics_keep_namesakes_apart():
    clusters = link(records()).clusters.set_index("record_id")["cluster_id"]

    assert clusters["c1"] != clusters["a1"]


def test_pairs_carry_a_decision_and_the_evidence_per_field():
    pairs = link(records()).pairs.set_index(["record_id_l", "record_id_r"])

    assert list(pairs.columns) == ["match_probability", "match_weight", "decision", *EVIDENCE]
    assert set(pairs["decision"]) <= {"link", "review"}
    assert (pairs["match_probability"] >= DEFAULT_THRESHOLDS.lower).all()
    assert pairs.loc[("a3", "b3"), EVIDENCE].tolist() == [
        "name: transliteration or spelling variant, or swapped",
        "date of birth: same day",
        "sex: same",
        "document: missing on one side",
        "household: same phone and father's name",
    ]
    assert pairs.loc[("a1", "b1"), "evidence_document"] == "document: same"


def test_a_shared_document_links_whatever_else_differs():
    frame = records()
    frame.loc[frame["record_id"] == "b1", ["given_name", "date_of_birth", "birth_year", "phone"]] = [
        "Akbar",
        "1960-06-06",
        "",
        "",
    ]

    result = link(frame)

    pair = result.pairs.set_index(["record_id_l", "record_id_r"]).loc[("a1", "b1")]
    assert (pair["match_probability"], pair["decision"]) == (1.0, "link")
    assert result.clusters.set_index("record_id").loc["b1", "cluster_id"] == "a1"


def test_a_pair_declared_distinct_is_never_linked():
    result = link(records(), exclude_pairs=[("b3", "a3")])

    clusters = result.clusters.set_index("record_id")["cluster_id"]
    assert clusters["a3"] != clusters["b3"]
    pairs = set(zip(result.pairs["record_id_l"], result.pairs["record_id_r"], strict=True))
    assert ("a3", "b3") not in pairs
    assert clusters_of(result.clusters) == {frozenset(p) for p in SAME_PEOPLE if p != {"a3", "b3"}}


def test_new_ids_limit_the_pairs_to_those_involving_a_new_record():
    new = {"b1", "b2", "b3", "b4"}

    result = link(records(), new_ids=new)

    pairs = result.pairs
    assert (pairs["record_id_l"].isin(new) | pairs["record_id_r"].isin(new)).all()
    assert clusters_of(result.clusters) == {frozenset(p) for p in SAME_PEOPLE if p & new}


def test_higher_upper_threshold_turns_links_into_reviews():
    result = link(records(), thresholds=Thresholds(upper=1.0, lower=0.5))

    decisions = result.pairs.set_index(["record_id_l", "record_id_r"])["decision"]
    assert decisions[("a1", "b1")] == "link"  # the same CNIC
    assert decisions[("d1", "e1")] == "review"
    assert clusters_of(result.clusters) == {frozenset({"a1", "b1"})}


def test_missing_values_may_be_nan_or_empty():
    frame = records()
    frame.loc[frame["record_id"] == "s2", ["phone", "district", "family_name"]] = [None, float("nan"), ""]

    result = link(frame.drop(columns=["document_type"]))

    assert clusters_of(result.clusters) == {frozenset(people) for people in SAME_PEOPLE}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda f: f.drop(columns=["phone"]), "records lack the column(s): phone"),
        (lambda f: f.assign(record_id=["a1"] * len(f)), "record_id values must be unique"),
        (lambda f: f.assign(record_id=[*f["record_id"][:-1], ""]), "every record needs a record_id"),
    ],
)
def test_link_refuses_records_it_cannot_identify(change, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        link(change(records()))


def test_thresholds_must_be_ordered():
    with pytest.raises(ValueError, match="0 < lower <= upper <= 1"):
        Thresholds(upper=0.5, lower=0.9)


def test_a_list_with_one_record_is_one_singleton():
    frame = pd.DataFrame([dict.fromkeys(COLUMNS, "")]).assign(record_id="only", given_name="Imran")

    result = link(frame)

    assert result.clusters["cluster_id"].tolist() == ["only"]
    assert result.pairs.empty


def test_the_engine_runs_without_django_settings():
    # Benchmarks, the Spark backend and partners' scripts import it bare: nothing in it may need configured settings.
    import subprocess
    import sys
    from pathlib import Path

    src = str(Path(__file__).resolve().parents[3])
    env = {"PYTHONPATH": src}  # and no DJANGO_SETTINGS_MODULE
    code = "from panah.registry.linkage.model import NAME; print(NAME.levels[0].label)"

    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False)  # noqa: S603

    assert (result.returncode, result.stdout.strip()) == (0, "name: identical")
