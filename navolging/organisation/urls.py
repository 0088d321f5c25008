from django.urls import path

from . import import_views, views

app_name = "organisation"
urlpatterns = [
    path("", views.tree, name="tree"),
    path("zoeken/", views.person_search, name="person_search"),
    path("eenheid/<int:pk>/", views.unit_detail, name="unit_detail"),
    path(
        "eenheid/<int:pk>/basisprogramma/<str:scope>/",
        views.base_programme_edit,
        name="base_programme_edit",
    ),
    path("persoon/<int:pk>/", views.person_detail, name="person_detail"),
    path("import/", import_views.upload, name="import_upload"),
    path("import/<uuid:token>/kolommen/", import_views.mapping, name="import_mapping"),
    path("import/<uuid:token>/voorbeeld/", import_views.preview, name="import_preview"),
    path("import/<uuid:token>/toepassen/", import_views.apply, name="import_apply"),
    path(
        "basisprogramma-import/",
        import_views.base_programme_upload,
        name="base_programme_import_upload",
    ),
    path(
        "basisprogramma-import/<uuid:token>/voorbeeld/",
        import_views.base_programme_preview,
        name="base_programme_import_preview",
    ),
    path(
        "basisprogramma-import/<uuid:token>/toepassen/",
        import_views.base_programme_apply,
        name="base_programme_import_apply",
    ),
]
