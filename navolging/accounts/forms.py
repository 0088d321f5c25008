from __future__ import annotations

from django import forms
from django.contrib.auth import forms as auth_forms
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from navolging.lib.forms import NLDSFormMixin

from .models import Language, User


class LoginForm(NLDSFormMixin, auth_forms.AuthenticationForm):
    # A CharField, not an EmailField: a mistyped address must still reach authenticate(),
    # so that the failure is counted for the lockout and written to the audit trail.
    username = forms.CharField(
        label=_("E-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )


class PasswordResetForm(NLDSFormMixin, auth_forms.PasswordResetForm):
    """Also reaches people who never had a password (HR imports, new trainers)."""

    def get_users(self, email):
        return User.objects.filter(email__iexact=email, is_active=True)

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        # Mail is written in the recipient's language.
        with translation.override(context["user"].language):
            super().send_mail(
                subject_template_name,
                email_template_name,
                context,
                from_email,
                to_email,
                html_email_template_name,
            )


class TrainerForm(NLDSFormMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    email = forms.EmailField(label=_("E-mail address"))
    language = forms.ChoiceField(label=_("Language for e-mail"), choices=Language.choices)

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(_("There is already an account with this e-mail address."))
        return email


class SetPasswordForm(NLDSFormMixin, auth_forms.SetPasswordForm):
    pass
