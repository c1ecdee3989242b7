"""Version vectors: what is known of one record, as `{device_id: highest device_seq}`.

Each op is identified by its dot `(device_id, device_seq)`. A device numbers its ops without gaps
and the server applies them in that order, so "device D up to n" names exactly D's ops with
`device_seq <= n`; a dict of such maxima is therefore a complete, compact set of ops.
"""

from __future__ import annotations

from collections.abc import Mapping

VersionVector = dict[str, int]


def join_versions(*vectors: Mapping[str, int]) -> VersionVector:
    """The pointwise maximum: everything any of the vectors knows."""
    joined: VersionVector = {}
    for vector in vectors:
        for device_id, seq in vector.items():
            if seq > joined.get(device_id, 0):
                joined[device_id] = seq
    return joined


def covers(vector: Mapping[str, int], device_id: str, device_seq: int) -> bool:
    """True when the op `(device_id, device_seq)` is among those the vector knows."""
    return vector.get(device_id, 0) >= device_seq


def dominates(vector: Mapping[str, int], other: Mapping[str, int]) -> bool:
    """True when `vector` knows every op `other` knows."""
    return all(covers(vector, device_id, seq) for device_id, seq in other.items())
