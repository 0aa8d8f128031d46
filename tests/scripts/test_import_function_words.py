"""The function-word import reads Lingua::StopWords' modules as the normalizer reads text."""

from __future__ import annotations

from pathlib import Path

from judge.resources import data_dir
from judge.rules.checks.addressed import load_addressed
from scripts.import_function_words import read_as_normalized, stop_words

MODULE = '''package Lingua::StopWords::FR;
our %EXPORT_TAGS = ( 'all' => [ qw( getStopWords ) ] );
sub _stopwords {
    return qw(
            au aux été étée l'on qu
    );
}
'''


def test_a_modules_stop_list_is_read_past_its_export_tags_and_normalized(tmp_path: Path):
    module = tmp_path / "FR.pm"
    module.write_text(MODULE, encoding="utf-8")
    words = stop_words(module)
    assert words == ["au", "aux", "été", "étée", "l'on", "qu"]
    assert read_as_normalized(words) == ["au", "aux", "ete", "etee", "l", "on", "qu"]


def test_the_shipped_grammar_reads_the_shipped_function_words():
    grammar = load_addressed(data_dir("policies") / "grammars" / "injection.yaml")
    assert {"the", "your", "nicht", "ete", "het"} <= grammar.function_words
    assert "approved" not in grammar.function_words and "cheese" not in grammar.function_words
