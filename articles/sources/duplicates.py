"""Near-duplicate sources: the same person under two spellings ("Yury"/"Yuri Ushakov"),
with or without accents, or a typo apart. Found with rapidfuzz on a transliteration key, so
editors can merge them (the merge itself is ``suggest.merge_sources``)."""

from dataclasses import dataclass

from django.db.models import Q
from rapidfuzz import fuzz, process

from ..models import Source
from ..models.sources import sound_keys
from .spelling import sound_key

SIMILAR = 88  # rapidfuzz score (0-100) from which two names are offered as one person


def similarity(a: str, b: str) -> int:
    """0-100: how alike two names are, spelling and word order aside."""
    return round(fuzz.token_sort_ratio(sound_key(a), sound_key(b)))


@dataclass(frozen=True)
class Similar:
    source: Source
    score: int
    name: str  # the name or alias that matched


def similar_sources(name: str, exclude=(), limit: int = 5) -> list[Similar]:
    """Existing sources whose name or an alias is a near-duplicate of ``name``."""
    key = sound_key(name)
    if not key:
        return []
    fill_sound_keys()
    # Candidates share the start of the last word's sound ("ushak…"): found in SQL, then
    # compared by rapidfuzz.
    last = key.split()[-1]
    candidates = (
        Source.objects.filter(
            Q(sound_keys__contains=f" {last[:4]}") | Q(sound_keys__contains=f"\n{last[:4]}")
        )
        .exclude(pk__in=[s.pk for s in exclude if s.pk])
        .only("pk", "name", "slug", "kind", "aliases", "sound_keys")
    )
    choices = {}
    for source in candidates[:500]:
        for option in [source.name, *source.alias_list()]:
            choices[(source.pk, option)] = (sound_key(option), source)
    found = process.extract(
        key,
        {k: v[0] for k, v in choices.items()},
        scorer=fuzz.token_sort_ratio,
        score_cutoff=SIMILAR,
        limit=limit * 3,
    )
    best: dict[int, Similar] = {}
    for _, score, (pk, option) in found:
        source = choices[(pk, option)][1]
        if pk not in best or score > best[pk].score:
            best[pk] = Similar(source, round(score), option)
    return sorted(best.values(), key=lambda s: (-s.score, s.source.name))[:limit]


def fill_sound_keys() -> None:
    """Sources saved before sound keys existed get theirs (once, after upgrading)."""
    missing = list(Source.objects.filter(sound_keys="").only("pk", "name", "aliases")[:1000])
    for source in missing:
        source.sound_keys = sound_keys([source.name, *source.alias_list()])
    Source.objects.bulk_update(missing, ["sound_keys"])


def duplicate_pairs(limit: int = 50) -> list[tuple[Source, Source, int]]:
    """Pairs of sources that are probably one person or organisation, best first.

    Names are grouped by the key of their last word (a surname, or an organisation's last
    word) and only compared within a group, so the cost grows with the registry, not with
    its square."""
    fill_sound_keys()
    groups: dict[str, list[tuple[str, Source]]] = {}
    for source in Source.objects.only("pk", "name", "slug", "kind", "aliases").iterator():
        for option in {source.name, *source.alias_list()}:
            key = sound_key(option)
            if key:
                groups.setdefault(key.split()[-1], []).append((key, source))
    pairs: dict[tuple[int, int], tuple[Source, Source, int]] = {}
    for members in groups.values():
        for i, (key_a, a) in enumerate(members):
            for key_b, b in members[i + 1 :]:
                if a.pk == b.pk or a.kind != b.kind:
                    continue
                score = round(fuzz.token_sort_ratio(key_a, key_b))
                pair = (min(a.pk, b.pk), max(a.pk, b.pk))
                if score >= SIMILAR and score > pairs.get(pair, (None, None, 0))[2]:
                    pairs[pair] = (a, b, score) if a.pk < b.pk else (b, a, score)
    return sorted(pairs.values(), key=lambda p: (-p[2], p[0].name))[:limit]
