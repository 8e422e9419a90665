"""The collector's pages: customers, invoices, payments, the records that stop dunning
(holds, promises, disputes) and the customer view's quick actions."""
