"""Operator commands: `flask --app wsgi doudi …` (schema, areas, staff accounts, demo data)."""

from __future__ import annotations

import getpass
import os
from datetime import date
from pathlib import Path

import click
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import select

from app.extensions import db
from app.models import StaffUser
from app.services.areas import area_by_code, load_areas_csv, set_policy
from app.services.staff_accounts import create_staff
from app.services.transaction import transaction

DEMO_AREAS = Path(__file__).parent / "data" / "demo_areas.csv"
DEMO_PASSWORD_ENV = "DOUDI_DEMO_PASSWORD"
DEMO_STAFF = (
    ("county", "县民政 周敏", "county_officer", "341602"),
    ("clerk", "城关镇经办 陈立", "township_clerk", "341602100"),
    ("reviewer", "城关镇审核 刘洋", "township_reviewer", "341602100"),
    ("assistant", "东关社区协理员 孙倩", "village_assistant", "341602100201"),
    ("assistant2", "东关社区协理员 赵刚", "village_assistant", "341602100201"),
    ("admin", "系统管理员", "admin", "341602"),
)


@click.group("doudi")
def doudi() -> None:
    """Doudi operator commands."""


@doudi.command("init-db")
def init_db() -> None:
    """Create or upgrade the schema through the migrations (the only way the schema is built)."""
    upgrade(revision="heads")
    click.echo("database schema is up to date")


@doudi.command("load-areas")
@click.argument("csv_file", type=click.File(encoding="utf-8-sig"))
def load_areas_command(csv_file) -> None:  # noqa: ANN001
    """Load area codes from a CSV with the header code,name,level,parent_code (county → township → village)."""
    with transaction():
        count = load_areas_csv(csv_file)
    click.echo(f"{count} areas loaded")


@doudi.command("create-staff")
@click.option("--username", required=True)
@click.option("--name", "display_name", required=True, help="Display name")
@click.option("--role", required=True, type=click.Choice(["village_assistant", "township_clerk", "township_reviewer", "county_officer", "admin"]))
@click.option("--area", "area_code", required=True, help="Area code the account is scoped to")
@click.option("--password-env", default=None, help="Read the password from this environment variable instead of a prompt")
def create_staff_command(username: str, display_name: str, role: str, area_code: str, password_env: str | None) -> None:
    """Create a staff account (the password is prompted for, or read from an environment variable)."""
    password = os.environ.get(password_env, "") if password_env else getpass.getpass("Password: ")
    with transaction():
        user = create_staff(username, display_name, password, role, area_code)
    click.echo(f"created {user.role} {user.username} for area {area_code}")


def seed_demo_data(password: str) -> list[str]:
    """Demo areas, a county policy and one staff account per role; returns the usernames created."""
    created = []
    with DEMO_AREAS.open(encoding="utf-8") as handle:
        load_areas_csv(handle)
    set_policy(area_by_code("341602"), date(2025, 1, 1), {"urban_monthly_standard": "650", "rural_monthly_standard": "418"})
    for username, name, role, area in DEMO_STAFF:
        if db.session.scalar(select(StaffUser.id).where(StaffUser.username == username)) is None:
            create_staff(username, name, password, role, area)
            created.append(username)
    return created


@doudi.command("seed-demo")
def seed_demo() -> None:
    """Load the demo county, its policy and demo staff accounts (password from DOUDI_DEMO_PASSWORD)."""
    password = os.environ.get(DEMO_PASSWORD_ENV, "demo-pass-2024")
    with transaction():
        created = seed_demo_data(password)
    click.echo(f"demo data ready; staff accounts created: {', '.join(created) or 'none (already there)'}")


def register_cli(app: Flask) -> None:
    """Attach the command group to the app."""
    from app.jobs.checkin_jobs import COMMANDS as CHECKIN_COMMANDS
    from app.jobs.entitlement_jobs import COMMANDS as ENTITLEMENT_COMMANDS

    for command in (*CHECKIN_COMMANDS, *ENTITLEMENT_COMMANDS):
        doudi.add_command(command)
    app.cli.add_command(doudi)
