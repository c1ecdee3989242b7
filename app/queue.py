"""Background jobs: RQ on Redis when REDIS_URL is set, otherwise run in-process.

Jobs are enqueued only after the transaction that created their rows has committed, with a job id
derived from what they work on, so a retried request never runs the same work twice at once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from flask import Flask, current_app
from sqlalchemy import event

from app.extensions import db

log = logging.getLogger(__name__)
_announced_in_process = False


class InProcessQueue:
    """Runs each job at once in the calling process; used when no Redis is configured."""

    name = "in-process"

    def enqueue(self, func: Callable[..., Any], *args: Any, job_id: str) -> None:
        """Run the job now in its own application context (and so its own session and transaction).

        Failures are logged, never raised into the request that enqueued the job.
        """
        app = current_app._get_current_object()
        try:
            with app.app_context():
                func(*args)
        except Exception:
            log.exception("in-process job %s failed", job_id)


class RQQueue:
    """Enqueues onto an RQ queue with the JSON serializer and deterministic job ids."""

    def __init__(self, redis_url: str, queue_name: str) -> None:
        from redis import Redis
        from rq import Queue
        from rq.serializers import JSONSerializer

        self.redis = Redis.from_url(redis_url)
        self.queue = Queue(queue_name, connection=self.redis, serializer=JSONSerializer)
        self.name = f"rq:{queue_name}"

    def enqueue(self, func: Callable[..., Any], *args: Any, job_id: str) -> None:
        """Enqueue unless a job with that id is already queued or running."""
        from rq import Retry
        from rq.job import Job, JobStatus

        try:
            existing = Job.fetch(job_id, connection=self.redis, serializer=self.queue.serializer)
        except Exception:
            existing = None
        if existing is not None and existing.get_status() in (JobStatus.QUEUED, JobStatus.STARTED, JobStatus.SCHEDULED):
            return
        self.queue.enqueue(func, *args, job_id=job_id, retry=Retry(max=3, interval=[5, 30, 120]))


def init_queue(app: Flask) -> None:
    """Choose the queue from the config and say once when jobs run in-process."""
    global _announced_in_process
    if app.config.get("REDIS_URL"):
        app.extensions["doudi_queue"] = RQQueue(app.config["REDIS_URL"], app.config["RQ_QUEUE"])
        return
    app.extensions["doudi_queue"] = InProcessQueue()
    if not _announced_in_process:
        log.info("REDIS_URL is not set: background jobs run in-process")
        _announced_in_process = True


def enqueue_after_commit(func: Callable[..., Any], *args: Any, job_id: str) -> None:
    """Enqueue a job once the current transaction commits (dropped if it rolls back).

    Savepoints (`begin_nested`) fire the session's commit and rollback events too: releasing one is not
    the commit, so the job waits for the real one; rolling one back drops the job only if it was asked
    for inside that savepoint.
    """
    queue = current_app.extensions["doudi_queue"]
    session = db.session()
    asked_in = session.get_nested_transaction()
    settled = False  # listeners cannot be removed while the event fires: they just go quiet (and die with the session)

    def _enqueue(committed: Any) -> None:
        nonlocal settled
        if settled or committed.in_nested_transaction():
            return  # done already, or a savepoint was released and the transaction goes on
        settled = True
        queue.enqueue(func, *args, job_id=job_id)

    def _forget(_session: Any, ended: Any) -> None:
        nonlocal settled
        if not ended.nested or _within(asked_in, ended):
            settled = True  # the transaction, or the savepoint the job was asked for in, rolled back

    event.listen(session, "after_commit", _enqueue)
    event.listen(session, "after_soft_rollback", _forget)


def _within(transaction: Any, ancestor: Any) -> bool:
    """True when `transaction` is `ancestor` or was begun inside it."""
    while transaction is not None:
        if transaction is ancestor:
            return True
        transaction = transaction.parent
    return False
