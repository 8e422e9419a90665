"""Who a note mentions. The team: Claire Martin and Claire Dubois (two Claires),
Paul Durand, and Léa whose email is lea.roux@atelier.fr."""
from relance.team.mentions import Teammate, mentioned

CLAIRE_M = Teammate(1, "Claire", "Martin", "claire.martin@atelier.fr")
CLAIRE_D = Teammate(2, "Claire", "Dubois", "cdubois@atelier.fr")
PAUL = Teammate(3, "Paul", "Durand", "paul@atelier.fr")
LEA = Teammate(4, "Léa", "Roux", "lea.roux@atelier.fr")
TEAM = [CLAIRE_M, CLAIRE_D, PAUL, LEA]


def test_a_unique_first_name_mentions_its_owner_whatever_the_case():
    assert mentioned("@paul can you call them?", TEAM) == [3]
    assert mentioned("ask @PAUL", TEAM) == [3]


def test_a_full_name_wins_over_the_first_name_it_starts_with():
    assert mentioned("@Claire Martin please check", TEAM) == [1]


def test_a_shared_first_name_mentions_nobody():
    assert mentioned("@Claire please check", TEAM) == []


def test_the_email_local_part_mentions_its_owner():
    assert mentioned("cc @cdubois and @lea.roux.", TEAM) == [2, 4]


def test_accented_first_names_are_matched():
    assert mentioned("merci @léa", TEAM) == [4]


def test_an_email_address_in_the_text_mentions_nobody():
    assert mentioned("write to compta@paul.fr", TEAM) == []


def test_a_longer_word_is_not_a_mention():
    assert mentioned("@Paulette called", TEAM) == []


def test_each_teammate_is_listed_once_in_order_of_first_mention():
    assert mentioned("@lea.roux then @paul then @Léa again", TEAM) == [4, 3]
