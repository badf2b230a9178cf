"""The same model on Spark: a 10,000-record sample of the benchmark's synthetic registrations, local-mode PySpark.

Not skipped when Java is missing: PySpark then fails to start and so does this test (`make test` installs Java).
"""

import sys
from pathlib import Path

import pytest

from panah.registry.linkage import link

BENCH = Path(__file__).resolve().parents[4] / "bench"


@pytest.fixture(scope="module")
def spark():
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master("local[2]")
        .appName("panah-linkage-test")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.default.parallelism", "4")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.memory", "1g")
        .config("spark.sql.execution.arrow.pyspark.enabled", "false")
        .getOrCreate()
    )
    yield session
    session.stop()


@pytest.fixture(scope="module")
def sample():
    sys.path.insert(0, str(BENCH))
    try:
        import registry_synth
    finally:
        sys.path.remove(str(BENCH))
    records, _truth = registry_synth.generate(10_000, seed=7)
    return records


@pytest.mark.slow
def test_spark_gives_the_same_clusters_as_duckdb(spark, sample):
    on_duckdb = link(sample)

    on_spark = link(sample, backend="spark", spark=spark)

    duckdb_clusters = on_duckdb.clusters.sort_values("record_id").reset_index(drop=True)
    spark_clusters = on_spark.clusters.sort_values("record_id").reset_index(drop=True)
    assert (duckdb_clusters["cluster_id"] == spark_clusters["cluster_id"]).all()
    assert (duckdb_clusters["cluster_id"] != duckdb_clusters["record_id"]).sum() > 300  # duplicates were found
    key = ["record_id_l", "record_id_r"]
    duckdb_pairs = on_duckdb.pairs.sort_values(key).reset_index(drop=True)
    spark_pairs = on_spark.pairs.sort_values(key).reset_index(drop=True)
    assert duckdb_pairs[[*key, "decision"]].equals(spark_pairs[[*key, "decision"]])
    assert (duckdb_pairs["match_probability"] - spark_pairs["match_probability"]).abs().max() < 1e-9
