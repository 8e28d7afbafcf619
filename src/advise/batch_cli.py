"""`advise batch`: many fact sheets at once."""

from __future__ import annotations

import click


def register(group: click.Group) -> None:
    """Add this module's commands to the `advise` group."""
