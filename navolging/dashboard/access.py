"""Who sees which part of the dashboard: the programme office the whole organisation, a manager
the units they lead and everything below them, nobody else anything."""

from __future__ import annotations

from django.http import Http404

from navolging.accounts.models import Role, User

from .metrics import Tree


def own_tops(user: User, tree: Tree) -> list[int]:
    """The highest active units `user` heads (a unit under another one they head is part of
    that one's view)."""
    person = user.person_or_none
    if person is None or not user.has_role(Role.MANAGER):
        return []
    headed = {pk for pk, unit in tree.units.items() if unit.head == person.pk}
    return [pk for pk in headed if not set(tree.chain(pk)[:-1]) & headed]


def may_see(user: User, pk: int | None, tree: Tree) -> bool:
    if user.has_role(Role.PROGRAMME_OFFICE):
        return pk is None or pk in tree.units
    if pk is None or pk not in tree.units:
        return False
    return bool(set(tree.chain(pk)) & set(own_tops(user, tree)))


def unit_for(user: User, pk: int | None, tree: Tree) -> int | None:
    """`pk` when `user` may see it; 404 otherwise (a unit one may not see is not confirmed to
    exist)."""
    if not may_see(user, pk, tree):
        raise Http404
    return pk


def top_for(user: User, pk: int, tree: Tree) -> int | None:
    """Where `user`'s view of unit `pk` starts: None (the organisation) for the office, else
    the unit they lead above it."""
    if user.has_role(Role.PROGRAMME_OFFICE):
        return None
    tops = set(own_tops(user, tree))
    return next((unit for unit in tree.chain(pk) if unit in tops), pk)
