"""marshmallow schemas per area and audience (resident / staff / public)."""
