"""The consultant's workbench commands (rules check/list/show/graph/new, test, init, interview)."""

from __future__ import annotations

import click


def register(group: click.Group) -> None:
    """Add this module's commands to the `advise` group."""
