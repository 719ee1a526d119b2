"""A text a pure engine writes in French is the French sentence, and is said again in another language at the edge."""
from __future__ import annotations

from vae_app.said import Joined, Labelled, Said, translated

ENGLISH = {"La voie %(route)s est ouverte depuis le %(day)s.": "The %(route)s route is open since %(day)s.",
           "Validation des acquis de l'expérience": "Validation of prior experience", " ou ": " or ",
           "%(n)s ans": "%(n)s years", "Salarié": "Salaried"}


def english(message: str) -> str:
    return ENGLISH.get(message, message)


def test_a_said_text_is_its_french_sentence():
    said = Said("La voie %(route)s est ouverte depuis le %(day)s.", route=Said("Validation des acquis de l'expérience"),
                day="18/01/2002")
    assert said == "La voie Validation des acquis de l'expérience est ouverte depuis le 18/01/2002." and "ouverte" in said


def test_a_said_text_is_said_again_in_english_with_its_values_translated_too():
    said = Said("La voie %(route)s est ouverte depuis le %(day)s.", route=Said("Validation des acquis de l'expérience"),
                day="18/01/2002")
    assert translated(said, english, "en") == "The Validation of prior experience route is open since 18/01/2002."


def test_joined_texts_lower_case_and_the_rules_own_labels_follow_the_language():
    joined = Joined([Said("%(n)s ans", n=3), Said("Salarié", lower=True), Labelled({"fr": "Option A", "en": "Option A (en)"})], " ou ")
    assert joined == "3 ans ou salarié ou Option A"
    assert translated(joined, english, "en") == "3 years or salaried or Option A (en)"
    assert translated("RNCP5385", english, "en") == "RNCP5385"  # a code is written alike in every language
