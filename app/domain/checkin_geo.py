"""Coordinates for check-ins: WGS-84 (GPS) and GCJ-02 (China's offset system used by WeChat maps). Pure.

`wx.getLocation` returns either system; the registered home location from the field app is GPS
(WGS-84). Distances are only meaningful in one system: GCJ-02 points are converted back to WGS-84
first (the iterative inverse of the published forward transform, accurate to well under a metre;
the offset itself is 100-700 m, so ignoring it would fake or hide a "far from home" signal).
Outside mainland China GCJ-02 equals WGS-84.
"""

from __future__ import annotations

import math

WGS84 = "wgs84"
GCJ02 = "gcj02"
SYSTEMS = (WGS84, GCJ02)
_A = 6378245.0
_EE = 0.00669342162296594323
_EARTH_RADIUS_M = 6371008.8


def outside_china(lat: float, lng: float) -> bool:
    """The rough box outside which GCJ-02 applies no offset."""
    return not (73.66 < lng < 135.05 and 3.86 < lat < 53.55)


def _transform_lat(x: float, y: float) -> float:
    ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (160.0 * math.sin(y / 12.0 * math.pi) + 320 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    return ret


def _transform_lng(x: float, y: float) -> float:
    ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    return ret


def wgs84_to_gcj02(lat: float, lng: float) -> tuple[float, float]:
    """The published forward transform WGS-84 → GCJ-02."""
    if outside_china(lat, lng):
        return lat, lng
    d_lat = _transform_lat(lng - 105.0, lat - 35.0)
    d_lng = _transform_lng(lng - 105.0, lat - 35.0)
    rad = lat / 180.0 * math.pi
    magic = 1 - _EE * math.sin(rad) ** 2
    sqrt_magic = math.sqrt(magic)
    d_lat = (d_lat * 180.0) / ((_A * (1 - _EE)) / (magic * sqrt_magic) * math.pi)
    d_lng = (d_lng * 180.0) / (_A / sqrt_magic * math.cos(rad) * math.pi)
    return lat + d_lat, lng + d_lng


def gcj02_to_wgs84(lat: float, lng: float) -> tuple[float, float]:
    """GCJ-02 → WGS-84 by fixed-point iteration on the forward transform (converges in a few steps)."""
    if outside_china(lat, lng):
        return lat, lng
    guess_lat, guess_lng = lat, lng
    for _ in range(30):
        fwd_lat, fwd_lng = wgs84_to_gcj02(guess_lat, guess_lng)
        d_lat, d_lng = fwd_lat - lat, fwd_lng - lng
        guess_lat, guess_lng = guess_lat - d_lat, guess_lng - d_lng
        if abs(d_lat) < 1e-9 and abs(d_lng) < 1e-9:
            break
    return guess_lat, guess_lng


def to_wgs84(lat: float, lng: float, system: str) -> tuple[float, float]:
    """A point in WGS-84 whichever system it was given in."""
    if system == GCJ02:
        return gcj02_to_wgs84(lat, lng)
    if system == WGS84:
        return lat, lng
    raise ValueError(f"unknown coordinate system {system!r}")


def haversine_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance in metres between two points of one system."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    d_p, d_l = p2 - p1, math.radians(lng2 - lng1)
    h = math.sin(d_p / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(d_l / 2) ** 2
    return 2 * _EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


def distance_m(first: tuple[float, float, str], second: tuple[float, float, str]) -> float:
    """Distance in metres between two (lat, lng, system) points, each converted to WGS-84 first."""
    a = to_wgs84(*first)
    b = to_wgs84(*second)
    return haversine_m(a[0], a[1], b[0], b[1])
