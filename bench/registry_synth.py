"""Synthetic household registrations with known duplicates, for the registry linkage benchmark (issue 4).

Households of 1 to 10 people share a district and usually a phone; children carry the head's given name as father's
name and his family name. Given and family names are Zipf-distributed within five groups (Pashto, Dari, Urdu,
Punjabi, Baloch) and each registration picks its own romanisation (bench/registry_names.py). Many women are recorded
with family name "Bibi", many Afghan households (about 30%) with none and without CNIC (some with a PoR card). About
35% of recorded birth dates are 1 January of an estimated year; some records carry only a birth year or an age.
CNIC on about 70% of adults and 5% of children. About 10% of the records are duplicates: another organisation
re-registers a whole household (new household_ref, a few households three times) and each of its records is
corrupted independently (re-spelling, typos, given/family swap, dropped fields, husband for father, year drift, new
phone, moved district). Near-collisions between distinct people come from the data itself: common names, siblings,
brothers' households (cousins) in the same district.

    .venv/bin/python bench/registry_synth.py --records 100000 --out DIR [--seed 1]

writes DIR/records.csv (COLUMNS) and DIR/truth.csv (record_id, person_id). `generate(n, seed)` returns both frames,
cached under the temporary directory by (n, seed, VERSION).
"""

from __future__ import annotations

import argparse
import csv
import shutil
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
from registry_names import NameTable
from registry_people import DUPLICATE_SHARE, districts, make_households, make_people, make_registrations
from registry_render import corrupt_duplicates, format_records, render_records

VERSION = 1
COLUMNS = [
    "record_id", "given_name", "family_name", "father_name", "sex", "date_of_birth", "birth_year", "age",
    "district", "phone", "document_number", "document_type", "household_ref", "source_org",
]  # fmt: skip


def generate(n_records: int, seed: int = 1) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(records, truth) for n_records registrations; read from the cache when this (n, seed) was made before."""
    cache = Path(tempfile.gettempdir()) / "panah-registry-synth" / f"v{VERSION}-n{n_records}-s{seed}"
    if (cache / "truth.csv").exists():
        read = {"dtype": str, "keep_default_na": False}
        return pd.read_csv(cache / "records.csv", **read), pd.read_csv(cache / "truth.csv", **read)
    records, truth = build(n_records, seed)
    tmp = cache.with_name(cache.name + f".tmp{np.random.default_rng().integers(1 << 30)}")
    tmp.mkdir(parents=True, exist_ok=True)
    records.to_csv(tmp / "records.csv", index=False, quoting=csv.QUOTE_MINIMAL)
    truth.to_csv(tmp / "truth.csv", index=False)
    try:
        tmp.rename(cache)
    except OSError:  # another process wrote it first
        shutil.rmtree(tmp, ignore_errors=True)
    return records, truth


def build(n_records: int, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Generate without the cache: households, their people, registrations, then rendered and corrupted records."""
    rng = np.random.default_rng(seed)
    names = NameTable.build()
    n_dup = round(n_records * DUPLICATE_SHARE)
    hh = make_households(rng, n_records - n_dup, districts(), names)
    people = make_people(rng, hh, names)
    regs = make_registrations(rng, hh, n_dup)
    rec = render_records(rng, hh, people, regs, names, seed)
    corrupt_duplicates(rng, rec, people, names, seed)
    frame = format_records(rec, hh, regs, rng)
    person = rec["person"]
    order = rng.permutation(len(frame))
    frame = frame.iloc[order].reset_index(drop=True)
    frame.insert(0, "record_id", [f"R{i:08d}" for i in range(1, len(frame) + 1)])
    truth = pd.DataFrame({"record_id": frame["record_id"], "person_id": [f"P{p:08d}" for p in person[order]]})
    return frame[COLUMNS], truth


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    records, truth = generate(args.records, args.seed)
    args.out.mkdir(parents=True, exist_ok=True)
    records.to_csv(args.out / "records.csv", index=False)
    truth.to_csv(args.out / "truth.csv", index=False)
    print(f"{len(records)} records of {truth['person_id'].nunique()} people in {args.out}")


if __name__ == "__main__":
    main()
