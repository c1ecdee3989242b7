"""The RQ worker: `python -m app.worker` (REDIS_URL must be set; with no Redis, jobs run in-process).

Each job runs in the forked work horse inside a fresh application context, with the database pool
re-created after the fork, so jobs never share connections or session state.
"""

from __future__ import annotations

import logging
import sys

from flask import Flask
from rq import Queue, Worker
from rq.serializers import JSONSerializer

from app import create_app
from app.extensions import db

log = logging.getLogger(__name__)


class AppWorker(Worker):
    """An RQ worker that runs every job inside the Flask application's context."""

    flask_app: Flask

    def perform_job(self, job, queue) -> bool:  # noqa: ANN001
        with self.flask_app.app_context():
            db.engine.dispose(close=False)  # connections inherited through fork belong to the parent
            return super().perform_job(job, queue)

    def execute_job(self, job, queue) -> None:  # noqa: ANN001
        # Before the fork: the OCR engine is loaded here, in the parent, on the first job that reads
        # photos, so every forked work horse inherits it instead of loading it again.
        from app.jobs.id_photo_jobs import load_before_fork

        load_before_fork(self.flask_app, job.func_name)
        super().execute_job(job, queue)


def build_worker(app: Flask, burst: bool = False) -> AppWorker:
    """A worker on the app's queue with the JSON serializer."""
    queue_impl = app.extensions["doudi_queue"]
    if not hasattr(queue_impl, "redis"):
        raise SystemExit("REDIS_URL is not set: there is no queue to work on (jobs run in-process)")
    queue = Queue(app.config["RQ_QUEUE"], connection=queue_impl.redis, serializer=JSONSerializer)
    worker = AppWorker([queue], connection=queue_impl.redis, serializer=JSONSerializer)
    worker.flask_app = app
    return worker


def main(argv: list[str] | None = None) -> None:
    """Run a worker until stopped (`--burst`: until the queue is empty)."""
    args = sys.argv[1:] if argv is None else argv
    app = create_app()
    worker = build_worker(app)
    from app.jobs.id_photo_jobs import prepare_worker

    prepare_worker(app)  # ID-photo reads whose worker died are enqueued again
    from app.jobs.checkin_jobs import prepare_worker as prepare_face_models

    prepare_face_models(app)  # likewise the face models of the check-in jobs
    worker.work(burst="--burst" in args, with_scheduler=True)


if __name__ == "__main__":
    main()
