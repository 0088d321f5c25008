from django.urls import path

from . import views

app_name = "notifications"
urlpatterns = [
    path("", views.agenda, name="agenda"),
    path("voorkeuren/", views.preferences, name="preferences"),
    path("feed/vernieuwen/", views.feed_renew, name="feed_renew"),
    path("feed/stoppen/", views.feed_revoke, name="feed_revoke"),
    # The calendar app's subscription: the token is the only key (no session).
    path("feed/<str:token>.ics", views.feed, name="feed"),
    # The link in mails and calendar events (presentation.item_url): only the opaque UID.
    path("afspraak/<uuid:uid>/", views.item_detail, name="item"),
    path("afspraak/<uuid:uid>/agenda.ics", views.item_ics, name="item_ics"),
    path("postvak/", views.outbox, name="outbox"),
    path("postvak/opnieuw/", views.outbox_retry, name="outbox_retry"),
]
