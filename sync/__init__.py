"""Field sync without I/O: hybrid logical clocks, the per-field merge, conflicts for reviewers.

Knows neither Flask nor SQLAlchemy; the service layer stores the JSON states this package returns.
"""

from sync.conflicts import describe_conflicts
from sync.hlc import (
    DEFAULT_MAX_DRIFT_MS,
    ClampedHlc,
    Hlc,
    HybridClock,
    InvalidHlcError,
    clamp_hlc,
    format_hlc,
    parse_hlc,
)
from sync.merge import ApplyResult, apply_op, displayed_values, has_open_conflicts, new_record_state
from sync.ops import DELETE, DELETED_FIELD, UPSERT, InvalidOpError, effective_base, validate_op
from sync.versions import VersionVector, covers, join_versions

__all__ = [
    "DEFAULT_MAX_DRIFT_MS",
    "DELETE",
    "DELETED_FIELD",
    "UPSERT",
    "ApplyResult",
    "ClampedHlc",
    "Hlc",
    "HybridClock",
    "InvalidHlcError",
    "InvalidOpError",
    "VersionVector",
    "apply_op",
    "clamp_hlc",
    "covers",
    "describe_conflicts",
    "displayed_values",
    "effective_base",
    "format_hlc",
    "has_open_conflicts",
    "join_versions",
    "new_record_state",
    "parse_hlc",
    "validate_op",
]
