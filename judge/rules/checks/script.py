"""Language/script sanity: letters from unexpected scripts, and words that mix scripts
(the signature of a homoglyph attack such as Cyrillic "а" inside "pаypal")."""

from __future__ import annotations

from judge.models import Finding, Severity
from judge.rules.checks.base import Check, Subject
from judge.rules.normalize import script_of


class ScriptCheck(Check):
    id = "script"
    description = "Unexpected writing systems and words that mix scripts"

    def check(self, subject: Subject) -> list[Finding]:
        allowed = {s.upper() for s in self.cfg.allowed_scripts}
        out: list[Finding] = []
        for field_name, nt in subject.fields:
            text = nt.original
            if text.isascii():
                continue
            foreign: dict[str, int] = {}
            for i, ch in enumerate(text):
                if ch.isalpha():
                    s = script_of(ch)
                    if s not in allowed:
                        foreign.setdefault(s, i)
            for script, pos in foreign.items():
                out.append(
                    self.rule("unexpected_script", Severity.REVIEW,
                        f"{script.title()} letters where {', '.join(sorted(allowed))} are expected",
                        field_name,
                        span=(pos, pos + 1),
                        text=text[pos],
                    )
                )
            for word_start, word in _words(text):
                scripts = {script_of(ch) for ch in word if ch.isalpha()} - {"COMMON", "INHERITED"}
                if len(scripts) > 1:
                    out.append(
                        self.rule("mixed_script_word", Severity.REVIEW,
                            f"word {word!r} mixes scripts ({', '.join(sorted(scripts))}): likely homoglyph obfuscation",
                            field_name,
                            span=(word_start, word_start + len(word)),
                            text=word,
                        )
                    )
        return out


def _words(text: str):
    start = None
    for i, ch in enumerate(text + " "):
        if ch.isalnum() or ch in "@$" or (start is not None and ch in "\u200b\u200c\u200d"):
            if start is None:
                start = i
        elif start is not None:
            yield start, text[start:i]
            start = None
