"""`manage.py registry_link INPUT.csv OUTPUT.csv`: deduplicate a partner's list before import, storing nothing.

Reads the CSV, links it with the registry's linkage engine and writes one row per input record (record_id,
cluster_id, match_probability). No database access, so it works on an empty database. Messages carry counts,
column names and row numbers, never names or numbers from the list.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from panah.registry.linkage import DEFAULT_THRESHOLDS, Thresholds, link
from panah.registry.linkage.io import InputError, read_records, write_clusters


def _probability(text: str) -> float:
    value = float(text)
    if not 0.0 < value <= 1.0:
        raise ValueError(text)
    return value


class Command(BaseCommand):
    help = "Cluster the records of a CSV list that are the same person; write record_id, cluster_id, match_probability."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("input", help="CSV with the registry linkage columns (record_id required on every row)")
        parser.add_argument("output", help="CSV to write: record_id, cluster_id, match_probability")
        parser.add_argument("--upper", type=_probability, default=DEFAULT_THRESHOLDS.upper, help="link at or above")
        parser.add_argument("--lower", type=_probability, default=DEFAULT_THRESHOLDS.lower, help="review at or above")
        parser.add_argument("--backend", choices=("duckdb", "spark"), default="duckdb")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            thresholds = Thresholds(upper=options["upper"], lower=options["lower"])
        except ValueError as exc:
            raise CommandError(f"--lower must not exceed --upper ({exc})") from exc
        try:
            records = read_records(options["input"])
        except InputError as exc:
            raise CommandError(str(exc)) from exc
        spark = _local_spark() if options["backend"] == "spark" else None
        try:
            result = link(records, thresholds=thresholds, backend=options["backend"], spark=spark)
        finally:
            if spark is not None:
                spark.stop()
        try:
            write_clusters(result.clusters, options["output"])
        except OSError as exc:
            raise CommandError(f"cannot write the output file: {type(exc).__name__}") from exc
        sizes = result.clusters.groupby("cluster_id").size()
        review = int((result.pairs["decision"] == "review").sum())
        self.stdout.write(
            f"{len(records)} records, {int((sizes > 1).sum())} people registered more than once "
            f"({int(sizes[sizes > 1].sum())} records), {review} pair(s) between the thresholds to review."
        )


def _local_spark() -> Any:
    from pyspark.sql import SparkSession

    return (
        SparkSession.builder.master("local[2]")
        .appName("panah-registry-link")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.ui.enabled", "false")
        .getOrCreate()
    )
