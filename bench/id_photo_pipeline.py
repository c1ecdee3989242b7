"""What the ID-photo job adds to OCR: the whole job (claim, clean copies, OCR, one write) beside a bare
`read_id_card` call on the same generated photos, in one process on a throw-away SQLite database.

    python -m bench.id_photo_pipeline [--count 12] [--engine paddleocr|rapidocr]

Prints the median wall-clock and CPU seconds (all threads of this process) of each, and the overhead
as a share of the bare call; CPU time is the steadier figure on a machine busy with other work.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from flask_migrate import upgrade

import ocr
from app import create_app
from app.extensions import db
from app.jobs.id_photo_jobs import read_id_photo
from app.services.attachments import store_file
from app.services.id_photo_reads import request_read
from app.services.transaction import transaction
from ocr.synthetic import make_set


def main() -> None:
    """Run the comparison and print one line per measure."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=12)
    parser.add_argument("--engine", default=ocr.DEFAULT_ENGINE, choices=ocr.ENGINE_NAMES)
    args = parser.parse_args()
    cards = make_set(args.count, difficulty="normal", first_seed=900)
    with tempfile.TemporaryDirectory() as folder:
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(folder) / 'bench.sqlite3'}",
                          "STORAGE_DIR": str(Path(folder) / "files"), "OCR_ENGINE": args.engine})  # fmt: skip
        with app.app_context():
            upgrade(revision="heads")
            engine = ocr.get_engine(args.engine)
            bare: list[tuple[float, float]] = []
            job: list[tuple[float, float]] = []
            for card in cards:
                started = (time.perf_counter(), time.process_time())
                ocr.read_id_card(card.image_bytes, engine)
                bare.append((time.perf_counter() - started[0], time.process_time() - started[1]))
                with transaction():
                    sha = store_file(card.image_bytes).sha256
                    request_read(sha, enqueue=False)
                started = (time.perf_counter(), time.process_time())
                outcome = read_id_photo(sha)
                job.append((time.perf_counter() - started[0], time.process_time() - started[1]))
                assert outcome in ("done", "failed"), outcome
            db.engine.dispose()
    print(f"engine {args.engine}, {len(cards)} generated card photos (medians)")
    for index, measure in enumerate(("wall-clock", "CPU")):
        bare_median = statistics.median(sample[index] for sample in bare)
        job_median = statistics.median(sample[index] for sample in job)
        overhead = 100 * (job_median - bare_median) / bare_median
        print(
            f"{measure:>10}: bare read_id_card {bare_median:.3f} s, whole job {job_median:.3f} s, overhead {overhead:+.1f}%"
        )


if __name__ == "__main__":
    main()
