from relance.web.views.common import home
from relance.web.views.customers import customer_detail, customer_list
from relance.web.views.invoices import invoice_detail, invoice_list

__all__ = ["customer_detail", "customer_list", "home", "invoice_detail", "invoice_list"]
