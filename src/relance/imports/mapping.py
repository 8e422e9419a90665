"""Which column of a finance team's file holds which of our fields.

Pure functions: they take a schema, the file's column names and a saved mapping, and
return a mapping {field name: column name}. No ORM, no files: the views feed them.
"""
import re
import unicodedata

# Words that carry no meaning in a header: "Date d'échéance" and "Échéance" are one field.
_FILLER_WORDS = {"de", "d", "du", "des", "la", "le", "l", "les", "en", "a", "of", "the"}
_NOT_ALPHANUMERIC = re.compile(r"[^a-z0-9]+")

# Headers as French accounting software and spreadsheets write them, per entity and field.
# The field's own name ("due_date") always matches too. Compared once normalised, so
# case, accents, punctuation and filler words do not matter here.
_ALIASES = {
    "customers": {
        "customer_ref": ["code client", "réf client", "référence client", "client",
                         "n° client", "numéro client", "compte client", "code tiers",
                         "compte", "customer ref", "customer reference", "reference"],
        "name": ["raison sociale", "nom", "nom client", "société", "dénomination",
                 "client nom", "legal name", "company name", "name"],
        "siren": ["siren", "n° siren"],
        "siret": ["siret", "n° siret"],
        "vat_number": ["n° tva", "tva intracommunautaire", "numéro tva",
                       "n° tva intracommunautaire", "tva intra", "vat number", "vat"],
        "country": ["pays", "code pays", "country"],
        "language": ["langue", "language"],
        "payment_terms_days": ["délai de paiement", "délai paiement", "conditions de "
                               "paiement", "jours", "payment terms", "terms"],
        "segment": ["segment", "catégorie", "famille", "type client"],
        "address_line1": ["adresse", "adresse 1", "adresse ligne 1", "address",
                          "address 1"],
        "address_line2": ["adresse 2", "adresse ligne 2", "complément d'adresse",
                          "address 2"],
        "postal_code": ["code postal", "cp", "postal code", "zip"],
        "city": ["ville", "commune", "city"],
        "credit_limit": ["encours autorisé", "plafond", "plafond d'encours",
                         "limite de crédit", "credit limit"],
    },
    "contacts": {
        "customer_ref": ["code client", "réf client", "référence client", "client",
                         "n° client", "compte client", "code tiers", "customer ref"],
        "name": ["nom", "nom du contact", "contact", "interlocuteur", "nom prénom",
                 "prénom nom", "name"],
        "email": ["email", "e-mail", "mail", "courriel", "adresse email"],
        "phone": ["téléphone", "tél", "tel", "portable", "mobile", "phone"],
        "role": ["rôle", "fonction", "service", "role"],
        "preferred": ["principal", "contact principal", "préféré", "preferred"],
    },
    "invoices": {
        "number": ["n° facture", "numéro de facture", "num facture", "no facture",
                   "facture", "n° pièce", "numéro de pièce", "pièce", "référence facture",
                   "invoice number", "invoice", "number"],
        "customer_ref": ["code client", "réf client", "référence client", "client",
                         "n° client", "compte client", "code tiers", "customer ref"],
        "issue_date": ["date de facture", "date facture", "date", "date d'émission",
                       "date pièce", "date de pièce", "issue date", "invoice date"],
        "due_date": ["date d'échéance", "échéance", "date échéance", "date limite de "
                     "paiement", "due date", "due"],
        "currency": ["devise", "monnaie", "currency"],
        "amount_excl_tax": ["montant ht", "total ht", "ht", "net ht",
                            "amount excl tax", "net amount"],
        "vat": ["tva", "montant tva", "total tva", "vat", "tax"],
        "amount_total": ["montant ttc", "total ttc", "ttc", "montant", "net à payer",
                         "amount incl tax", "total", "amount"],
        "disputed": ["litige", "en litige", "contesté", "disputed"],
        "kind": ["type", "type de pièce", "nature", "kind"],
        "po_number": ["bon de commande", "n° commande", "n° bon de commande", "commande",
                      "réf commande", "po", "purchase order", "po number"],
    },
    "payments": {
        "payment_ref": ["référence", "réf règlement", "référence règlement",
                        "n° règlement", "référence paiement", "n° paiement", "reference",
                        "payment ref", "payment reference"],
        "customer_ref": ["code client", "réf client", "référence client", "client",
                         "n° client", "compte client", "code tiers", "customer ref"],
        "invoice_number": ["n° facture", "numéro de facture", "facture", "num facture",
                           "no facture", "invoice number", "invoice"],
        "date": ["date", "date de règlement", "date règlement", "date de paiement",
                 "date paiement", "date valeur", "payment date"],
        "amount": ["montant", "montant réglé", "montant du règlement", "montant payé",
                   "amount"],
        "currency": ["devise", "monnaie", "currency"],
        "method": ["mode de règlement", "mode de paiement", "moyen de paiement", "mode",
                   "method", "payment method"],
    },
}


def normalise(header):
    """'Date d'Échéance ' -> 'date echeance': lower case, no accents, words only."""
    decomposed = unicodedata.normalize("NFKD", header.replace("°", " "))
    ascii_text = decomposed.encode("ascii", "ignore").decode().lower()
    words = _NOT_ALPHANUMERIC.sub(" ", ascii_text).split()
    return " ".join(w for w in words if w not in _FILLER_WORDS)


def guess_mapping(schema, columns):
    """{field name: column} for the fields whose column a header names.

    1. normalise every header;
    2. for each field, in the schema's order, take the first alias (in its list's order,
       most specific first) that some still-unused header equals;
    3. a column serves one field at most, so "Date" goes to the issue date and not also
       to the due date.
    """
    by_header = {}
    for column in columns:
        by_header.setdefault(normalise(column), column)
    aliases = _ALIASES.get(schema.entity, {})
    mapping, used = {}, set()
    for f in schema.fields:
        for alias in [f.name, *aliases.get(f.name, [])]:
            column = by_header.get(normalise(alias))
            if column is not None and column not in used:
                mapping[f.name] = column
                used.add(column)
                break
    return mapping


def initial_mapping(schema, columns, saved=None):
    """The mapping the page starts from: the saved one when every column it names is
    still in the file (the same export again), else a guess from the headers."""
    fields = {f.name for f in schema.fields}
    saved = {name: column for name, column in (saved or {}).items()
             if name in fields and column}
    if saved and all(column in columns for column in saved.values()):
        return saved
    return guess_mapping(schema, columns)


def missing_columns(schema, columns, saved):
    """The columns a saved mapping names that the file lacks, in the schema's order:
    when there are any, the saved mapping is not applied and the page says why."""
    fields = [f.name for f in schema.fields]
    return [column for name, column in sorted((saved or {}).items(),
                                              key=lambda item: fields.index(item[0])
                                              if item[0] in fields else len(fields))
            if name in fields and column and column not in columns]


def selectable_columns(columns):
    """The file's named columns, each once, in the file's order: an unnamed or repeated
    header cannot be told apart by name, which is how a mapping points at a column."""
    seen = set()
    result = []
    for column in columns:
        if column and column not in seen:
            seen.add(column)
            result.append(column)
    return result
