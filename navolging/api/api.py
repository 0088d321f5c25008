from __future__ import annotations

from ninja import NinjaAPI
from ninja.security import django_auth

from navolging.lib.access import login_required

api = NinjaAPI(
    title="Navolging API",
    version="1",
    auth=django_auth,  # the browser session; CSRF is checked on every unsafe method
    urls_namespace="api",
    docs_decorator=login_required,
)


@api.get("/me", tags=["account"])
def me(request) -> dict:
    """The logged-in user and the roles they hold."""
    user = request.auth
    return {"email": user.email, "name": user.display_name, "roles": sorted(user.roles())}
