from __future__ import annotations

import time

from django.conf import settings
from django.contrib.auth import logout
from django.utils import translation

_LOGIN_AT = "navolging_login_at"
_SEEN_AT = "navolging_seen_at"


class SessionTimeoutMiddleware:
    """Ends a session after SESSION_IDLE_SECONDS without a request, or SESSION_ABSOLUTE_SECONDS
    after login (R8)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            session = request.session
            login_at = session.setdefault(_LOGIN_AT, now)
            seen_at = session.get(_SEEN_AT, now)
            if (
                now - seen_at > settings.SESSION_IDLE_SECONDS
                or now - login_at > settings.SESSION_ABSOLUTE_SECONDS
            ):
                logout(request)
            elif now - seen_at >= 60:  # write the session at most once a minute
                session[_SEEN_AT] = now
            else:
                session.setdefault(_SEEN_AT, now)
        return self.get_response(request)


class UserLanguageMiddleware:
    """A logged-in user sees their preferred language unless they switched in this browser."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and settings.LANGUAGE_COOKIE_NAME not in request.COOKIES:
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
        return self.get_response(request)
