"""Record linkage for DTSEN: intake (sources, standardisation, validation, quarantine), the
Splink model, clustering into people and households, stable ids and real-time matching.
"""

from linkage.canonical import CANONICAL_FIELDS, QUARANTINE_COLUMNS, RECORD_COLUMNS, Flag, QuarantineReason
from linkage.intake import DatasetReport, IngestReport, ingest
from linkage.nik import NikInfo, parse_kk, parse_nik
from linkage.sources import Dataset, Sources, load_sources
from linkage.standardise import STANDARD_COLUMNS, canonicalise

__all__ = [
    "CANONICAL_FIELDS",
    "QUARANTINE_COLUMNS",
    "RECORD_COLUMNS",
    "STANDARD_COLUMNS",
    "Dataset",
    "DatasetReport",
    "Flag",
    "IngestReport",
    "NikInfo",
    "QuarantineReason",
    "Sources",
    "canonicalise",
    "ingest",
    "load_sources",
    "parse_kk",
    "parse_nik",
]
