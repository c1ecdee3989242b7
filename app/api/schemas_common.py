"""Schemas shared by every blueprint's documentation."""

from app.schemas.outputs import ErrorSchema

__all__ = ["ErrorSchema"]
