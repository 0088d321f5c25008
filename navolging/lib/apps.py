from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LibConfig(AppConfig):
    name = "navolging.lib"
    label = "lib"
    verbose_name = _("Lib")

    def ready(self) -> None:
        from . import checks  # noqa: F401 (registers the system checks)
