"""Check-in jobs (RQ entry points taking ids or plain values; each checks state first, so a retry is
harmless) and the commands a cron runs: `flask --app wsgi doudi checkins-open|checkins-remind|checkins-sweep`.

Schedule (e.g. cron, daily at 08:00 China time): `checkins-open` (makes the current quarter's windows;
a no-op once made), `checkins-remind` (one reminder per window and recipient, ever), `checkins-sweep`
(missed windows → visit tasks → referrals). The same work can be queued on RQ with
`open_windows_job`, `send_reminders_job`, `sweep_job`.
"""

from __future__ import annotations

import logging

import click
from flask import Flask
from flask.cli import with_appcontext

from app.domain.checkin_schedule import BadQuarter, quarter_of, quarter_start
from app.jobs.cli_options import day_of, day_option
from app.services.transaction import transaction

log = logging.getLogger(__name__)


def prepare_worker(app: Flask) -> None:
    """Load (and hash-check) the face models once in the worker process, before RQ forks per job.

    Skipped with FACE_PRELOAD=false (a worker that never runs check-in jobs saves ~250 MiB).
    """
    if str(app.config.get("FACE_PRELOAD", "true")).lower() in ("0", "false", "no"):
        return
    from app.face import FaceModelUnavailable, default_engine

    try:
        default_engine()
    except FaceModelUnavailable:
        log.exception("face models unavailable: check-in jobs will fail until they are installed")


def process_checkin_job(checkin_id: str) -> str:
    """Face verification and anomaly signals of one check-in (the models load once per worker process)."""
    from app.services.checkin_processing import process_checkin

    with transaction():
        return process_checkin(checkin_id)


def selfie_arrived_job(sha256: str) -> int:
    """An assisted check-in's photo was uploaded after its record: process the check-ins waiting for it."""
    from app.services.checkin_processing import waiting_for

    with transaction():
        ids = waiting_for(sha256)
    for checkin_id in ids:
        process_checkin_job(checkin_id)
    return len(ids)


def open_windows_job(quarter: str | None = None) -> int:
    """Open the windows of a quarter (the current one by default); returns how many were new."""
    from app.services.checkin_windows import open_windows

    with transaction():
        return open_windows(quarter or quarter_of(day_of(None)))


def send_reminders_job(on: str | None = None) -> int:
    """Queue the reminders due on a day (today by default); returns how many were queued."""
    from app.services.checkin_windows import send_reminders

    with transaction():
        return len(send_reminders(day_of(on)))


def sweep_job(on: str | None = None) -> dict[str, int]:
    """Turn windows past their grace into missed ones with visit tasks and referrals."""
    from app.services.checkin_outcomes import sweep

    with transaction():
        return sweep(day_of(on))


@click.command("checkins-open")
@with_appcontext
@click.option("--quarter", default=None, help="e.g. 2026Q4 (default: the current quarter)")
def checkins_open_command(quarter: str | None) -> None:
    """Open the quarter's check-in windows for every covered person of every active entitlement."""
    if quarter:
        try:
            quarter_start(quarter)
        except BadQuarter as exc:
            raise click.BadParameter(str(exc)) from exc
    click.echo(f"{open_windows_job(quarter)} check-in windows opened")


@click.command("checkins-remind")
@with_appcontext
@day_option
def checkins_remind_command(on: str | None) -> None:
    """Queue the WeChat reminders of windows closing soon (never twice for one window)."""
    click.echo(f"{send_reminders_job(on)} reminders queued")


@click.command("checkins-sweep")
@with_appcontext
@day_option
def checkins_sweep_command(on: str | None) -> None:
    """Mark windows past their grace as missed, give the village a visit task, refer repeated misses."""
    counts = sweep_job(on)
    click.echo(f"{counts['missed']} missed, {counts['tasks']} visit tasks, {counts['referrals']} referrals")


COMMANDS = (checkins_open_command, checkins_remind_command, checkins_sweep_command)
