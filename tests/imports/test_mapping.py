"""Guessing which column holds which field, from headers as French software writes them."""
from relance.imports.mapping import (guess_mapping, initial_mapping, normalise,
                                     selectable_columns)
from relance.imports.schema import SCHEMAS

INVOICES = SCHEMAS["invoices"]
CUSTOMERS = SCHEMAS["customers"]
PAYMENTS = SCHEMAS["payments"]


def test_normalising_ignores_case_accents_punctuation_and_filler_words():
    assert normalise("Date d'Échéance ") == "date echeance"
    assert normalise("N° facture") == "n facture"
    assert normalise("Numéro_de_facture") == "numero facture"
    assert normalise("MONTANT  TTC") == "montant ttc"


def test_a_sage_like_invoice_export_is_fully_guessed():
    columns = ["N° facture", "Code client", "Date de facture", "Date d'échéance",
               "Montant HT", "TVA", "Montant TTC", "Devise"]

    assert guess_mapping(INVOICES, columns) == {
        "number": "N° facture", "customer_ref": "Code client",
        "issue_date": "Date de facture", "due_date": "Date d'échéance",
        "amount_excl_tax": "Montant HT", "vat": "TVA", "amount_total": "Montant TTC",
        "currency": "Devise"}


def test_other_spellings_of_the_same_invoice_headers_are_guessed():
    columns = ["Numéro de facture", "Réf client", "Date", "Échéance", "montant_ttc"]

    assert guess_mapping(INVOICES, columns) == {
        "number": "Numéro de facture", "customer_ref": "Réf client", "issue_date": "Date",
        "due_date": "Échéance", "amount_total": "montant_ttc"}


def test_a_customer_file_maps_legal_name_and_siren():
    columns = ["Code client", "Raison sociale", "SIREN", "Code postal", "Ville", "Pays"]

    assert guess_mapping(CUSTOMERS, columns) == {
        "customer_ref": "Code client", "name": "Raison sociale", "siren": "SIREN",
        "postal_code": "Code postal", "city": "Ville", "country": "Pays"}


def test_a_file_in_our_own_format_maps_each_field_to_its_own_name():
    columns = [f.name for f in INVOICES.fields]

    assert guess_mapping(INVOICES, columns) == {name: name for name in columns}


def test_one_column_serves_one_field_only():
    # "Date" could be an issue or a due date: the issue date, first in the schema, takes it.
    assert guess_mapping(INVOICES, ["Date"]) == {"issue_date": "Date"}


def test_the_same_word_means_different_fields_in_different_files():
    columns = ["Référence", "Client", "Facture", "Date", "Montant"]

    assert guess_mapping(PAYMENTS, columns) == {
        "payment_ref": "Référence", "customer_ref": "Client", "invoice_number": "Facture",
        "date": "Date", "amount": "Montant"}


def test_unknown_headers_are_left_unmapped():
    assert guess_mapping(INVOICES, ["Colonne 1", "Divers"]) == {}


def test_the_saved_mapping_wins_when_all_its_columns_are_in_the_file():
    saved = {"number": "Pièce", "customer_ref": "Tiers", "amount_total": "Net"}
    columns = ["Pièce", "Tiers", "Net", "N° facture"]

    assert initial_mapping(INVOICES, columns, saved) == saved


def test_a_saved_mapping_for_another_layout_gives_way_to_the_guess():
    saved = {"number": "Pièce", "customer_ref": "Tiers"}
    columns = ["N° facture", "Tiers"]

    assert initial_mapping(INVOICES, columns, saved) == {"number": "N° facture"}


def test_a_saved_mapping_forgets_fields_the_schema_no_longer_has():
    saved = {"number": "Pièce", "retired_field": "Vieux"}

    assert initial_mapping(INVOICES, ["Pièce"], saved) == {"number": "Pièce"}


def test_unnamed_and_repeated_headers_cannot_be_chosen():
    assert selectable_columns(["A", "", "B", "A"]) == ["A", "B"]
