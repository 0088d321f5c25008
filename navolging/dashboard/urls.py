from django.urls import path

from . import views, views_export

app_name = "dashboard"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("eenheid/<int:pk>/", views.unit, name="unit"),
    path("maanden/", views.trends, name="trends"),
    path("eenheid/<int:pk>/maanden/", views.trends, name="unit_trends"),
    path("doelen/", views.targets_edit, name="targets"),
    path("export.xlsx", views_export.export_xlsx, name="export_xlsx"),
    path("eenheid/<int:pk>/export.xlsx", views_export.export_xlsx, name="unit_export_xlsx"),
    path("export.csv", views_export.export_csv, name="export_csv"),
    path("eenheid/<int:pk>/export.csv", views_export.export_csv, name="unit_export_csv"),
    path("rapport.pdf", views_export.report_pdf, name="report_pdf"),
    path("eenheid/<int:pk>/rapport.pdf", views_export.report_pdf, name="unit_report_pdf"),
]
