"""The collector's workspace: the customer, invoice, payment and case pages, and the
home page's route. It sits at the top: it uses every service, nothing imports it."""
