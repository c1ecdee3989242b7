"""RQ entry points, one module per area; each takes ids, checks state first and is safe to run twice.

Enqueue with `app.queue.enqueue_after_commit(func, *args, job_id=...)`: the job id is derived from what
the job works on, so a retried request or a duplicate upload never runs the same work twice at once.
Workers run each job in a fresh application context (see `app/worker.py`).
"""
