from django.urls import path

from relance.portal import views, views_answers, views_office, views_pay

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("statement.pdf", views.statement_pdf, name="statement_pdf"),
    path("invoices/<int:pk>.pdf", views.invoice_pdf, name="invoice_pdf"),
    path("language/", views.language, name="language"),
    path("pay/", views_pay.pay, name="pay"),
    path("pay/qr.png", views_pay.qr_png, name="qr_png"),
    path("pay/card/", views_pay.pay_by_card, name="pay_card"),
    path("pay/card/done/", views_pay.card_done, name="card_done"),
    path("dispute/", views_answers.dispute, name="dispute"),
    path("promise/", views_answers.promise, name="promise"),
    path("paid/", views_answers.paid, name="paid"),
    path("plan/", views_answers.plan, name="plan"),
    path("contact/", views_answers.contact, name="contact"),
    path("webhooks/<slug:provider_name>/", views_pay.webhook, name="webhook"),
    # Back office (login and role required).
    path("office/customers/<int:pk>/regenerate/", views_office.regenerate,
         name="regenerate"),
    path("office/customers/<int:pk>/revoke/", views_office.revoke, name="revoke"),
    path("office/plans/<int:pk>/<str:decision>/", views_office.decide_plan,
         name="decide_plan"),
    path("office/uploads/<int:pk>/", views_office.upload, name="upload"),
    # The links of emails: the token, then optionally the action to open.
    path("<str:token>/", views.open_link, name="open"),
    path("<str:token>/<slug:action>/", views.open_link, name="open_action"),
]
