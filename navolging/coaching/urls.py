from django.urls import path

from .views import consults, office, visits

app_name = "coaching"
urlpatterns = [
    # Everyone: our coach, our visits and reflections.
    path("", visits.mine, name="mine"),
    path("team/<int:pk>/", visits.team_detail, name="team_detail"),
    path("team/<int:pk>/bezoek/", visits.visit_plan, name="visit_plan"),
    path("bezoek/<uuid:pk>/", visits.visit_detail, name="visit_detail"),
    path("bezoek/<uuid:pk>/wijzigen/", visits.visit_edit, name="visit_edit"),
    path("bezoek/<uuid:pk>/annuleren/", visits.visit_cancel, name="visit_cancel"),
    path("bezoek/<uuid:pk>/terugblik/", visits.visit_reflect, name="visit_reflect"),
    # The coach's own page.
    path("coach/", visits.coach_home, name="coach_home"),
    # Confidential consults: requester and coach only.
    path("gesprek/", consults.consult_request, name="consult_request"),
    path("gesprek/<uuid:pk>/", consults.consult_detail, name="consult_detail"),
    path("gesprek/<uuid:pk>/tijd/", consults.consult_time, name="consult_time"),
    path("gesprek/<uuid:pk>/accepteren/", consults.consult_accept, name="consult_accept"),
    path(
        "gesprek/<uuid:pk>/andere-tijd/", consults.consult_another_time, name="consult_another_time"
    ),
    path("gesprek/<uuid:pk>/afwijzen/", consults.consult_decline, name="consult_decline"),
    path("gesprek/<uuid:pk>/afsluiten/", consults.consult_close, name="consult_close"),
    path("gesprek/<uuid:pk>/intrekken/", consults.consult_withdraw, name="consult_withdraw"),
    path("gesprekken/", consults.coach_consults, name="coach_consults"),
    # Programme office: assignment, coverage, rhythm, consult figures.
    path("bureau/", office.overview, name="office"),
    path("bureau/team/<int:pk>/", office.assign, name="assign"),
    path("bureau/coach/<int:pk>/", office.coach_edit, name="coach_edit"),
    path("bureau/gesprekken/", office.consult_figures, name="consult_figures"),
    path("bureau/instellingen/", office.settings_edit, name="settings"),
]
