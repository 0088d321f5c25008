"""Who may enter a view. Every view states it with one of these decorators (STYLE 5, 6)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from navolging.accounts.models import Role

#: Every role, for views any logged-in user may open (their own pages).
ANY_ROLE = tuple(Role.values)


def roles_required(*roles: str) -> Callable:
    """Anonymous -> login page; logged in without one of `roles` -> 403."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not user.has_role(*roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.allowed_roles = frozenset(roles)  # read by the URL x role matrix test
        return wrapped

    return decorator


login_required = roles_required(*ANY_ROLE)
programme_office_required = roles_required(Role.PROGRAMME_OFFICE)


PUBLIC = "public"


def public(view: Callable) -> Callable:
    """Marks a view anyone may open (login, password reset, health). Stated, not forgotten."""
    view.allowed_roles = PUBLIC
    return view
