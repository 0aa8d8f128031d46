"""Policies: which checks run with which thresholds, and how findings become a verdict.

A policy is YAML validated into :class:`Policy` (``extra="forbid"`` everywhere),
so a typo in a key is an error that names the file and the key, never a silent
default.
"""

from __future__ import annotations

import copy
import fnmatch
import hashlib
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    model_validator,
)

from judge.config import read_yaml, validate, validation_message
from judge.errors import PolicyError
from judge.models import Candidate, Severity
from judge.resources import resolve_data_file


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class FuzzyConfig(_Strict):
    enabled: bool = True
    # Tokens that look obfuscated (leet, homoglyphs, masks, joined letters) match
    # terms of at least this length within max_distance edits.
    min_term_length: int = Field(4, ge=3)
    # Plain, dictionary-looking tokens only near-match long terms ("walmrt").
    clean_min_term_length: int = Field(7, ge=3)
    max_distance: int = Field(1, ge=0, le=3)
    long_term_length: int = Field(10, ge=4)  # terms this long allow one more edit


LEXICON_LANGUAGES = ("en", "es", "fr", "de", "it", "pt", "nl")  # policies/terms/lexicon_*.yaml


class TermsConfig(_Strict):
    enabled: bool = True
    lists: list[str] = ["terms/garm.yaml", "terms/retail.yaml", *(f"terms/lexicon_{lang}.yaml" for lang in LEXICON_LANGUAGES)]
    allow: list[str] = ["terms/allow.yaml", "terms/allow_wordnet.yaml"]
    morphology: str | None = "terms/morphology.yaml"  # compounds of strong roots; null turns it off
    # categories whose words a loaded catalog's product titles may clear in their exact pair ("pork butt");
    # restricted goods (alcohol, tobacco, arms...) are never cleared by being on sale
    product_phrases: list[str] = ["adult_sexual", "obscenity_profanity", "hate_speech", "profanity_*"]
    severity: dict[str, Severity] = {}  # category id -> severity (overrides the list's)
    fuzzy: FuzzyConfig = FuzzyConfig()
    # WordNet's food and goods nouns: a word that one list calls profane and that names goods ("hemp", "vodka") is
    # that list's topic when written in leet or spelled out ("H3mp seeds"), not a disguise; None: every one is reviewed
    food_nouns: str | None = "terms/food_nouns.txt"
    goods_nouns: str | None = "terms/goods_nouns.txt"


class PatternsConfig(_Strict):
    """Regex-based checks (claims, PII, prompt injection); patterns live in data."""

    enabled: bool = True
    severity: dict[str, Severity] = {}  # pattern group id -> severity
    keyword_severity: dict[str, Severity] = {}  # pattern group id -> severity of a match in a search keyword


class InjectionConfig(PatternsConfig):
    """The injection patterns, and the grammar of words addressed to a judge (policies/grammars/injection.yaml)."""

    grammar: str | None = "grammars/injection.yaml"  # None: the patterns only
    grammar_severity: Severity | None = None  # the grammar's own severity (review) when None
    # WordNet's food and goods nouns: a keyword that names a product and then gives it a verdict ("greek yogurt
    # approved") is reviewed; None: not read
    food_nouns: str | None = "terms/food_nouns.txt"
    goods_nouns: str | None = "terms/goods_nouns.txt"
    # token noise (an optimized adversarial suffix's kind, judge/rules/noise.py): a window of this many tokens that
    # weighs noise_threshold or more is reviewed (``severity: {token_noise: block}`` blocks it); None: not read; a word
    # of noise_words weighs nothing
    noise_window: int = Field(10, ge=3)
    noise_threshold: float | None = Field(3.0, gt=1.0)
    noise_words: list[str] = ["terms/common_words_en.txt", "terms/rare_words_en.txt", "terms/common_words_other.txt"]


class FormatConfig(_Strict):
    enabled: bool = True
    theme_min_chars: int = Field(3, ge=0)
    theme_max_chars: int = Field(60, ge=1)
    theme_max_words: int = Field(8, ge=1)
    keywords_min: int = Field(2, ge=0)
    keywords_max: int = Field(12, ge=1)
    keyword_min_chars: int = Field(2, ge=1)
    keyword_max_chars: int = Field(40, ge=1)
    near_duplicate_threshold: float = Field(90.0, ge=50, le=100)
    severity: dict[str, Severity] = {}  # rule id -> severity


class ScriptConfig(_Strict):
    enabled: bool = True
    allowed_scripts: list[str] = ["LATIN", "COMMON"]
    severity: dict[str, Severity] = {}


class LanguageConfig(_Strict):
    enabled: bool = True
    # ISO 639-1 codes of the languages the storefront serves: those that the shipped lexicons and grammars read
    languages: list[str] = ["en", "es", "fr", "de", "it", "pt", "nl"]
    min_words: int = Field(6, ge=1)  # a shorter field is not identified (product names borrow words)
    min_confidence: float = Field(0.9, ge=0, le=1)
    severity: dict[str, Severity] = {}


class VocabularyConfig(_Strict):
    enabled: bool = False
    path: str | None = None  # one keyword per line
    snap_threshold: float = Field(90.0, ge=50, le=100)
    severity: dict[str, Severity] = {}

    @model_validator(mode="after")
    def _needs_path(self) -> VocabularyConfig:
        if self.enabled and not self.path:
            raise ValueError("vocabulary.enabled needs vocabulary.path")
        return self


class CoherenceConfig(_Strict):
    enabled: bool = True
    top_k: int = Field(10, ge=1)  # products retrieved per keyword as evidence
    department_share: float = Field(0.3, gt=0, le=1)  # a department "holds" a keyword above this share
    min_products_per_keyword: int = Field(1, ge=0)
    max_departments: int = Field(3, ge=1)  # more distinct departments than this = scattered
    # Sentence embeddings ("auto": when the `embed` extra is installed)
    embeddings: Literal["auto", "off"] = "auto"
    # Short grocery phrases sit close together in MiniLM's space (a good keyword scores 0.2-0.5 against
    # its theme), so the defaults are conservative and the finding is informational unless a policy raises it.
    min_similarity: float = Field(0.17, ge=-1, le=1)  # keyword-theme cosine below this ...
    min_fit: float = Field(0.27, ge=-1, le=1)  # ... and mean cosine to the other keywords below this: off-theme
    min_set_similarity: float = Field(0.10, ge=-1, le=1)  # mean keyword-theme cosine below this: unrelated set
    # With a catalog and embeddings: departments are related when the centroids of their products' titles are
    # at least this close (food departments sit at 0.7-0.9 from each other, household and food at 0.4-0.6; 0.66 and
    # min_set_similarity 0.10 chosen on the tune half of bench/quality/coherence.jsonl), so
    # a meal that spans bakery, meat, dairy and pantry is coherent and toilet paper under taco night is not.
    min_department_affinity: float = Field(0.66, ge=-1, le=1)
    # "aisle": compare the aisles that keywords retrieve instead (finer: paper goods and tortillas are far
    # apart where household and bakery are not), related at min_aisle_affinity
    affinity_level: Literal["department", "aisle"] = "department"
    min_aisle_affinity: float = Field(0.5, ge=-1, le=1)
    department_sample: int = Field(150, ge=10)  # product titles per department (or aisle) for its centroid
    # With a catalog: a keyword that is no food by WordNet and retrieves only from aisles of goods (aisles whose
    # product titles mostly name WordNet's artifacts and substances), among keywords of which at least this share
    # name food, from departments no other keyword reaches, is off the theme, however close its department sits to
    # food in the embeddings ("shampoo" in a soup night: personal care holds vitamins and snacks too). The lists
    # come from scripts/import_wordnet.py; null turns the rule off.
    food_nouns: str | None = "terms/food_nouns.txt"
    goods_nouns: str | None = "terms/goods_nouns.txt"
    feed_nouns: str | None = "terms/feed_nouns.txt"  # food for animals ("birdseed"), which counts as neither
    min_food_share: float = Field(0.66, ge=0, le=1)
    # ... but not goods that the theme calls for: a keyword-theme cosine at least this and at least the median of
    # the other keywords' ("charcoal" at a barbecue, 0.50; the 48 outliers of bench/quality's sets sit at 0.34 or below)
    min_called_for_similarity: float = Field(0.4, ge=-1, le=1)
    # The catalog's departments whose products serve another consumer than the adult at the table: a set of
    # keywords from them (or goods) under a theme that names food is unrelated to it (keywords_of_another_kind),
    # however close pet food and baby food sit to food in the embeddings; [] leaves only goods
    other_consumer_departments: list[str] = ["pets", "babies"]
    # goods_among_food also when a keyword's own products are mostly goods by their titles, whatever their aisle
    # (cat litter sits in an aisle of pet food); no change on the tune half, nor on 6 new coherent sets with goods
    goods_by_titles: bool = True
    # With embeddings, the catalog's "keywords unrelated to the theme" needs the mean keyword-theme similarity
    # below this too (coherent sets sit above 0.2, unrelated ones below 0.17 on bench/quality/coherence.jsonl)
    max_unrelated_set_similarity: float = Field(0.20, ge=-1, le=1)
    # ... and the theme's own products to sit mostly in one department (a vague theme points nowhere: "Crisp White";
    # 0.4 chosen on the tune half: product-name flags 29 -> 27 of 3,000, nothing else changed; 0.5 missed a set)
    min_unrelated_theme_focus: float = Field(0.4, ge=0, le=1)
    # ... and a keyword is off the theme by its departments only when its keyword-theme cosine is below this too
    # (0.25 chosen on the tune half: product-name flags 1.4% -> 1.1%, nothing else changed)
    max_off_theme_similarity: float = Field(0.25, ge=-1, le=1)
    # ... nor a keyword whose products spread over departments, the top one's share below this ("Grab & Go",
    # "Regular"; 0.5 chosen on the tune half: product-name flags 34 -> 29 of 3,000, nothing else changed)
    min_off_theme_focus: float = Field(0.5, ge=0, le=1)
    # a keyword that retrieves nothing is info, not review, when its keyword-theme cosine is above that bound too:
    # a gap of the catalog ("cookie cutters" at a holiday bake), not of the set (tune half: coherent 25 -> 27/29,
    # nothing else changed)
    nothing_needs_distance: bool = True
    severity: dict[str, Severity] = {}


class ToxicityConfig(_Strict):
    enabled: bool = True
    # An official detoxify name ("original", "unbiased", "multilingual") or a local
    # Hugging Face config/tokenizer folder used together with ``checkpoint``.
    model: str = "original"
    checkpoint: str | None = None
    config_dir: str | None = None
    device: str = "cpu"
    batch_size: int = Field(64, ge=1)
    thresholds: dict[str, float] = {
        "toxicity": 0.8,
        "severe_toxicity": 0.5,
        "obscene": 0.8,
        "threat": 0.6,
        "insult": 0.8,
        "identity_attack": 0.6,
        "identity_hate": 0.6,
        "sexual_explicit": 0.6,
    }
    severity: Severity = Severity.BLOCK
    # What a missing model means: "warn" = recorded loudly, no effect on verdicts;
    # "error" = every candidate needs review and the CI gate fails.
    on_unavailable: Literal["warn", "error"] = "warn"


class ThreatsConfig(_Strict):
    enabled: bool = True
    grammar: str = "grammars/threats.yaml"
    severity: dict[str, Severity] = {}  # {"threat": review} to send to review instead
    # words that are never read as a grammar word misspelt ("escapes" is no "escapees"; "kil" is read "kill")
    words: list[str] = ["terms/common_words_en.txt", "terms/common_words_other.txt"]
    # WordNet's food and goods nouns: a people's name before a food is an adjective ("I hate Mexican food"): a review
    food_nouns: str | None = "terms/food_nouns.txt"
    goods_nouns: str | None = "terms/goods_nouns.txt"


class ChecksConfig(_Strict):
    terms: TermsConfig = TermsConfig()
    threats: ThreatsConfig = ThreatsConfig()
    claims: PatternsConfig = PatternsConfig()
    pii: PatternsConfig = PatternsConfig()
    injection: InjectionConfig = InjectionConfig()
    format: FormatConfig = FormatConfig()
    script: ScriptConfig = ScriptConfig()
    language: LanguageConfig = LanguageConfig()
    vocabulary: VocabularyConfig = VocabularyConfig()
    coherence: CoherenceConfig = CoherenceConfig()
    toxicity: ToxicityConfig = ToxicityConfig()


class TrustConfig(_Strict):
    """A rubric criterion may only *block* once it has earned trust against human labels
    (``judge calibrate``); until then a failure it finds sends to review instead."""

    min_kappa: float | None = Field(0.6, ge=-1, le=1)  # None: every criterion may block
    min_labels: int = Field(20, ge=1)


class JudgesConfig(_Strict):
    """The LLM tier: which rubrics judge, and on what."""

    rubrics: list[str] = []  # shipped rubric ids or paths
    # Only candidates the rule tier did not reject reach the judges: a rejected item costs no tokens.
    cascade: bool = True
    trust: TrustConfig = TrustConfig()


class OverrideWhen(_Strict):
    placement: str | None = None  # glob, e.g. "kids-*"
    page: str | None = None  # glob
    audience: str | None = None  # exact, casefolded

    def matches(self, cand: Candidate) -> bool:
        if self.placement and not fnmatch.fnmatchcase(cand.placement.casefold(), self.placement.casefold()):
            return False
        if self.page and not fnmatch.fnmatchcase((cand.page or "").casefold(), self.page.casefold()):
            return False
        if self.audience and (cand.context.audience or "").casefold() != self.audience.casefold():
            return False
        return True


class Override(_Strict):
    name: str
    when: OverrideWhen
    checks: dict[str, Any]  # a partial ChecksConfig, deep-merged over the base


class CIThresholds(_Strict):
    max_rejected_share: float = Field(1.0, ge=0, le=1)
    max_needs_review_share: float = Field(1.0, ge=0, le=1)
    max_errors: int = Field(0, ge=0)  # input records that could not be read
    fail_on_unavailable: bool = False  # a check that could not run fails the gate


class Policy(_Strict):
    id: str
    version: str
    description: str = ""
    checks: ChecksConfig = ChecksConfig()
    judges: JudgesConfig = JudgesConfig()
    overrides: list[Override] = []
    # What an unscored LLM judgement (timeout, malformed reply ...) means. Never "approved".
    unscored: Literal["needs_review", "rejected"] = "needs_review"
    ci: CIThresholds = CIThresholds()

    _source: Path | None = PrivateAttr(default=None)
    _hash: str = PrivateAttr(default="")
    _effective: dict[tuple[int, ...], ChecksConfig] = PrivateAttr(default_factory=dict)

    @model_validator(mode="after")
    def _validate_overrides(self) -> Policy:
        base = self.checks.model_dump()
        for ov in self.overrides:
            try:
                ChecksConfig.model_validate(deep_merge(base, ov.checks))
            except ValidationError as e:
                raise ValueError(f"override {ov.name!r}: {validation_message(e)}") from None
        return self

    @property
    def base_dir(self) -> Path | None:
        return self._source.parent if self._source else None

    @property
    def fingerprint(self) -> str:
        """Hash of the policy's effective content (not its file path)."""
        return self._hash or hashlib.sha256(self.model_dump_json().encode()).hexdigest()

    @property
    def unscored_severity(self) -> Severity:
        """Unscored maps to review (needs_review) or block (rejected); never to approval."""
        return Severity.BLOCK if self.unscored == "rejected" else Severity.REVIEW

    def override_key(self, cand: Candidate) -> tuple[int, ...]:
        return tuple(i for i, ov in enumerate(self.overrides) if ov.when.matches(cand))

    def checks_for(self, key: tuple[int, ...]) -> ChecksConfig:
        """Effective check configuration for the overrides named by ``key``."""
        return self._effective[key] if key in self._effective else self._merge(key)

    def _merge(self, key: tuple[int, ...]) -> ChecksConfig:
        merged = self.checks.model_dump()
        for i in key:
            merged = deep_merge(merged, self.overrides[i].checks)
        cfg = ChecksConfig.model_validate(merged)
        self._effective[key] = cfg
        return cfg


def deep_merge(base: dict[str, Any], patch: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(base)
    for k, v in patch.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = deep_merge(out[k], v)
        else:
            out[k] = copy.deepcopy(v)
    return out


def load_policy(ref: str | Path = "default") -> Policy:
    """Load a policy by path or shipped name (``default``, ``strict``)."""
    try:
        path = resolve_data_file(ref, "policies")
    except FileNotFoundError as e:
        raise PolicyError(f"policy {e}") from None
    data, raw = read_yaml(path, PolicyError)
    if not isinstance(data, dict):
        raise PolicyError(f"{path}: expected a mapping at the top level")
    policy = validate(path, data, Policy, "policy", PolicyError, limit=8)
    policy._source = path.resolve()
    policy._hash = hashlib.sha256(raw).hexdigest()
    return policy
