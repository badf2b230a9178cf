"""Scoring the blocked pairs with Splink on DuckDB (default) or Spark: the same settings, the same SQL."""

from __future__ import annotations

import tempfile
from typing import Any

import duckdb
import pandas as pd

SCORED_COLUMNS = (
    "record_id_l",
    "record_id_r",
    "match_weight",
    "match_probability",
)


def _for_sql(prepared: pd.DataFrame) -> pd.DataFrame:
    frame = prepared.copy()
    frame["byear"] = frame["byear"].astype("Int64")
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
            linker = Linker(_for_sql(prepared), settings, db_api=DuckDBAPI(connection=con))
            scored = linker.inference.predict(threshold_match_probability=threshold)
            return scored.as_pandas_dataframe()[list(SCORED_COLUMNS)]  # type: ignore[no-untyped-call]
        finally:
            con.close()


def _spark_schema() -> Any:
    from pyspark.sql import types as T

    fields = []
    for column in ("record_id", "g_exact", "g_key", "g_first", "g_init", "f_key", "n_key", "fa_key", "sex", "dob"):
        fields.append(T.StructField(column, T.StringType()))
    fields.append(T.StructField("byear", T.LongType()))
    for column in ("district", "ph", "doc_type", "doc_num", "doc_key", "hh"):
        fields.append(T.StructField(column, T.StringType()))
    fields.append(T.StructField("is_new", T.LongType()))
    return T.StructType(fields)


def predict_spark(prepared: pd.DataFrame, settings: dict[str, Any], threshold: float, *, spark: Any) -> pd.DataFrame:
    from splink import Linker, SparkAPI

    schema = _spark_schema()
    frame = _for_sql(prepared)[[field.name for field in schema.fields]]
    rows = [
        tuple(None if value is pd.NA or (isinstance(value, float) and value != value) else value for value in row)
        for row in frame.astype(object).itertuples(index=False, name=None)
    ]
    dataframe = spark.createDataFrame(rows, schema=schema)
    linker = Linker(dataframe, settings, db_api=SparkAPI(spark_session=spark, break_lineage_method="persist"))  # type: ignore[no-untyped-call]
    scored = linker.inference.predict(threshold_match_probability=threshold)
    return scored.as_pandas_dataframe()[list(SCORED_COLUMNS)]  # type: ignore[no-untyped-call]
