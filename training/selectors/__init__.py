"""Read queries for the training app, always scoped by the requesting user."""

from .organisation import (
    SCOPED_ROLES,
    personnel_visible_to,
    rank_list,
    unit_ancestors,
    unit_is_visible_to,
    unit_subtree,
    units_visible_to,
    user_scope_unit,
    user_sees_subtree,
)

__all__ = [
    "SCOPED_ROLES",
    "personnel_visible_to",
    "rank_list",
    "unit_ancestors",
    "unit_is_visible_to",
    "unit_subtree",
    "units_visible_to",
    "user_scope_unit",
    "user_sees_subtree",
]
