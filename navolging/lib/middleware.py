from __future__ import annotations


class SecurityHeadersMiddleware:
    """Headers Django's SecurityMiddleware does not set (R2).

    HSTS is sent on every response, not only over HTTPS: behind a TLS-terminating proxy the
    app may not know it is on HTTPS, and browsers ignore the header on plain HTTP anyway.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault(
            "Strict-Transport-Security", "max-age=31536000; includeSubDomains"
        )
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response.headers["Cache-Control"] = "no-store"
        return response
