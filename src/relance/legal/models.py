from django.db import models
from django.utils.translation import gettext_lazy as _


class RateKind(models.TextChoices):
    ECB = "ecb", _("ECB main refinancing rate")
    LEGAL = "legal", _("Legal interest rate (professional creditors)")


class RateTable(models.Model):
    """One half-year's rate: the ECB rate in force on 1 January or 1 July, or the legal
    interest rate published for the half-year. Shipped from data/rates.csv, edited in
    the admin or with `relance legal rates set`."""

    kind = models.CharField(_("kind"), max_length=10, choices=RateKind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    half = models.PositiveSmallIntegerField(_("half-year"),
                                            choices=[(1, _("January to June")),
                                                     (2, _("July to December"))])
    rate = models.DecimalField(_("rate (%)"), max_digits=5, decimal_places=2)
    source = models.CharField(_("source"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("rate")
        verbose_name_plural = _("rate tables")
        ordering = ["kind", "-year", "-half"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "year", "half"],
                                    name="one_rate_per_kind_and_half_year"),
            models.CheckConstraint(condition=models.Q(half__in=[1, 2]),
                                   name="rate_half_is_1_or_2"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.year}-H{self.half}: {self.rate} %"


class ExchangeRate(models.Model):
    """The euro foreign exchange reference rate the ECB published for one currency on
    one day: how many units of the currency one euro buys (USD 1.0512 on a day means
    1 EUR = 1.0512 USD). Kept by the admin, like the legal rates: entered in the admin,
    with `relance legal fx set`, or imported from the ECB's CSV (`relance legal fx
    import`). Totals converted to euros name the rate and its day (`exchange`)."""

    currency = models.CharField(_("currency"), max_length=3)
    day = models.DateField(_("day"))
    rate = models.DecimalField(_("units for one euro"), max_digits=16, decimal_places=6)
    source = models.CharField(_("source"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("exchange rate")
        verbose_name_plural = _("exchange rates (ECB reference)")
        ordering = ["currency", "-day"]
        constraints = [
            models.UniqueConstraint(fields=["currency", "day"],
                                    name="one_exchange_rate_per_currency_and_day"),
            models.CheckConstraint(condition=models.Q(rate__gt=0),
                                   name="exchange_rate_positive"),
        ]

    def __str__(self):
        return f"1 EUR = {self.rate} {self.currency} ({self.day.isoformat()})"
