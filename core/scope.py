"""The one definition of "inside the subtree of a unit".

Units carry a materialized path ("00000001/00000020/00000107/"): a unit lies in the subtree of
another when its path starts with the other's. Everything that asks that question — a queryset
filter on any model that points at a unit, or a check on two loaded units — goes through this
module, so the rule has one home:

- `subtree_q(unit)` / `subtree_q(unit, via="participant__unit")`: a `Q` for querysets;
- `path_contains(ancestor_path, path)`: the same test on two paths already in memory.

`training.models.Unit` builds `Unit.objects.subtree_of(unit)` and `unit.contains(other)` on
these; the apps' scoped selectors build "what this user may see / manage / use" on those.
A unit without a path (not saved yet) contains nothing and lies in no subtree.
"""

from __future__ import annotations

from typing import Protocol

from django.db.models import Q


class HasPath(Protocol):
    path: str | None


def _path_of(unit: HasPath | str | None) -> str:
    if unit is None:
        return ""
    if isinstance(unit, str):
        return unit
    return unit.path or ""


def path_contains(ancestor: HasPath | str | None, unit: HasPath | str | None) -> bool:
    """True when `unit` is `ancestor` or lies below it. Either side may be a unit or a path."""
    ancestor_path, path = _path_of(ancestor), _path_of(unit)
    return bool(ancestor_path) and bool(path) and path.startswith(ancestor_path)


def subtree_q(unit: HasPath | str | None, *, via: str = "") -> Q:
    """A filter keeping rows whose unit (reached through the lookup `via`, e.g. "unit" or
    "participant__unit"; empty for `Unit` itself) is `unit` or below it. A unit without a path
    matches nothing."""
    path = _path_of(unit)
    if not path:
        return Q(pk__in=[])
    lookup = f"{via}__path__startswith" if via else "path__startswith"
    return Q(**{lookup: path})
