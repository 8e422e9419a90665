"""The reminder texts Relance ships: one file per key and language under `texts/`,
which the shipped scenarios start from (`defaults`) and a step can be reset to.

A file reads `Subject: ...`, a blank line, then the body; both are reminder templates
(relance.compose.templating renders and checks them).
"""
from pathlib import Path

TEXTS = Path(__file__).parent / "texts"
LANGUAGES = ("fr", "en")  # one folder of texts each
SHIPPED_KEYS = (
    "preventive", "reminder_1", "reminder_2", "firm", "formal_notice", "call",
    "escalation", "key_preventive", "key_reminder_1", "key_reminder_2", "key_firm",
    "risky_reminder_1",
)


def load_shipped(key: str, language: str) -> tuple[str, str]:
    """(subject_source, body_source) of a text Relance ships."""
    if key not in SHIPPED_KEYS:
        raise ValueError(f"unknown shipped text {key!r}; known: {', '.join(SHIPPED_KEYS)}")
    if language not in LANGUAGES:
        raise ValueError(f"no shipped texts in {language!r}; known: {', '.join(LANGUAGES)}")
    text = (TEXTS / language / f"{key}.txt").read_text(encoding="utf-8")
    first, _blank, body = text.partition("\n\n")
    if not first.startswith("Subject:") or "\n" in first:
        raise ValueError(f"{key} ({language}): the first line must be 'Subject: ...'")
    return first.removeprefix("Subject:").strip(), body.rstrip() + "\n"
