from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from navolging.lib.access import programme_office_required, public

from . import services
from .forms import LoginForm, PasswordResetForm, SetPasswordForm, TrainerForm
from .models import Language, User

_get_post = require_http_methods(["GET", "POST"])

login = public(
    _get_post(
        auth_views.LoginView.as_view(
            template_name="accounts/login.html",
            authentication_form=LoginForm,
            redirect_authenticated_user=True,
        )
    )
)
logout = public(require_POST(auth_views.LogoutView.as_view()))
password_reset = public(
    _get_post(
        auth_views.PasswordResetView.as_view(
            form_class=PasswordResetForm,
            success_url="/account/wachtwoord/verstuurd/",
            email_template_name="registration/password_reset_email.txt",
            subject_template_name="registration/password_reset_subject.txt",
        )
    )
)
password_reset_done = public(require_GET(auth_views.PasswordResetDoneView.as_view()))
password_reset_confirm = public(
    _get_post(
        auth_views.PasswordResetConfirmView.as_view(
            form_class=SetPasswordForm, success_url="/account/wachtwoord/klaar/"
        )
    )
)
password_reset_complete = public(require_GET(auth_views.PasswordResetCompleteView.as_view()))


@public
@require_POST
def language_switch(request):
    """Switch the interface language; a logged-in user's choice is also saved for mail."""
    language = request.POST.get("language", "")
    next_url = request.POST.get("next", "/")
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = "/"
    response = redirect(next_url)
    if language in Language.values:
        translation.activate(language)
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=365 * 24 * 3600,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
        user = request.user
        if user.is_authenticated and user.language != language:
            services.user_language_set(user=user, language=language, request=request)
    return response


@require_GET
@programme_office_required
def trainer_list(request):
    trainers = User.objects.filter(is_trainer=True).order_by("name", "email")
    return render(
        request, "accounts/trainer_list.html", {"trainers": trainers, "active_nav": "trainers"}
    )


@require_http_methods(["GET", "POST"])
@programme_office_required
def trainer_create(request):
    form = TrainerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        trainer = services.trainer_create(**form.cleaned_data, by=request.user, request=request)
        messages.success(
            request,
            _("Account made for %(name)s. They get an e-mail to set a password.")
            % {"name": trainer.display_name},
        )
        return redirect("accounts:trainer_list")
    return render(request, "accounts/trainer_form.html", {"form": form, "active_nav": "trainers"})
