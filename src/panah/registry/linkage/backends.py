"""Scoring the blocked pairs with Splink on DuckDB (default) or Spark: the same settings, the same SQL."""

from __future__ import annotations

import tempfile
from typing import Any

import duckdb
import pandas as pd

from panah.registry.linkage.prepare import PREPARED_COLUMNS

SCORED_COLUMNS = (
    "record_id_l",
    "record_id_r",
    "match_weight",
    "match_probability",
)


def _for_sql(prepared: pd.DataFrame) -> pd.DataFrame:
    frame = prepared.copy()
    for column in ("byear", "yb", "yc"):
        frame[column] = frame[column].astype("Int64")
    return frame


def predict_duckdb(
    prepared: pd.DataFrame, settings: dict[str, Any], threshold: float, *, threads: int = 2, temp_directory: str = ""
) -> pd.DataFrame:
    from splink import DuckDBAPI, Linker

    with tempfile.TemporaryDirectory(prefix="panah-linkage-", dir=temp_directory or None) as spill:
        con = duckdb.connect()
        try:
            con.execute(f"set threads = {int(threads)}")
            con.execute("set temp_directory = ?", [spill])
            con.execute("set preserve_insertion_order = false")
            linker = Linker(_for_sql(prepared), settings, db_api=DuckDBAPI(connection=con), set_up_basic_logging=False)
            scored = linker.inference.predict(threshold_match_probability=threshold)
            return scored.as_pandas_dataframe()[list(SCORED_COLUMNS)]  # type: ignore[no-untyped-call]
        finally:
            con.close()


_INTEGER_COLUMNS = frozenset({"byear", "yb", "yc", "is_new"})


def _spark_schema() -> Any:
    from pyspark.sql import types as T

    return T.StructType(
        [
            T.StructField(column, T.LongType() if column in _INTEGER_COLUMNS else T.StringType())
            for column in PREPARED_COLUMNS
        ]
    )


def predict_spark(prepared: pd.DataFrame, settings: dict[str, Any], threshold: float, *, spark: Any) -> pd.DataFrame:
    from splink import Linker, SparkAPI

    schema = _spark_schema()
    names = [field.name for field in schema.fields]
    frame = _for_sql(prepared)[names]
    rows = [
        tuple(
            None if value is pd.NA else int(value) if name in _INTEGER_COLUMNS else value
            for name, value in zip(names, row, strict=True)
        )
        for row in frame.astype(object).itertuples(index=False, name=None)
    ]
    dataframe = spark.createDataFrame(rows, schema=schema)
    # Levels use only SQL that Spark has built in: Splink's similarity jar is not needed.
    db_api = SparkAPI(  # type: ignore[no-untyped-call]
        spark_session=spark, break_lineage_method="persist", register_udfs_automatically=False
    )
    linker = Linker(dataframe, settings, db_api=db_api, set_up_basic_logging=False)
    scored = linker.inference.predict(threshold_match_probability=threshold)
    return scored.as_pandas_dataframe()[list(SCORED_COLUMNS)]  # type: ignore[no-untyped-call]
