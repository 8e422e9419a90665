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
