"""Registry deduplication benchmark (issue 4): Panah's linkage engine next to a default Splink 4 setup, same run.

    .venv/bin/python bench/registry_link_bench.py [--records 100000,1000000] [--datasets febrl3,febrl4]
                                                  [--systems panah,splink]
    .venv/bin/python bench/registry_link_bench.py --records 20000 --datasets ''      # smoke run, under a minute

Systems: "panah" is panah.registry.linkage.link(records) with DEFAULT_THRESHOLDS, its clusters (links at or above the
upper threshold) taken as its answer; "splink" is the baseline of bench/registry_link_baseline.py. Datasets and the
scores are defined in bench/registry_link_data.py: pairwise precision/recall/F1 over the pairs implied by the
clusters, and cluster precision/recall/F1 by exact match of clusters of two or more records.

Each (system, dataset) runs in a fresh subprocess. Seconds are the wall time of the linkage alone (data loading
excluded); peak GiB is the child's peak resident set (ru_maxrss from wait4), which includes DuckDB's native memory
and the loaded input frame. The synthetic data is generated once per (n, seed) and cached (registry_synth.py), so
the first run at a size also spends time generating. Results go to var/bench/registry_link.{json,md}.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = ROOT / "var" / "bench"
SYSTEMS = ("panah", "splink")
HEADER = ["system", "dataset", "records", "precision", "recall", "F1", "cluster P", "cluster R", "cluster F1",
          "seconds", "peak GiB"]  # fmt: skip


def _worker(system: str, dataset: str, out: Path) -> None:
    """In the child: load the dataset, link it, write the clusters and the seconds spent linking."""
    sys.path[:0] = [str(ROOT / "src"), str(ROOT / "bench")]
    import logging

    logging.disable(logging.WARNING)
    from registry_link_data import load

    records, _truth, facts = load(dataset)
    started = time.perf_counter()
    if system == "panah":
        from panah.registry.linkage import link

        clusters = link(records).clusters[["record_id", "cluster_id"]]
    else:
        from registry_link_baseline import run

        clusters = run(records, facts["link_type"])
    seconds = time.perf_counter() - started
    clusters.astype(str).to_csv(out, index=False)
    out.with_suffix(".json").write_text(json.dumps({"seconds": seconds, "records": len(records)}))


def _run_child(system: str, dataset: str, workdir: Path) -> dict[str, Any]:
    out = workdir / f"{system}-{dataset}.csv"
    command = [sys.executable, __file__, "--worker", system, "--dataset", dataset, "--clusters", str(out)]
    proc = subprocess.Popen(command, cwd=ROOT)  # noqa: S603 (our own interpreter and script)
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        return {"system": system, "dataset": dataset, "error": f"exit status {proc.returncode}"}
    facts = json.loads(out.with_suffix(".json").read_text())
    return {"system": system, "dataset": dataset, "peak_gib": usage.ru_maxrss / 2**20, **facts, "clusters": out}


def _scored(row: dict[str, Any]) -> dict[str, Any]:
    import pandas as pd
    from registry_link_data import load, score

    if "error" in row:
        return row
    _records, truth, _facts = load(row["dataset"])
    predicted = pd.read_csv(row.pop("clusters"), dtype=str, keep_default_na=False)
    return {**row, **score(predicted, truth)}


def _cells(row: dict[str, Any]) -> list[str]:
    if "error" in row:
        return [row["system"], row["dataset"], "", row["error"], *[""] * 7]
    metrics = ("precision", "recall", "f1", "cluster_precision", "cluster_recall", "cluster_f1")
    return [row["system"], row["dataset"], f"{row['records']:,}", *(f"{row[m]:.3f}" for m in metrics),
            f"{row['seconds']:.1f}", f"{row['peak_gib']:.2f}"]  # fmt: skip


def markdown(rows: list[dict[str, Any]]) -> str:
    lines = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    lines += ["| " + " | ".join(_cells(row)) + " |" for row in rows]
    return "\n".join(lines)


def run(sizes: list[int], febrl: list[str], systems: list[str]) -> list[dict[str, Any]]:
    """Every system on every dataset, one subprocess each; prints and writes the table."""
    sys.path[:0] = [str(ROOT / "src"), str(ROOT / "bench")]
    from registry_synth import generate

    datasets = [f"synthetic-{n}" for n in sizes] + febrl
    for n in sizes:  # generate (or find cached) before timing anything
        generate(n, 1)
    rows = []
    with tempfile.TemporaryDirectory(prefix="panah-link-bench-") as workdir:
        for dataset in datasets:
            for system in systems:
                row = _scored(_run_child(system, dataset, Path(workdir)))
                rows.append(row)
                print(markdown([row]).splitlines()[-1], flush=True)
    table = markdown(rows)
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)  # noqa: S607
    machine = f"{os.cpu_count()} cores, Python {sys.version.split()[0]}, commit {commit.stdout.strip() or '?'}"
    print(f"\nRegistry linkage ({machine})\n\n{table}")
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    (OUT_DIR / "registry_link.md").write_text(f"Registry linkage ({machine}, {time.strftime('%Y-%m-%d')})\n\n{table}\n")
    (OUT_DIR / "registry_link.json").write_text(json.dumps({"machine": machine, "rows": rows}, indent=2, default=str))
    return rows


def split_list(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", default="100000,1000000", help="synthetic sizes, comma-separated")
    parser.add_argument("--datasets", default="febrl3,febrl4", help="FEBRL datasets, comma-separated ('' for none)")
    parser.add_argument("--systems", default=",".join(SYSTEMS), help="comma-separated: panah, splink")
    parser.add_argument("--worker", choices=SYSTEMS, help=argparse.SUPPRESS)
    parser.add_argument("--dataset", help=argparse.SUPPRESS)
    parser.add_argument("--clusters", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        _worker(args.worker, args.dataset, args.clusters)
        return
    run([int(n) for n in split_list(args.records)], split_list(args.datasets), split_list(args.systems))


if __name__ == "__main__":
    main()
