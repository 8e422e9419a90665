from django.urls import path

from relance.legal import views

app_name = "legal"
urlpatterns = [
    path("customers/<int:pk>/statement/", views.statement_page, name="statement"),
    path("customers/<int:pk>/statement.pdf", views.statement_pdf, name="statement_pdf"),
    path("customers/<int:pk>/statement.csv", views.statement_csv, name="statement_csv"),
]
