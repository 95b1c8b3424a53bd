"""A person's locale as the platform gives it: the language for the catalog, the region
kept for dates (:func:`bot.domain.people.apply_profile`, :func:`choose_locale`), and
the name others see once their data was erased (:func:`shown_name`)."""

from __future__ import annotations

from bot.domain.people import Profile, apply_profile, choose_locale, shown_name
from storage.models import Person


def _person(locale: str | None = None, chosen: bool = False) -> Person:
    return Person(
        platform_user_id="U0GEMMA",
        display_name="Gemma",
        active=True,
        locale=locale,
        locale_chosen=chosen,
        timezone_chosen=False,
        delivery_failures=0,
    )


def test_the_platforms_region_is_kept() -> None:
    person = _person()
    assert apply_profile(person, Profile("U0GEMMA", locale="en_gb"))
    assert person.locale == "en-GB"
    assert not apply_profile(person, Profile("U0GEMMA", locale="en-GB"))  # nothing new
    apply_profile(person, Profile("U0GEMMA", locale="de-DE"))  # a language Palier lacks
    assert person.locale == "en-GB"


def test_a_chosen_language_keeps_the_region_and_follows_the_platforms_next_one() -> None:
    person = _person("en-GB")
    assert choose_locale(person, "fr") == "fr-GB" == person.locale
    assert person.locale_chosen
    apply_profile(person, Profile("U0GEMMA", locale="en-US"))  # moved to New York
    assert person.locale == "fr-US"  # still French words, the new region
    assert choose_locale(_person(None), "en") == "en"


def test_an_erased_person_is_never_named_by_id() -> None:
    person = _person()
    assert shown_name(person) == "Gemma"
    person.display_name = None
    assert shown_name(person) == "U0GEMMA"  # a platform that gave no name
    person.inactive_reason = "erased"
    assert shown_name(person) is None
