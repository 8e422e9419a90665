from django.urls import path

from relance.recovery import views, views_path

app_name = "legal"
urlpatterns = [
    path("customers/<int:pk>/statement/", views.statement_page, name="statement"),
    path("customers/<int:pk>/statement.pdf", views.statement_pdf, name="statement_pdf"),
    path("customers/<int:pk>/statement.csv", views.statement_csv, name="statement_csv"),
    path("customers/<int:pk>/path/", views_path.path_page, name="path"),
    path("customers/<int:pk>/dossier.zip", views_path.dossier_zip, name="dossier"),
    path("customers/<int:pk>/handovers/", views_path.hand_over, name="hand_over"),
    path("customers/<int:pk>/handovers/<int:handover_pk>/report", views_path.record_report,
         name="handover_report"),
    path("customers/<int:pk>/handovers/<int:handover_pk>/end", views_path.end_handover,
         name="handover_end"),
]
