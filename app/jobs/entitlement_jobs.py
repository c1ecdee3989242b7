"""Entitlement upkeep a cron runs: `flask --app wsgi doudi entitlements-end-gradual-exits` (daily), or the
RQ job `end_gradual_exits_job`. Terminates every entitlement whose gradual-exit period has ended, so nobody
stays on the rolls because no one pressed the button (the township's endpoint does the same for its area)."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from app.jobs.cli_options import day_of, day_option
from app.services.transaction import transaction


def end_gradual_exits_job(on: str | None = None) -> int:
    """Terminate the entitlements, in every area, whose gradual exit ended on or before `on` (default today)."""
    from app.services.benefits_entitlements import end_finished_gradual_exits

    with transaction():
        return end_finished_gradual_exits(None, day_of(on))


@click.command("entitlements-end-gradual-exits")
@with_appcontext
@day_option
def end_gradual_exits_command(on: str | None) -> None:
    """Terminate every entitlement whose gradual-exit period has ended."""
    click.echo(f"{end_gradual_exits_job(on)} entitlements ended after their gradual exit")


COMMANDS = (end_gradual_exits_command,)
