from __future__ import annotations

from datetime import date

from bot.i18n import CATALOGS, COMMANDS, format_date, locale_from, pct, placeholders, t
from bot.typography import french_spacing


def test_every_text_exists_in_both_languages_with_the_same_fields() -> None:
    en, fr = CATALOGS["en"], CATALOGS["fr"]
    assert set(en) == set(fr)
    for key in en:
        assert placeholders(en[key]) == placeholders(fr[key]), key
        assert en[key].strip() and fr[key].strip(), key


def test_locale_mapping_and_formatting() -> None:
    assert locale_from("fr") == "fr"
    assert locale_from("fr-FR") == "fr"
    assert locale_from("en-US") == "en"
    assert locale_from(None) == "en"
    assert pct("fr", 0.754) == "75\u202f%"
    assert pct("en", 0.754) == "75%"
    assert t("fr", "error.bad_domain") != t("en", "error.bad_domain")


def test_a_count_of_one_takes_the_singular() -> None:
    stats = [t("en", "progress.domain_stats", count=n, accuracy="50%") for n in (1, 2)]
    assert stats == ["1 answer · 50% right", "2 answers · 50% right"]
    stats = [t("fr", "progress.domain_stats", count=n, accuracy="50 %") for n in (1, 2)]
    assert stats == ["1 réponse · 50\u202f% de bonnes", "2 réponses · 50\u202f% de bonnes"]
    assert t("en", "error.content", count=1) == "The content has 1 problem."
    # French takes the singular for 0 too; a .zero form wins over it where there is one.
    assert t("fr", "progress.streak", count=0) == "Série quotidienne\u202f: 0 jour."
    assert t("fr", "daily.reveal_total", count=0) == "Aucun membre n'a répondu."


def test_commands_are_named_the_way_each_face_shows_them() -> None:
    assert t("fr", "lesson.list_hint") == "Ouvrez-en une avec /lesson <id ou mots>."
    french_discord = {**COMMANDS, "lesson": "/leçon"}
    assert (
        t("fr", "lesson.list_hint", cmd=french_discord) == "Ouvrez-en une avec /leçon <id ou mots>."
    )


def test_dates_inside_sentences_are_written_out() -> None:
    assert format_date("fr", "2026-03-14") == "14 mars 2026"
    assert format_date("fr", date(2026, 3, 1)) == "1er mars 2026"
    assert format_date("en", "2026-11-27") == "27 November 2026"


def test_french_marks_never_wrap_onto_their_own_line() -> None:
    assert french_spacing("Prêt ? Oui : « bien » ; 75 % !") == (
        "Prêt\u202f? Oui\u202f: «\u202fbien\u202f»\u202f; 75\u202f%\u202f!"
    )
    # Only a space the author typed becomes unbreakable: URLs, times and code keep theirs.
    assert french_spacing("https://docs.aws.amazon.com à 09:00, `a:b`") == (
        "https://docs.aws.amazon.com à 09:00, `a:b`"
    )
    assert t("en", "progress.streak", count=2) == "Daily streak: 2 days."
