"""The pure parts: quarters and windows, coordinate systems, and every anomaly signal (each one
triggered, and each one left alone when it should be). No database, no Flask."""

from __future__ import annotations

from datetime import date

import pytest

from app.domain import checkin_anomalies as an
from app.domain import checkin_geo as geo
from app.domain import checkin_schedule as schedule
from app.face import FaceHash

HOME = (33.8456, 115.7789, "wgs84")
HASH = FaceHash("f0f0f0f0f0f0f0f0", "0f0f0f0f0f0f0f0f")
OTHER_HASH = FaceHash("123456789abcdef0", "0fedcba987654321")
VECTOR = tuple([1.0] + [0.0] * 127)
FAR_VECTOR = tuple([0.0, 1.0] + [0.0] * 126)


def facts(**changes: object) -> an.CheckinFacts:
    base = {"person_id": "p1", "checked_in_on": date(2026, 10, 20)}
    return an.CheckinFacts(**{**base, **changes})


def codes(found: list[an.Signal]) -> list[str]:
    return [signal.code for signal in found]


def test_quarters_and_window_dates() -> None:
    assert schedule.quarter_of(date(2026, 11, 30)) == "2026Q4"
    assert schedule.previous_quarter("2026Q1") == "2025Q4"
    dates = schedule.window_dates("2026Q4", 30, 15)
    assert (dates.opens_on, dates.closes_on, dates.grace_until) == (
        date(2026, 10, 1),
        date(2026, 10, 30),
        date(2026, 11, 14),
    )
    assert not schedule.reminder_due(date(2026, 10, 22), dates, 7)
    assert schedule.reminder_due(date(2026, 10, 23), dates, 7) and schedule.reminder_due(
        date(2026, 10, 30), dates, 7
    )
    assert not schedule.reminder_due(date(2026, 10, 31), dates, 7)
    assert schedule.grace_passed(date(2026, 11, 15), dates.grace_until)
    assert not schedule.grace_passed(date(2026, 11, 14), dates.grace_until)
    assert schedule.consecutive_misses(["missed", "missed", "checked_in", "missed"]) == 2
    with pytest.raises(schedule.BadQuarter):
        schedule.quarter_start("2026Q5")


def test_gcj02_round_trip_and_offset() -> None:
    lat, lng = HOME[:2]
    shifted = geo.wgs84_to_gcj02(lat, lng)
    offset = geo.haversine_m(lat, lng, *shifted)
    assert 100 < offset < 700  # the offset a naive comparison would mistake for distance
    back = geo.gcj02_to_wgs84(*shifted)
    assert geo.haversine_m(lat, lng, *back) < 0.5
    assert geo.distance_m((*shifted, "gcj02"), HOME) < 0.5
    assert geo.wgs84_to_gcj02(48.85, 2.35) == (48.85, 2.35)  # outside China: no offset


def test_device_checking_in_many_people() -> None:
    assert codes(an.signals(facts(device_people=frozenset({"p2", "p3", "p4"}), device_limit=3))) == [
        "device_many_people"
    ]
    assert an.signals(facts(device_people=frozenset({"p1", "p2", "p3"}), device_limit=3)) == []


def test_far_from_home_with_coordinate_systems() -> None:
    far = an.signals(facts(location=(33.95, 115.90, "wgs84"), home=HOME, distance_limit_m=5000))
    assert codes(far) == ["far_from_home"] and "公里" in far[0].message
    # The same spot as home, reported by WeChat in GCJ-02 (300-600 m "away" if not converted).
    near = geo.wgs84_to_gcj02(*HOME[:2])
    assert an.signals(facts(location=(*near, "gcj02"), home=HOME, distance_limit_m=200)) == []
    assert an.signals(facts(location=None, home=HOME)) == []


def test_same_photo_reused_across_quarters_and_people() -> None:
    earlier = (an.PhotoSeen("p1", "2026Q3", HASH, VECTOR),)
    assert codes(an.signals(facts(face_hash=HASH, embedding=VECTOR, earlier_photos=earlier))) == [
        "photo_reused_same_person"
    ]
    others = (an.PhotoSeen("p2", "2026Q4", FaceHash(HASH.mirrored, HASH.plain), VECTOR),)  # a mirrored copy
    assert codes(an.signals(facts(face_hash=HASH, embedding=VECTOR, earlier_photos=others))) == [
        "photo_reused_other_person"
    ]
    # Different photo, or a near hash whose faces clearly differ: nothing.
    assert an.signals(facts(face_hash=OTHER_HASH, embedding=VECTOR, earlier_photos=earlier)) == []
    different_face = (an.PhotoSeen("p2", "2026Q4", HASH, FAR_VECTOR),)
    assert an.signals(facts(face_hash=HASH, embedding=VECTOR, earlier_photos=different_face)) == []


def test_check_in_after_a_recorded_death() -> None:
    found = an.signals(facts(died_on=date(2026, 9, 1)))
    assert codes(found) == ["after_death"] and "2026-09-01" in found[0].message
    assert an.signals(facts(died_on=date(2026, 12, 1))) == []


def test_face_matching_another_beneficiary() -> None:
    other = (an.OtherFace("p2", VECTOR),)
    assert codes(an.signals(facts(embedding=VECTOR, other_faces=other, match_at=0.52))) == [
        "face_matches_other_person"
    ]
    assert an.signals(facts(embedding=FAR_VECTOR, other_faces=other, match_at=0.52)) == []
    assert an.signals(facts(embedding=VECTOR, other_faces=(an.OtherFace("p1", VECTOR),))) == []  # own face
