"""Reminder texts: user-editable Jinja2 templates rendered in a sandbox.

A step has, per language, a subject and a body. Both are Jinja2 templates rendered by
an immutable `SandboxedEnvironment` with `StrictUndefined` and no loader: a template
sees only the context below (plain dicts, lists, str, int, Decimal, date), cannot
reach settings, the database or private attributes, cannot change the context, cannot
include, extend or import other templates, and a misspelt variable is an error rather
than an empty string. The body is plain text (no autoescape); the HTML version of an
email is derived from it elsewhere.

The context (docs/templates.md has the same table, with examples):

    variable       shape
    company        {name, address (multi-line), siren, vat_number, email, phone,
                    iban, bic, city}                      the creditor
    customer       {name, reference, address (multi-line), siren}
    contact        {name, email} or None                  the recipient
    invoices       list of {number, issue_date, due_date, amount, open_amount,
                    currency, days_late}                  what this reminder is about
    other_overdue  same shape                             the customer's other overdue
                                                          invoices
    totals         list of {currency, amount}             open amount of invoices +
                                                          other_overdue, per currency
    total          {currency, amount}                     the first of totals
    penalties      {rate, amount, indemnity,              late penalties (rate: percent
                    indemnity_currency, late_invoices,    a year) and 40 EUR indemnities
                    total, currency}                      due so far on the late
                                                          invoices of totals, as the
                                                          statement computes them
    claim          {currency, principal, payments, open,  what the reminder claims in
                    penalties, indemnities, total}        its currency: the statement
                                                          of claim restricted to its
                                                          invoices (docs/legal.md,
                                                          "One claim"); total = open
                                                          + penalties + indemnities
    claims         list of claim, the reminder's          a reminder in another
                   currency first                         currency claims its
                                                          indemnities in EUR
    payment        {iban, bic, reference,                 reference: the ISO 11649
                    plain_reference}                      creditor reference (RF..)
                                                          made from the customer
                                                          reference, in groups of
                                                          four; plain_reference: the
                                                          customer reference as is
    portal_url     str: the customer's portal link        the customer's self-service
                   (docs/portal.md); "" when there is     page; adding pay/, dispute/,
                   none: test it with {% if %}            promise/ or paid/ opens
                                                          that action; issued when
                                                          sent, a preview shows a
                                                          placeholder without one
    collector      {name, email, phone, signature         the customer's collector
                    (multi-line)}                         (the company when none);
                                                          phone may be ""
    today          date
    deadline       date or None                           payment deadline
    step           {name, tone}                           tone: courteous | firm |
                                                          formal_notice | legal

Filters, formatted in the render's language (not Django's active language) by
`formatting`: `money(currency)`, `date`, `short_date`, `number`. The texts Relance
ships are files of relance.dunning.shipped.

Bounds, so that a template typed by a user can neither take the server down nor show
its insides (each is a TemplateProblem, a form error, never a crash):

- brackets nest at most MAX_NESTING deep (a 3,000-deep expression would exhaust the
  parser's recursion);
- `*` and `**` may not build a text or a list over MAX_OUTPUT characters or items,
  nor a number over MAX_POWER_DIGITS digits (`'x' * 10**8`);
- `range` gives at most MAX_ITERATIONS values in all over one rendering, nested loops
  included;
- a rendered field stops at MAX_OUTPUT characters;
- only plain values are printed: a function, a method or any other object is refused
  rather than shown as its Python repr with a memory address (`{{ lipsum }}`,
  `{{ 'a'.format_map }}`); the Jinja globals other than `range` are removed.
"""
import contextvars
import re
import traceback
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import cache, lru_cache, wraps

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from jinja2 import StrictUndefined, TemplateSyntaxError, Undefined, nodes
from jinja2.exceptions import SecurityError, UndefinedError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from relance.compose import formatting

# What the template editor lists, in the order of the table above.
VARIABLES = (
    ("company.name", gettext_lazy("your company's name")),
    ("company.address", gettext_lazy("your company's postal address, on several lines")),
    ("company.siren, company.vat_number", gettext_lazy("your company's SIREN and VAT "
                                                        "number")),
    ("company.email, company.phone, company.city", gettext_lazy(
        "your company's email, phone and city")),
    ("customer.name, customer.reference", gettext_lazy("the customer's name and your "
                                                       "reference for it")),
    ("customer.address, customer.siren", gettext_lazy("the customer's address and "
                                                      "SIREN")),
    ("contact.name, contact.email", gettext_lazy(
        "the person the reminder is sent to; contact may be empty: test it with "
        "{% if contact %}")),
    ("invoices", gettext_lazy(
        "the invoices this reminder is about; each has number, issue_date, due_date, "
        "amount, open_amount, currency, days_late")),
    ("other_overdue", gettext_lazy("the customer's other overdue invoices, same fields")),
    ("totals", gettext_lazy("the open amount per currency: a list of {currency, "
                            "amount}")),
    ("total.amount, total.currency", gettext_lazy("the open amount in the reminder's "
                                                  "currency")),
    ("penalties.rate, penalties.amount", gettext_lazy(
        "late-payment penalties: annual rate (percent) and amount due so far")),
    ("penalties.indemnity, penalties.indemnity_currency, penalties.late_invoices",
     gettext_lazy("fixed recovery indemnities (40 euros per late invoice), always in "
                  "euros, and the number of late invoices they are claimed for")),
    ("penalties.total, penalties.currency", gettext_lazy(
        "penalties + indemnities (the indemnities only when the reminder is in euros)")),
    ("claim.principal, claim.payments, claim.open", gettext_lazy(
        "what the reminder claims in its currency, computed as the statement of claim "
        "on the same invoices: their principal, the payments received, what remains "
        "open")),
    ("claim.penalties, claim.indemnities, claim.total, claim.currency", gettext_lazy(
        "the claim's penalties, 40 EUR indemnities and total claimed")),
    ("claims", gettext_lazy("the claim per currency, the reminder's first: a list of "
                            "the same fields as claim (a reminder in another currency "
                            "claims its indemnities in euros)")),
    ("payment.iban, payment.bic", gettext_lazy("your bank details")),
    ("payment.reference", gettext_lazy(
        "the structured creditor reference (RF...) to quote on the transfer")),
    ("payment.plain_reference", gettext_lazy("the customer reference as it is")),
    ("portal_url", gettext_lazy(
        "the link to the customer's self-service page (statement, pay, dispute, "
        "promise, already paid); test it with {% if portal_url %}")),
    ("collector.name, collector.email, collector.phone", gettext_lazy(
        "who follows the customer (your company when nobody does); phone may be empty")),
    ("collector.signature", gettext_lazy("the collector's signature, on several lines")),
    ("today", gettext_lazy("the date the reminder is sent")),
    ("deadline", gettext_lazy("the payment deadline of a formal notice; may be empty")),
    ("step.name, step.tone", gettext_lazy(
        "the step's name and tone (courteous, firm, formal_notice, legal)")),
)
FILTERS = (
    ("amount|money(currency)", gettext_lazy("an amount with its currency, as in "
                                            "{{ total.amount|money(total.currency) }}")),
    ("day|date", gettext_lazy("a date in full: 15 April 2026")),
    ("day|short_date", gettext_lazy("a short date: 15/04/2026")),
    ("value|number", gettext_lazy("a number, as for a rate: 12.15")),
)
FORBIDDEN_TAGS = {nodes.Include: "include", nodes.Extends: "extends",
                  nodes.Import: "import", nodes.FromImport: "from ... import"}
PLAIN_TYPES = (str, int, Decimal, date, type(None))  # bool is an int, datetime a date
PRINTABLE = (*PLAIN_TYPES, float)   # a list or a dict would print Python reprs
TEMPLATE_FILENAME = "<template>"  # what Jinja names a template compiled from a string
MAX_NESTING = 40
MAX_OUTPUT = 200_000
MAX_ITERATIONS = 20_000
MAX_POWER_DIGITS = 30
# The built-in filters whose arguments can make a text or a list grow.
SIZED_FILTERS = ("center", "indent", "wordwrap", "format", "batch", "slice", "truncate")
_iterations = contextvars.ContextVar("template_iterations", default=MAX_ITERATIONS)


@dataclass(frozen=True)
class Rendered:
    subject: str
    body: str


class TemplateProblem(ValueError):
    """What is wrong with a template, where: field "subject" or "body", line or None."""

    def __init__(self, field: str, line: int | None, message: str):
        super().__init__(field, line, message)
        self.field = field
        self.line = line
        self.message = message

    def __str__(self):
        where = _("subject") if self.field == "subject" else _("body")
        if self.line is not None:
            where = _("%(field)s, line %(line)s") % {"field": where, "line": self.line}
        return f"{where}: {self.message}"


def render(subject_source: str, body_source: str, context: dict,
           language: str) -> Rendered:
    """Render a subject and a body; the first problem raises TemplateProblem."""
    _require_plain(context, "context")
    environment = _environment(formatting.locale(language))
    subject = _render_field(environment, "subject", subject_source, context)
    body = _render_field(environment, "body", body_source, context)
    return Rendered(subject=" ".join(subject.split()), body=_tidy(body))


def check(subject_source: str, body_source: str,
          language: str) -> list[TemplateProblem]:
    """Every problem of a subject and a body rendered against the sample context."""
    environment = _environment(formatting.locale(language))
    context = sample_context(language)
    problems = []
    for field, source in (("subject", subject_source), ("body", body_source)):
        try:
            text = _render_field(environment, field, source, context)
        except TemplateProblem as problem:
            problems.append(problem)
            continue
        if not text.strip():
            problems.append(TemplateProblem(field, None, _("the text is empty")))
    return problems


# Rendering ---------------------------------------------------------------------------

def _render_field(environment, field, source, context):
    template = _compile(environment, field, source)
    budget = _iterations.set(MAX_ITERATIONS)
    try:
        return _bounded_text(template.generate(context))
    except TemplateProblem as problem:
        raise TemplateProblem(field, problem.line, problem.message) from problem
    except Exception as error:  # a user's template may fail in any way: report it
        raise TemplateProblem(field, _template_line(error), _describe(error)) from error
    finally:
        _iterations.reset(budget)


def _bounded_text(pieces):
    """The rendered pieces joined, stopped past MAX_OUTPUT characters."""
    parts, size = [], 0
    for piece in pieces:
        size += len(piece)
        if size > MAX_OUTPUT:
            raise TemplateProblem("", None, _(
                "the text would be longer than %(limit)s characters") % {"limit": MAX_OUTPUT})
        parts.append(piece)
    return "".join(parts)


@lru_cache(maxsize=256)
def _compile(environment, field, source):
    """Parse, refuse the tags that need a loader, compile. Memoised: the worker renders
    the same few templates thousands of times, and compiling costs more than rendering
    (a template that fails raises, and failures are not memoised)."""
    deepest = _nesting(source)
    if deepest > MAX_NESTING:
        raise TemplateProblem(field, None, _(
            "brackets are nested %(depth)s deep; at most %(limit)s")
            % {"depth": deepest, "limit": MAX_NESTING})
    try:
        tree = environment.parse(_keep_newlines_after_text(source))
        for node in tree.find_all(tuple(FORBIDDEN_TAGS)):
            raise TemplateProblem(field, node.lineno, _(
                "the '%(tag)s' tag is not available in reminder templates")
                % {"tag": FORBIDDEN_TAGS[type(node)]})
        return environment.from_string(tree)
    except TemplateSyntaxError as error:
        raise TemplateProblem(field, error.lineno, _("syntax error: %(detail)s")
                              % {"detail": error.message}) from error
    except (RecursionError, MemoryError, SyntaxError):
        raise TemplateProblem(field, None, _("the template is too deeply nested")) from None


def _nesting(source):
    """How deep brackets nest in `source`: ( and [ opened and not yet closed."""
    depth = deepest = 0
    for char in source:
        if char in "([":
            depth += 1
            deepest = max(deepest, depth)
        elif char in ")]" and depth:
            depth -= 1
    return deepest


def _keep_newlines_after_text(source):
    """Only a line made of tags alone vanishes.

    trim_blocks drops the newline after every block tag, which would glue
    `Hello {% if contact %}...{% endif %}` to the next line. When the line also holds
    text, end its last tag with `+%}`, Jinja's opt-out. Line numbers do not change.
    """
    return "\n".join(_opt_out_of_trim(line) for line in source.split("\n"))


def _opt_out_of_trim(line):
    text = line.rstrip()
    if not text.endswith("%}") or text.endswith(("-%}", "+%}")):
        return line
    if not re.sub(r"{%.*?%}|{#.*?#}", "", text).strip():
        return line
    return text[:-2] + "+%}" + line[len(text):]


def _template_line(error):
    """The template line being rendered: Jinja puts it in the traceback's frames."""
    lines = [frame.lineno for frame in traceback.extract_tb(error.__traceback__)
             if frame.filename == TEMPLATE_FILENAME]
    return lines[-1] if lines else None


def _describe(error):
    """A translatable sentence for what went wrong."""
    detail = str(error)
    if isinstance(error, formatting.FilterError):
        return detail
    if isinstance(error, SecurityError):
        if match := re.match(r"access to attribute '(.+?)' of", detail):
            return _("'%(attribute)s' is not accessible in reminder templates") % {
                "attribute": match[1]}
        return _("not allowed in reminder templates: %(detail)s") % {"detail": detail}
    if isinstance(error, UndefinedError):
        return _describe_undefined(detail)
    return _("cannot render: %(detail)s") % {"detail": detail}


def _describe_undefined(detail):
    if match := re.fullmatch(r"'(.+)' is undefined", detail):
        return _("'%(name)s' is undefined") % {"name": match[1]}
    if match := re.fullmatch(r"'None' has no attribute '(.+)'", detail):
        return _("cannot read '%(attribute)s' of an empty value: test it first with "
                 "{%% if ... %%}") % {"attribute": match[1]}
    if match := re.fullmatch(r"'.+' has no attribute '(.+)'", detail):
        return _("'%(attribute)s' is undefined here") % {"attribute": match[1]}
    return _("undefined value: %(detail)s") % {"detail": detail}


def _tidy(body):
    """Trailing spaces off every line, at most one blank line in a row, no blank edges.

    Conditional blocks that render nothing would otherwise leave gaps.
    """
    lines = [line.rstrip() for line in body.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n") + "\n"


def _require_plain(value, path):
    """The context holds plain data only: a model instance would expose its relations."""
    if isinstance(value, dict):
        for key, item in value.items():
            _require_plain(item, f"{path}.{key}")
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            _require_plain(item, f"{path}[{index}]")
    elif not isinstance(value, PLAIN_TYPES):
        raise TypeError(f"{path} is a {type(value).__name__}; a template context holds "
                        "dicts, lists, str, int, Decimal, date and None only")


# Environment and filters -------------------------------------------------------------

class _BoundedSandbox(ImmutableSandboxedEnvironment):
    """The sandbox, with `*` and `**` kept from building huge values."""

    intercepted_binops = frozenset(["*", "**", "%"])

    def call_binop(self, context, operator, left, right):
        if operator == "**" and _number(left) and _number(right):
            if abs(right) > 1 and len(str(abs(int(left)))) * abs(right) > MAX_POWER_DIGITS:
                raise SecurityError(_("the number would have more than %(limit)s digits")
                                    % {"limit": MAX_POWER_DIGITS})
        if operator == "%" and isinstance(left, str):
            _refuse_wide(left)
            _refuse_huge(right if isinstance(right, tuple) else (right,), {})
        if operator == "*":
            for sized, times in ((left, right), (right, left)):
                if (isinstance(sized, (str, list, tuple)) and _number(times)
                        and len(sized) * times > MAX_OUTPUT):
                    raise SecurityError(_("the text would be longer than %(limit)s "
                                          "characters") % {"limit": MAX_OUTPUT})
        return super().call_binop(context, operator, left, right)

    def call(self, context, obj, *args, **kwargs):
        """A function or method call (`'x'.ljust(10**9)`): no number beyond MAX_OUTPUT
        as an argument, since a width or a count is what makes a text grow."""
        _refuse_huge(args, kwargs)
        return super().call(context, obj, *args, **kwargs)

    def wrap_str_format(self, value):
        """`'...'.format`, read as an attribute: its format string may not ask for a
        huge width (`'{:>999999999}'.format(1)`)."""
        wrapped = super().wrap_str_format(value)
        if wrapped is not None:
            _refuse_wide(value.__self__)
        return wrapped


def _refuse_wide(text):
    """A format string may not ask for a width or precision beyond MAX_OUTPUT
    (`'%0999999999d' % 1`, `'{:>999999999}'.format(1)`): no number in it may."""
    for digits in re.findall(r"\d+", text):
        if len(digits) > 6 and int(digits) > MAX_OUTPUT:
            raise SecurityError(_("%(value)s is too large a number here; at most "
                                  "%(limit)s") % {"value": digits, "limit": MAX_OUTPUT})


def _refuse_huge(args, kwargs):
    for value in (*args, *kwargs.values()):
        if _number(value) and abs(value) > MAX_OUTPUT:
            raise SecurityError(_("%(value)s is too large a number here; at most "
                                  "%(limit)s") % {"value": value, "limit": MAX_OUTPUT})


def _bounded_filter(function):
    """A filter that takes a width or a count (`center`, `indent`, `format`...), with
    its arguments held to MAX_OUTPUT as calls are."""
    @wraps(function)
    def bounded(*args, **kwargs):
        _refuse_huge(args[1:], kwargs)
        if function.__name__ == "do_format" and args and isinstance(args[0], str):
            _refuse_wide(args[0])
        return function(*args, **kwargs)
    return bounded


def _number(value):
    return isinstance(value, (int, Decimal, float)) and not isinstance(value, bool)


def _budgeted_range(*args):
    """`range`, counting its values against the rendering's MAX_ITERATIONS."""
    values = range(*args)
    left = _iterations.get() - len(values)
    if left < 0:
        raise SecurityError(_("loops would run more than %(limit)s times")
                            % {"limit": MAX_ITERATIONS})
    _iterations.set(left)
    return values


def _printable(value):
    """What `{{ ... }}` prints: plain values only, never an object's repr."""
    if isinstance(value, Undefined) or (isinstance(value, PRINTABLE)
                                        and not callable(value)):
        return value    # an undefined value raises its own, clearer, error when printed
    raise SecurityError(_("only text, numbers, amounts and dates can be printed; loop "
                          "over a list to print its items"))


@cache
def _environment(locale):
    """One sandbox per locale, so that the filters format in the render's language."""
    environment = _BoundedSandbox(
        undefined=StrictUndefined, autoescape=False, loader=None,
        trim_blocks=True, lstrip_blocks=True, finalize=_printable)
    environment.globals.clear()
    environment.globals["range"] = _budgeted_range
    for name in SIZED_FILTERS:
        environment.filters[name] = _bounded_filter(environment.filters[name])
    environment.filters.update({
        "money": lambda amount, currency=None: formatting.money(amount, currency, locale),
        "date": lambda day: formatting.date(day, "long", locale),
        "short_date": lambda day: formatting.date(day, "dd/MM/yyyy", locale),
        "number": lambda value: formatting.number(value, locale),
    })
    return environment


# Sample context ----------------------------------------------------------------------

SAMPLE_TODAY = date(2026, 5, 22)
SAMPLE_RATE = Decimal("12.15")  # ECB rate of 1 January 2026 (2.15 %) + 10 points
INDEMNITY = Decimal("40.00")

SAMPLE_WORDS = {
    "fr": {"step": "Relance 1", "team": "Service recouvrement", "phone": "04 72 10 20 30",
           "customer_ref": "Client n° C-0042"},
    "en": {"step": "First reminder", "team": "Credit Control",
           "phone": "+33 4 72 10 20 30", "customer_ref": "Customer C-0042"},
}


def sample_context(language: str) -> dict:
    """A realistic context: a French creditor, a customer, two invoices overdue and a
    third one overdue as well, partly paid. Used for checks, the docs and previews."""
    words = SAMPLE_WORDS[formatting.language_code(language)]
    invoices = [
        _sample_invoice("FA-2026-0142", date(2026, 3, 16), date(2026, 4, 15), "4830.00"),
        _sample_invoice("FA-2026-0187", date(2026, 3, 31), date(2026, 4, 30), "1234.56"),
    ]
    other_overdue = [_sample_invoice("FA-2026-0098", date(2026, 2, 27), date(2026, 3, 31),
                                     "2160.00", open_amount="960.00")]
    claimed = invoices + other_overdue
    totals = [{"currency": "EUR", "amount": sum(i["open_amount"] for i in claimed)}]
    return {
        "company": {
            "name": "Atelier Durand SAS", "address": "12 rue des Tanneurs\n69002 Lyon",
            "siren": "812345676", "vat_number": "FR19812345676",
            "email": "compta@atelier-durand.example", "phone": words["phone"],
            "iban": "FR76 3000 6000 0112 3456 7890 189", "bic": "AGRIFRPPXXX",
            "city": "Lyon",
        },
        "customer": {"name": "Boulangeries Martin SARL", "reference": "C-0042",
                     "address": "4 avenue Jean Jaurès\n33000 Bordeaux",
                     "siren": "498765437"},
        "contact": {"name": "Claire Lefèvre",
                    "email": "claire.lefevre@boulangeries-martin.example"},
        "invoices": invoices,
        "other_overdue": other_overdue,
        "totals": totals,
        "total": totals[0],
        "penalties": _sample_penalties(claimed),
        "claim": _sample_claim(claimed),
        "claims": [_sample_claim(claimed)],
        "payment": {"iban": "FR76 3000 6000 0112 3456 7890 189", "bic": "AGRIFRPPXXX",
                    "reference": "RF28 C004 2", "plain_reference": "C-0042"},
        "portal_url": "https://relance.example/p/7f3kq2",
        "collector": {
            "name": "Julien Roux", "email": "julien.roux@atelier-durand.example",
            "phone": words["phone"],
            "signature": f"Julien Roux\n{words['team']} – Atelier Durand SAS\n"
                         f"{words['phone']}",
        },
        "today": SAMPLE_TODAY,
        "deadline": SAMPLE_TODAY + timedelta(days=15),
        "step": {"name": words["step"], "tone": "courteous"},
    }


def _sample_invoice(number, issued, due, amount, open_amount=None):
    return {"number": number, "issue_date": issued, "due_date": due,
            "amount": Decimal(amount), "open_amount": Decimal(open_amount or amount),
            "currency": "EUR", "days_late": (SAMPLE_TODAY - due).days}


def _sample_penalties(invoices):
    """Simple interest on the open amount, rate x days late / 365, per invoice."""
    cent = Decimal("0.01")
    amount = sum((i["open_amount"] * SAMPLE_RATE / 100 * i["days_late"] / 365)
                 .quantize(cent, ROUND_HALF_UP) for i in invoices)
    indemnity = INDEMNITY * len(invoices)
    return {"rate": SAMPLE_RATE, "amount": amount, "indemnity": indemnity,
            "indemnity_currency": "EUR", "late_invoices": len(invoices),
            "total": amount + indemnity, "currency": "EUR"}


def _sample_claim(invoices):
    """The statement of claim's totals on the same invoices."""
    penalties = _sample_penalties(invoices)
    principal = sum(i["amount"] for i in invoices)
    open_ = sum(i["open_amount"] for i in invoices)
    return {"currency": "EUR", "principal": principal, "payments": principal - open_,
            "open": open_, "penalties": penalties["amount"],
            "indemnities": penalties["indemnity"], "total": open_ + penalties["total"]}
