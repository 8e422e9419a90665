"""The outbox pages: failures, waiting and sent messages, the letters' print batch,
the evidence of one message, and a customer's history as a PDF."""
from django.urls import path

from relance.delivery import views_outbox as views

app_name = "outbox"
urlpatterns = [
    path("", views.outbox, name="list"),
    path("messages/<int:pk>/", views.message_detail, name="message"),
    path("messages/<int:pk>/retry/", views.retry, name="retry"),
    path("messages/<int:pk>/cancel/", views.cancel, name="cancel"),
    path("messages/<int:pk>/message.eml", views.eml, name="eml"),
    path("messages/<int:pk>/attachments/<int:attachment_pk>/", views.attachment,
         name="attachment"),
    path("letters/", views.print_batch, name="letters"),
    path("letters/print-batch.pdf", views.print_batch_pdf, name="print_batch"),
    path("letters/tracking/", views.import_tracking, name="import_tracking"),
    path("customers/<int:pk>/history.pdf", views.customer_history, name="history"),
]
