"""Reading a partner's CSV list for linkage, with errors that name the problem and never quote personal data."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd

from panah.registry.linkage.prepare import COLUMNS, OPTIONAL_COLUMNS

OUTPUT_COLUMNS = ("record_id", "cluster_id", "match_probability")


class InputError(ValueError):
    """The input cannot be linked as it is; the message says why (column names and row numbers only)."""


def read_records(path: Path | str) -> pd.DataFrame:
    """Records from a UTF-8 CSV with the COLUMNS header (any order, extra columns ignored), every value as text."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            header = [name.strip() for name in reader.fieldnames or []]
            missing = [column for column in COLUMNS if column not in header]
            if not header:
                raise InputError(f"{Path(path).name} is empty: it needs a header row with {', '.join(COLUMNS)}")
            if missing:
                raise InputError(f"missing column(s): {', '.join(missing)}")
            reader.fieldnames = header
            wanted = [*COLUMNS, *(column for column in OPTIONAL_COLUMNS if column in header)]
            rows = [{column: (row.get(column) or "").strip() for column in wanted} for row in reader]
    except FileNotFoundError as exc:
        raise InputError(f"cannot read {Path(path).name}: no such file") from exc
    except UnicodeDecodeError as exc:
        raise InputError(f"cannot read {Path(path).name}: it is not UTF-8 text") from exc
    except (OSError, csv.Error) as exc:
        raise InputError(f"cannot read {Path(path).name}: {type(exc).__name__}") from exc
    records = pd.DataFrame(rows, columns=wanted, dtype=object)
    _check_ids(records)
    return records


def _check_ids(records: pd.DataFrame) -> None:
    # Row numbers as a spreadsheet shows them: the header is row 1.
    ids = records["record_id"]
    empty = ids.index[ids == ""]
    if len(empty):
        raise InputError(f"empty record_id on row {empty[0] + 2}")
    duplicated = ids.index[ids.duplicated()]
    if len(duplicated):
        row = duplicated[0]
        first = ids.index[ids == ids[row]][0]
        raise InputError(f"duplicate record_id on row {row + 2} (first on row {first + 2})")


def write_clusters(clusters: pd.DataFrame, path: Path | str) -> None:
    output = clusters[list(OUTPUT_COLUMNS)].copy()
    output["match_probability"] = output["match_probability"].map(lambda p: "" if pd.isna(p) else f"{p:.4f}")
    output.to_csv(path, index=False)
