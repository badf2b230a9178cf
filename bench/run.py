"""Run Panah's benchmarks. The DTM ones run on a throw-away database: a temporary SQLite file by default, or a fresh
test database on the server named by DATABASE_URL (PostgreSQL); never var/panah.sqlite3. registry_link needs no
database (it runs bench/registry_link_bench.py, one subprocess per system and dataset).

    .venv/bin/python bench/run.py [--only dtm_import|dtm_figures|registry_lookup|registry_link] [--rows N]
                                  [--locations N] [--requests N] [--households N] [--lookups N]
                                  [--records 100000,1000000] [--link-datasets febrl3,febrl4]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATABASE_BENCHMARKS = ("dtm_import", "dtm_figures", "registry_lookup")
BENCHMARKS = (*DATABASE_BENCHMARKS, "registry_link")


def _database_benchmarks(chosen: list[str], args: argparse.Namespace) -> None:
    workdir = tempfile.mkdtemp(prefix="panah-bench-")
    if not os.environ.get("DATABASE_URL", "").strip():
        os.environ["DATABASE_URL"] = f"sqlite:///{workdir}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    settings.PANAH_CACHE_PUBLISHED_FIGURES = True  # as in production (the test settings turn it off)

    if connection.vendor == "sqlite":
        # A file, not memory: the figure should include the disk, as in production.
        settings.DATABASES["default"].setdefault("TEST", {})["NAME"] = f"{workdir}/bench-test.sqlite3"
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        from panah.geo.services import reference_load

        reference_load()
        if "dtm_import" in chosen:
            import dtm_import

            dtm_import.run(args.rows)
        if "dtm_figures" in chosen:
            import dtm_figures

            dtm_figures.run(args.locations, args.requests)
        if "registry_lookup" in chosen:
            import registry_lookup

            registry_lookup.run(args.households, args.lookups)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", choices=BENCHMARKS, action="append", help="run only this benchmark (repeatable)")
    parser.add_argument("--rows", type=int, default=100_000, help="location-assessment rows to import")
    parser.add_argument("--locations", type=int, default=50_000, help="location rows per round for dtm_figures")
    parser.add_argument("--requests", type=int, default=50, help="timed requests per endpoint for dtm_figures")
    parser.add_argument("--households", type=int, default=1_000_000, help="registry_lookup: households loaded")
    parser.add_argument("--lookups", type=int, default=500, help="registry_lookup: timed lookups per way and user")
    parser.add_argument("--records", default="100000,1000000", help="registry_link: synthetic sizes, comma-separated")
    parser.add_argument("--link-datasets", default="febrl3,febrl4", help="registry_link: FEBRL sets ('' for none)")
    args = parser.parse_args()
    sys.path[:0] = [str(ROOT / "src"), str(ROOT), str(ROOT / "bench")]
    chosen = args.only or list(BENCHMARKS)
    if any(name in chosen for name in DATABASE_BENCHMARKS):
        _database_benchmarks(chosen, args)
    if "registry_link" in chosen:
        import registry_link_bench

        split = registry_link_bench.split_list
        registry_link_bench.run([int(n) for n in split(args.records)], split(args.link_datasets), ["panah", "splink"])


if __name__ == "__main__":
    main()
