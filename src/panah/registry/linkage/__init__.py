"""Record linkage for the household registry: who, across organisations and rounds, is the same person.

Pure Python (pandas, DuckDB, Splink; PySpark optional): no Django, so the same code runs in benchmarks, the
`registry_link` command and Spark. The method, its parameters and the default thresholds are documented in engine.py.
"""

from panah.registry.linkage.engine import DEFAULT_THRESHOLDS, LinkResult, Thresholds, link
from panah.registry.linkage.normalise import CnicCheck, cnic_check, name_key, normalise_document, normalise_phone
from panah.registry.linkage.prepare import COLUMNS

__all__ = [
    "COLUMNS",
    "DEFAULT_THRESHOLDS",
    "CnicCheck",
    "LinkResult",
    "Thresholds",
    "cnic_check",
    "link",
    "name_key",
    "normalise_document",
    "normalise_phone",
]
