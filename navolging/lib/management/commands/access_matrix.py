"""Prints who may open which URL, as CSV, for the yearly access review (SECURITY R9)."""

from __future__ import annotations

import csv
import sys

from django.core.management.base import BaseCommand
from django.urls import URLPattern, URLResolver, get_resolver

from navolging.accounts.models import Role
from navolging.lib.access import PUBLIC


def url_rules(resolver: URLResolver | None = None, prefix: str = "", route: str = ""):
    """(url name, route, allowed roles) for every named URL, read from the views themselves."""
    for pattern in (resolver or get_resolver()).url_patterns:
        here = route + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            space = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
            yield from url_rules(pattern, space, here)
        elif isinstance(pattern, URLPattern) and pattern.name:
            name = prefix + pattern.name
            roles = getattr(pattern.callback, "allowed_roles", None)
            if roles is None and name.startswith("admin:"):
                roles = frozenset({Role.ADMIN})
            elif roles is None and name.startswith("api:"):
                roles = frozenset(Role.values)
            yield name, here, roles


class Command(BaseCommand):
    help = "Print the URL x role access matrix as CSV."

    def handle(self, *args, **options):
        writer = csv.writer(sys.stdout)
        writer.writerow(["url name", "path", *Role.values])
        for name, route, roles in url_rules():
            if roles == PUBLIC:
                cells = ["public"] * len(Role.values)
            else:
                cells = ["yes" if roles and role in roles else "" for role in Role.values]
            writer.writerow([name, "/" + route, *cells])
