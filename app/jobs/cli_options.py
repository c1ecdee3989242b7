"""Options shared by the commands a cron runs."""

from __future__ import annotations

from datetime import date

import click


def _valid_day(_context: click.Context, _parameter: click.Parameter, value: str | None) -> str | None:
    if value is not None:
        try:
            date.fromisoformat(value)
        except ValueError as exc:
            raise click.BadParameter("use YYYY-MM-DD, e.g. 2027-10-01") from exc
    return value


def day_of(on: str | None) -> date:
    """The day a scheduled job acts for: `--on` when given (already checked), else today in China."""
    from app.services.casework_access import today

    return date.fromisoformat(on) if on else today()


# `--on YYYY-MM-DD`: the day a scheduled command acts for (a missed run can be caught up); default today.
day_option = click.option(
    "--on", default=None, callback=_valid_day, help="the day to act for, YYYY-MM-DD (default: today in China)"
)
