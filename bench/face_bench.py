"""Benchmark check-in face processing per photo: decode, detect, align + embed, compare, hash.

The end-to-end figure (`checkin_call`) is the real check-in processing function,
`app.services.checkin_face.process_selfie` (what the check-in job runs, minus the database), beside its
stages timed one by one and the bare model inference, all in the same run.

    .venv/bin/python bench/face_bench.py [--selfies 40] [--phone-photos 8] [--rounds 2] [--threads N]

Photos are made from scikit-image's astronaut (tests/face/samples.py; scikit-image is a test
dependency): 960x1280 JPEG "selfies" with small changes of framing, rotation, light and quality, and
a few 3024x4032 "phone camera" JPEGs. A worker process that imports only app.face measures them, so
its peak RSS is what a check-in worker needs. In the same run it times the bare model calls (OpenCV's
FaceDetectorYN.detect on the pre-decoded, pre-reduced array; SFace forward on a prepared blob), built
straight from the verified model bytes without app.face's wrappers. Prints medians and p95 in ms.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TARGET_MS = 150.0
STAGES = ("decode", "detect", "embed", "compare", "hash")


def generate(directory: Path, selfies: int, phone_photos: int) -> dict[str, list[str]]:
    """Write the photo set (and the enrolment photo) and return the file names per group."""
    import numpy as np
    from PIL import Image, ImageEnhance

    from tests.face import samples

    chooser = random.Random(7)
    base = samples.astronaut()
    (directory / "reference.png").write_bytes(samples.encode(base, "PNG"))
    groups: dict[str, list[str]] = {"selfie_1280": [], "phone_4032": []}
    for index in range(selfies + phone_photos):
        top, left = chooser.randint(0, 40), chooser.randint(60, 120)
        crop = base[top : top + 384, left : left + 288]
        picture = Image.fromarray(np.ascontiguousarray(crop)).rotate(
            chooser.uniform(-6, 6), resample=Image.Resampling.BICUBIC, fillcolor=(120, 120, 120)
        )
        picture = ImageEnhance.Brightness(picture).enhance(chooser.uniform(0.8, 1.2))
        phone = index >= selfies
        size = (3024, 4032) if phone else (960, 1280)
        picture = picture.resize(size, Image.Resampling.BICUBIC)
        name = f"{'phone' if phone else 'selfie'}_{index:03d}.jpg"
        (directory / name).write_bytes(samples.encode(np.asarray(picture), quality=chooser.randint(80, 95)))
        groups["phone_4032" if phone else "selfie_1280"].append(name)
    return groups


def peak_rss_mib() -> float:
    """This process's peak resident set (VmHWM: unlike ru_maxrss, not inherited from the forking parent)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _ms(began: float) -> float:
    return (time.perf_counter() - began) * 1000.0


def run_worker(directory: Path, groups: dict[str, list[str]], rounds: int, threads: int) -> None:
    """In a fresh process: load the engine, time every photo by stage and end to end, print JSON."""
    import cv2
    import numpy as np

    if threads:
        cv2.setNumThreads(threads)

    from app.face import DEFAULT_SETTINGS as SETTINGS
    from app.face import FaceEngine, enroll, verify
    from app.face.detect import choose_face, find_faces
    from app.face.embed import align_face
    from app.face.image import decode_image
    from app.face.models import DETECTOR, RECOGNIZER, read_model
    from app.face.phash import face_hash
    from app.face.vectors import cosine_similarity
    from app.face.verify import decide
    from app.services.checkin_face import process_selfie

    load_average = " ".join(f"{value:.1f}" for value in os.getloadavg())
    rss_start = peak_rss_mib()
    began = time.perf_counter()
    engine = FaceEngine()
    load_ms = _ms(began)
    reference = enroll((directory / "reference.png").read_bytes(), engine=engine)
    rss_loaded = peak_rss_mib()

    # The bare models, built from the same verified bytes without app.face's wrappers.
    bare_detector = cv2.FaceDetectorYN.create(
        "onnx",
        np.frombuffer(read_model(DETECTOR), np.uint8),
        np.empty(0, np.uint8),
        (320, 320),
        0.3,
        0.3,
        200,
    )
    bare_net = cv2.dnn.readNetFromONNX(np.frombuffer(read_model(RECOGNIZER), np.uint8))

    results: dict[str, list[dict]] = {group: [] for group in groups}
    for round_index in range(rounds + 1):  # round 0 warms caches and is not recorded
        for group, names in groups.items():
            for name in names:
                data = (directory / name).read_bytes()
                timing: dict[str, float] = {}
                cpu_began = time.process_time()
                began = time.perf_counter()
                image = decode_image(data, max_side=SETTINGS.max_side, max_pixels=SETTINGS.max_pixels)
                timing["decode"] = _ms(began)
                began = time.perf_counter()
                finding = choose_face(find_faces(engine.detector, image, SETTINGS), SETTINGS)
                timing["detect"] = _ms(began)
                assert finding.face is not None, name
                began = time.perf_counter()
                chip = align_face(image, finding.face)
                embedding = engine.embedder.embed(chip)
                timing["embed"] = _ms(began)
                began = time.perf_counter()
                decision = decide(cosine_similarity(embedding, reference.vector()), SETTINGS)
                timing["compare"] = _ms(began)
                began = time.perf_counter()
                face_hash(chip)
                timing["hash"] = _ms(began)
                timing["pipeline"] = sum(timing[stage] for stage in STAGES)
                timing["pipeline_cpu"] = (time.process_time() - cpu_began) * 1000.0

                began = time.perf_counter()
                verdict = verify(data, reference, engine=engine)
                timing["verify_call"] = _ms(began)
                began = time.perf_counter()
                checked = process_selfie(data, reference, SETTINGS, engine=engine)
                timing["checkin_call"] = _ms(began)

                scale = min(1.0, SETTINGS.detect_max_side / max(image.shape[:2]))
                size = (round(image.shape[1] * scale), round(image.shape[0] * scale))
                reduced = cv2.resize(image, size, interpolation=cv2.INTER_AREA)
                bare_detector.setInputSize(size)
                blob = cv2.dnn.blobFromImage(chip, 1.0, (112, 112), (0, 0, 0), swapRB=True)
                cpu_began = time.process_time()
                began = time.perf_counter()
                bare_detector.detect(reduced)
                timing["bare_detect"] = _ms(began)
                began = time.perf_counter()
                bare_net.setInput(blob, "data")
                bare_net.forward()
                timing["bare_embed"] = _ms(began)
                timing["bare_models"] = timing["bare_detect"] + timing["bare_embed"]
                timing["bare_cpu"] = (time.process_time() - cpu_began) * 1000.0
                if round_index:
                    results[group].append(
                        {**timing, "decision": str(decision), "verdict": str(verdict.decision),
                         "checkin": str(checked.verdict.decision)}
                    )
    print(
        json.dumps(
            {
                "opencv": cv2.__version__,
                "load_average": load_average,
                "threads": cv2.getNumThreads(),
                "load_ms": load_ms,
                "rss_start_mb": rss_start,
                "rss_loaded_mb": rss_loaded,
                "peak_rss_mb": peak_rss_mib(),
                "results": results,
            }
        )
    )


def _stats(values: list[float]) -> tuple[float, float]:
    ordered = sorted(values)
    return statistics.median(ordered), ordered[max(0, round(0.95 * len(ordered)) - 1)]


def print_report(run: dict) -> bool:
    """Print the figures; True when the 1280-px selfie median meets the target."""
    print(f"load average before the run: {run['load_average']}")
    print(
        f"OpenCV {run['opencv']} ({run['threads']} threads); models hash-checked and loaded in "
        f"{run['load_ms']:.0f} ms"
    )
    keys = (*STAGES, "pipeline", "checkin_call", "verify_call", "bare_detect", "bare_embed", "bare_models")
    cpu_keys = ("pipeline_cpu", "bare_cpu")
    met = True
    for group, rows in run["results"].items():
        if not rows:
            continue
        matches = sum(row["verdict"] == "match" for row in rows)
        print(f"\n[{group}] {len(rows)} timed photos, {matches} verified as match")
        print(f"{'ms per photo':>14} " + " ".join(f"{key:>11}" for key in keys))
        stats = {key: _stats([row[key] for row in rows]) for key in keys}
        print(f"{'median':>14} " + " ".join(f"{stats[key][0]:11.1f}" for key in keys))
        print(f"{'p95':>14} " + " ".join(f"{stats[key][1]:11.1f}" for key in keys))
        cpu = {key: _stats([row[key] for row in rows]) for key in cpu_keys}
        print(f"CPU ms (both threads; less sensitive to other load): pipeline median {cpu['pipeline_cpu'][0]:.1f} "
              f"p95 {cpu['pipeline_cpu'][1]:.1f} | bare models median {cpu['bare_cpu'][0]:.1f} "
              f"p95 {cpu['bare_cpu'][1]:.1f}")  # fmt: skip
        overhead = stats["pipeline"][0] - stats["bare_models"][0]
        print(f"pipeline median {stats['pipeline'][0]:.1f} ms = bare models {stats['bare_models'][0]:.1f} ms "
              f"+ {overhead:.1f} ms of decoding, resizing, alignment, comparison and hashing")  # fmt: skip
        if group == "selfie_1280":
            met = stats["pipeline"][0] <= TARGET_MS and stats["checkin_call"][0] <= TARGET_MS
            print(f"check-in processing (process_selfie) median {stats['checkin_call'][0]:.1f} ms, p95 "
                  f"{stats['checkin_call'][1]:.1f} ms; target: median <= {TARGET_MS:.0f} ms per 1280-px selfie: "
                  f"{'met' if met else 'NOT met'}")  # fmt: skip
    print(
        f"\nworker RSS: {run['rss_start_mb']:.0f} MiB after imports, {run['rss_loaded_mb']:.0f} MiB with "
        f"models loaded, peak {run['peak_rss_mb']:.0f} MiB"
    )
    return met


def main() -> int:
    """Generate the photos, measure them in a worker process, print the figures."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--selfies", type=int, default=40)
    parser.add_argument("--phone-photos", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=2, help="timed passes over the set (after one warm-up)")
    parser.add_argument("--threads", type=int, default=0, help="OpenCV threads (0: OpenCV's default)")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.worker:
        directory = Path(arguments.worker)
        groups = json.loads((directory / "groups.json").read_text())
        run_worker(directory, groups, arguments.rounds, arguments.threads)
        return 0
    with tempfile.TemporaryDirectory(prefix="face-bench-") as folder:
        directory = Path(folder)
        groups = generate(directory, arguments.selfies, arguments.phone_photos)
        (directory / "groups.json").write_text(json.dumps(groups))
        completed = subprocess.run(
            [
                sys.executable,
                __file__,
                "--worker",
                folder,
                "--rounds",
                str(arguments.rounds),
                "--threads",
                str(arguments.threads),
            ],  # fmt: skip
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        )
    met = print_report(json.loads(completed.stdout.strip().splitlines()[-1]))
    return 0 if met else 1


if __name__ == "__main__":
    raise SystemExit(main())
