"""The passphrase policy: a hard minimum length, and a strength estimate for the meter and warnings."""

from __future__ import annotations

from dataclasses import dataclass

from zxcvbn import zxcvbn

from dhr_tracker.storage.errors import PassphraseRejected

MINIMUM_LENGTH = 12
GOOD_SCORE = 3
SCORE_LABELS = ("Very weak", "Weak", "Fair", "Good", "Strong")


@dataclass(frozen=True)
class Strength:
    score: int  # 0 (very weak) to 4 (strong), as zxcvbn scores it
    label: str
    advice: str

    @property
    def is_good(self) -> bool:
        return self.score >= GOOD_SCORE


def estimate_strength(passphrase: str) -> Strength:
    if not passphrase:
        return Strength(
            0, SCORE_LABELS[0], f"Use at least {MINIMUM_LENGTH} characters; four or more unrelated words work well."
        )
    result = zxcvbn(passphrase[:200])
    feedback = result["feedback"]
    advice = " ".join(part for part in [feedback.get("warning", ""), *feedback.get("suggestions", [])] if part)
    return Strength(result["score"], SCORE_LABELS[result["score"]], advice)


def check_new_passphrase(passphrase: str, confirmation: str) -> Strength:
    """Refuse a passphrase that is too short or not repeated exactly; return its strength otherwise."""
    if len(passphrase) < MINIMUM_LENGTH:
        raise PassphraseRejected(
            f"The passphrase has {len(passphrase)} characters; it needs at least {MINIMUM_LENGTH}. "
            "A few unrelated words make a passphrase that is long and easy to remember."
        )
    if passphrase != confirmation:
        raise PassphraseRejected("The two passphrases do not match. Type the same passphrase twice.")
    return estimate_strength(passphrase)
