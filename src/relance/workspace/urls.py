from django.urls import path

from relance.insights.views import dashboard_page
from relance.workspace.views import cases, customers, invoices, payments, quick

# The namespace these pages always had: every {% url 'web:...' %} keeps working.
app_name = "web"
urlpatterns = [
    # The home page is the dashboard of the user's scope (relance.insights).
    path("", dashboard_page, name="home"),
    path("customers/", customers.customer_list, name="customers"),
    path("customers/<int:pk>/", customers.customer_detail, name="customer"),
    path("customers/<int:pk>/planned/", customers.customer_planned,
         name="customer_planned"),
    path("customers/<int:pk>/scenario/", cases.change_scenario, name="customer_scenario"),
    path("customers/<int:pk>/hold/", cases.put_customer_on_hold, name="customer_hold"),
    path("customers/<int:pk>/hold/release/", cases.release_customer_hold,
         name="customer_release"),
    path("customers/<int:pk>/promises/", cases.record_promise, name="promise_record"),
    path("customers/<int:pk>/promises/<int:promise_pk>/cancel/", cases.cancel_promise,
         name="promise_cancel"),
    path("customers/<int:pk>/declarations/<int:declaration_pk>/reject/",
         cases.reject_declaration, name="declaration_reject"),
    path("customers/<int:pk>/reminders/", cases.send_reminder, name="reminder_send"),
    path("customers/<int:pk>/calls/", quick.log_call, name="call_log"),
    path("customers/<int:pk>/disputes/", quick.open_customer_dispute,
         name="customer_dispute"),
    path("customers/<int:pk>/statement/send/", quick.send_statement, name="statement_send"),
    path("customers/<int:pk>/notes/", quick.add_note, name="note_add"),
    path("notifications/", quick.notification_list, name="notifications"),
    path("notifications/<int:pk>/read/", quick.read_notification, name="notification_read"),
    path("notifications/read/", quick.read_all_notifications, name="notifications_read"),
    path("invoices/", invoices.invoice_list, name="invoices"),
    path("invoices/<int:pk>/", invoices.invoice_detail, name="invoice"),
    path("invoices/<int:pk>/disputes/", cases.open_dispute, name="dispute_open"),
    path("invoices/<int:pk>/disputes/<int:dispute_pk>/resolve/", cases.resolve_dispute,
         name="dispute_resolve"),
    path("invoices/<int:pk>/hold/", cases.put_invoice_on_hold, name="invoice_hold"),
    path("invoices/<int:pk>/hold/release/", cases.release_invoice_hold,
         name="invoice_release"),
    path("payments/", payments.payment_list, name="payments"),
]
