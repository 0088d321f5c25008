from django.contrib import admin
from django.urls import include, path

from navolging.api.api import api
from navolging.lib import views as lib_views

urlpatterns = [
    path("", lib_views.home, name="home"),
    path("health", lib_views.health, name="health"),
    path(".well-known/security.txt", lib_views.security_txt, name="security_txt"),
    path("account/", include("navolging.accounts.urls")),
    path("organisatie/", include("navolging.organisation.urls")),
    path("logboek/", include("navolging.audit.urls")),
    path("intervisie/", include("navolging.intervision.urls")),
    path("agenda/", include("navolging.notifications.urls")),
    path("buddy/", include("navolging.buddies.urls")),
    path("teamcoach/", include("navolging.coaching.urls")),
    path("follow-up/", include("navolging.followup.urls")),
    path("maatwerk/", include("navolging.training.urls")),
    path("dashboard/", include("navolging.dashboard.urls")),
    path("api/", api.urls),
    path("beheer/", admin.site.urls),
]

handler400 = "navolging.lib.views.bad_request"
handler403 = "navolging.lib.views.permission_denied"
handler404 = "navolging.lib.views.page_not_found"
handler500 = "navolging.lib.views.server_error"
