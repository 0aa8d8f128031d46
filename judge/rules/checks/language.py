"""Language: a field written in a language that the storefront does not serve.

The rule tier reads the languages its lexicons, patterns and grammars cover; a sentence in any other language (an
instruction in Scottish Gaelic, a slur in Albanian) is text that no rule can read, so it is never approved unread:
it goes to review. Short texts are left alone (product names borrow words: "Bánh mì sandwiches"); a field is
identified when it holds ``min_words`` words or more, by py3langid (a maintained fork of langid.py, BSD-3-Clause, whose
naive Bayes model over byte n-grams of 97 languages ships inside the package), and flagged only when its likeliest
language is not served, with at least ``min_confidence``.
"""

from __future__ import annotations

from functools import cache, cached_property, lru_cache
from pathlib import Path

from judge.models import Finding, Severity
from judge.rules.checks.base import Check, Subject


@cache
def _identifier():
    from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_modelpath(MODEL_DIR / MODEL_FILE, norm_probs=True)


def model_file() -> Path:
    """The language model's file (its bytes are part of a run's fingerprint)."""
    from py3langid.langid import MODEL_DIR, MODEL_FILE

    return Path(MODEL_DIR) / MODEL_FILE


@lru_cache(maxsize=65536)
def likeliest_language(text: str) -> tuple[str, float]:
    """The ISO 639-1 code of ``text``'s likeliest language, and its probability among the model's 97 (memoized: a
    run's keywords repeat)."""
    language, probability = _identifier().classify(text)
    return language, float(probability)


class LanguageCheck(Check):
    id = "language"
    description = "Fields written in a language that the storefront does not serve (no rule can read them)"

    @property
    def data_files(self) -> list[Path]:
        return [model_file()]

    @cached_property
    def served(self) -> frozenset[str]:
        return frozenset(self.cfg.languages)

    def check(self, subject: Subject) -> list[Finding]:
        served, spaces = self.served, self.cfg.min_words - 1
        out = []
        for field_name, nt in subject.fields:
            if nt.original.count(" ") < spaces or len(nt.original.split()) <= spaces:  # the count is a quick first look
                continue
            language, probability = likeliest_language(nt.original)
            if language not in served and probability >= self.cfg.min_confidence:
                out.append(self.rule(
                    "unserved_language", Severity.REVIEW,
                    f"written in a language the storefront does not serve ({language}, p={probability:.2f}; "
                    f"served: {', '.join(sorted(served))})", field_name, nt=nt, category=language,
                    score=round(probability, 3)))
        return out
