"""Score ``articles.sources.extract.extract_quotes`` on hand-annotated news texts, per form.

Run from the repo root: ``.venv/bin/python bench/quotes_eval.py`` (``--verbose`` lists every
miss, false alarm and wrong speaker; ``--no-fail`` always exits 0).

Data. ``bench/quotes_eval/`` holds original news-style stories written for this benchmark
(none copied from real articles, none shared with the unit tests), one per file:

* ``dev/`` (17 texts, 152 quotes) was written and annotated before the issue-17 rules; the
  rules were then developed against it, so its score is optimistic (first run, with the
  issue-3 extractor: P 100, R 77.0, speaker 80.3 %).
* ``unseen/`` (10 texts, 71 quotes) was written after the rules and scored once, untuned:
  P 100, R 100, speaker 80.3 %. General rules followed (role words opening a sentence,
  scored descriptions, organisations named without an organisation word).
* ``unseen2/`` (6 texts, 43 quotes) was written after those: first run P 100, R 88.4,
  speaker 92.1 % (after mending one annotation slip). More general rules followed (nicknames
  inside names, "a group calling itself X", letters after names, unnamed roles).

The first runs are the honest estimate for copy the rules have not seen; the table shows
every split as it scores now.

``bench/data/quotes/`` is the earlier set (issue 3), kept as a regression check; its quotes
carry no form labels.

File format: ``#`` comment lines, the story body (one paragraph per line), a line
``=== gold ===``, then one gold quote per line::

    form [tag …] | Speaker; alias; alias | quoted text exactly as in the story

The quoted text must occur exactly once in the story (offsets are found, never typed).
Forms: ``direct`` (a quote with a speech verb next to it, or a floating quote), ``partial``
(a quoted fragment inside the reporter's sentence), ``colon`` (a quote introduced by a colon
after any speech-act lead-in, not only "said"), ``multi_paragraph`` (a paragraph that
continues a quotation opened in an earlier paragraph), ``qa`` (an answer in a Q&A interview;
questions are never quotes), ``interrupted`` (either part of a quote split by its
attribution), ``nested`` (a quote that quotes someone else), ``paraphrase`` (indirect speech
without quote marks) and ``according_to``. Tags say what makes the speaker hard:
``pronoun`` (he/she/they), ``title`` (a role in place of the name: "the judge", "his
daughter"), ``particle`` (al-, van der, bin, transliterated names), ``collective`` (an
organisation or group speaks) and ``trap`` (places, ships, publications or clubs that are
named between the speaker and the pronoun).

Annotation: the span is the words inside the quote marks, without one trailing , ; : or .;
a quoted fragment inside a reported clause is the quote; indirect speech is the reported
clause without "that" and without the final full stop; a Q&A answer is its paragraph after
the label. The speaker is the person's fullest name in the story, or the organisation or
group; aliases list other names a careful annotator would accept.

Scoring follows the Gender Gap Tracker's evaluation (``evaluate_quotes.py`` in
sfu-discourse-lab/GenderGapTracker): a prediction's score for a gold quote is
|gold ∩ pred| / |gold| over character offsets; each gold quote takes the unused prediction
with the best score above the threshold; unmatched predictions are false positives. Speaker
accuracy is the share of matched quotes whose speaker is right (names compared
case-insensitively, ignoring a leading "the/a/an/its"); kind accuracy the share whose kind is
right (paraphrase and "according to" must be reported as such, never as quotes). Per form, a
true positive counts under the gold quote's form and a false positive under the form the
extractor reports.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from articles.sources.extract import ExtractedQuote, extract_quotes  # noqa: E402

DATA = ROOT / "bench" / "quotes_eval"
EARLIER = ROOT / "bench" / "data" / "quotes"
SPLITS = {"dev": [DATA / "dev"], "unseen": [DATA / "unseen"], "unseen 2": [DATA / "unseen2"]}
EARLIER_SPLITS = [EARLIER, EARLIER / "heldout", EARLIER / "blind"]
THRESHOLD = 0.3
TARGETS = {"precision": 95.0, "recall": 92.0, "speaker": 92.0}
TIME_BUDGET_MS = 50.0  # a 5,000-word story
FORMS = (
    "direct", "partial", "colon", "multi_paragraph", "qa", "interrupted", "nested",
    "paraphrase", "according_to",
)  # fmt: skip
TAGS = ("pronoun", "title", "particle", "collective", "trap")
# GGT V7.0 on its 98 human-annotated articles at 0.3 (nlp/english/evaluation/src/README.md).
GGT = {"precision": 84.6, "recall": 82.7, "speaker": 86.5}


@dataclass(frozen=True)
class Gold:
    text: str
    speakers: tuple[str, ...]  # the speaker first, then accepted aliases
    form: str
    tags: tuple[str, ...]
    start: int
    end: int

    @property
    def kind(self) -> str | None:
        """What the prediction's kind must say (None for the unlabelled issue-3 set)."""
        if self.form == "unlabelled":
            return None
        return self.form if self.form in {"paraphrase", "according_to"} else "quote"


@dataclass(frozen=True)
class Story:
    name: str
    text: str
    gold: tuple[Gold, ...]


def load_story(path: Path) -> Story:
    body, _, gold_part = path.read_text(encoding="utf-8").partition("\n=== gold ===\n")
    text = "\n".join(line for line in body.splitlines() if not line.startswith("#"))
    gold = []
    for line in gold_part.splitlines():
        if not line.strip():
            continue
        fields = [part.strip() for part in line.split(" | ", 2)]
        labels, speakers, quote = fields if len(fields) == 3 else ("unlabelled", *fields)
        form, *tags = labels.split()
        if form not in (*FORMS, "unlabelled") or not set(tags) <= set(TAGS):
            raise ValueError(f"{path.name}: unknown form or tag in {labels!r}")
        start = text.find(quote)
        if start < 0 or text.find(quote, start + 1) >= 0:
            raise ValueError(f"{path.name}: gold quote not found exactly once: {quote!r}")
        names = tuple(s.strip() for s in speakers.split(";"))
        gold.append(Gold(quote, names, form, tuple(tags), start, start + len(quote)))
    return Story(path.stem, text, tuple(gold))


def load(folders: list[Path]) -> list[Story]:
    return [load_story(p) for folder in folders for p in sorted(folder.glob("*.txt"))]


def normalise_speaker(name: str) -> str:
    words = name.replace("’", "'").lower().split()
    while words and words[0] in {"the", "a", "an", "its"}:
        words = words[1:]
    return " ".join(words)


def speaker_matches(gold: Gold, pred: ExtractedQuote) -> bool:
    return normalise_speaker(pred.speaker) in {normalise_speaker(s) for s in gold.speakers}


def kind_matches(gold: Gold, pred: ExtractedQuote) -> bool:
    kind = str(pred.kind)
    return (kind if kind in {"paraphrase", "according_to"} else "quote") == gold.kind


def overlap(gold: Gold, pred: ExtractedQuote) -> float:
    inter = max(0, min(gold.end, pred.end) - max(gold.start, pred.start))
    return inter / (gold.end - gold.start)


def match_story(story: Story, preds: list[ExtractedQuote]):
    """GGT matching: each gold quote takes the best remaining prediction above threshold."""
    remaining = list(preds)
    matched, missed = [], []
    for gold in story.gold:
        scored = [(overlap(gold, p), i) for i, p in enumerate(remaining)]
        best = max((s for s in scored if s[0] > THRESHOLD), default=None)
        if best is None:
            missed.append(gold)
        else:
            matched.append((gold, remaining.pop(best[1])))
    return matched, missed, remaining


@dataclass
class Tally:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    speaker_ok: int = 0
    kinds: int = 0
    kind_ok: int = 0

    def add_match(self, gold: Gold, pred: ExtractedQuote) -> None:
        self.tp += 1
        self.speaker_ok += speaker_matches(gold, pred)
        if gold.kind:
            self.kinds += 1
            self.kind_ok += kind_matches(gold, pred)

    def pct(self, part: int, whole: int) -> float | None:
        return 100 * part / whole if whole else None

    @property
    def figures(self) -> dict[str, float | None]:
        return {
            "precision": self.pct(self.tp, self.tp + self.fp),
            "recall": self.pct(self.tp, self.tp + self.fn),
            "speaker": self.pct(self.speaker_ok, self.tp),
            "kind": self.pct(self.kind_ok, self.kinds),
        }


def score(stories: list[Story]):
    """Overall, per-form and per-tag tallies, and the details for --verbose."""
    total, forms, tags = Tally(), defaultdict(Tally), defaultdict(Tally)
    details = []
    for story in stories:
        matched, missed, spurious = match_story(story, extract_quotes(story.text))
        for gold, pred in matched:
            for tally in (total, forms[gold.form], *(tags[t] for t in gold.tags)):
                tally.add_match(gold, pred)
        for gold in missed:
            for tally in (total, forms[gold.form], *(tags[t] for t in gold.tags)):
                tally.fn += 1
        for pred in spurious:
            total.fp += 1
            forms[getattr(pred, "form", str(pred.kind))].fp += 1
        wrong = [(g, p) for g, p in matched if not speaker_matches(g, p)]
        wrong_kind = [(g, p) for g, p in matched if g.kind and not kind_matches(g, p)]
        details.append((story, missed, spurious, wrong, wrong_kind))
    return total, forms, tags, details


def row(label: str, tally: Tally) -> str:
    cells = "".join(f"{'–' if v is None else f'{v:.1f}':>9}" for v in tally.figures.values())
    return f"{label:24}{tally.tp:>5}{tally.fp:>5}{tally.fn:>5}{cells}"


def print_table(title: str, rows: list[tuple[str, Tally]]) -> None:
    print(f"\n{title}")
    header = f"{'':24}{'TP':>5}{'FP':>5}{'FN':>5}{'Prec %':>9}{'Rec %':>9}{'Spk %':>9}{'Kind %':>9}"
    print(header)
    print("-" * len(header))
    for label, tally in rows:
        print(row(label, tally))


def print_details(details) -> None:
    for story, missed, spurious, wrong, wrong_kind in details:
        for g in missed:
            print(f"  MISS  {story.name}: [{g.form}] [{g.speakers[0]}] {g.text!r}")
        for p in spurious:
            print(f"  FP    {story.name}: [{p.speaker}] {p.text!r} ({p.kind}, {p.cue})")
        for g, p in wrong:
            print(f"  SPK   {story.name}: {p.speaker!r} should be {g.speakers[0]!r}: {g.text!r}")
        for g, p in wrong_kind:
            print(f"  KIND  {story.name}: {p.kind} should be {g.kind}: {g.text!r}")


def five_thousand_words(stories: list[Story]) -> str:
    """A 5,000-word story made of the benchmark's paragraphs, repeated in order."""
    paragraphs = [p for story in stories for p in story.text.split("\n")]
    out, count, i = [], 0, 0
    while count < 5000:
        paragraph = paragraphs[i % len(paragraphs)]
        out.append(paragraph)
        count += len(paragraph.split())
        i += 1
    return "\n".join(out)


def time_extraction(text: str, runs: int = 15) -> tuple[float, float, float]:
    """(CPU, fastest wall, median wall) time of one extraction, in milliseconds.

    The budget is checked against the CPU time of the fastest run: extraction is single
    threaded, so that is its cost, while wall time on a shared machine also counts the time
    spent waiting for a core (on our 2-core machine shared by three, twice the CPU time)."""
    extract_quotes(text)  # warm up regular expression caches
    cpu, wall = [], []
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        extract_quotes(text)
        cpu.append(1000 * (time.process_time() - started_cpu))
        wall.append(1000 * (time.perf_counter() - started))
    return min(cpu), min(wall), statistics.median(wall)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-fail", action="store_true", help="print only; exit 0")
    parser.add_argument("--verbose", action="store_true", help="list misses and false alarms")
    args = parser.parse_args(argv)

    splits = {name: load(folders) for name, folders in SPLITS.items()}
    ours = [story for stories in splits.values() for story in stories]
    total, forms, tags, details = score(ours)
    n_gold = sum(len(s.gold) for s in ours)
    print(f"Quote extraction at overlap {THRESHOLD}: {len(ours)} texts, {n_gold} gold quotes")
    print_table(
        "Overall and per split",
        [("all (issue 17 set)", total)]
        + [(name, score(stories)[0]) for name, stories in splits.items() if stories]
        + [("issue 3 set (regression)", score(load(EARLIER_SPLITS))[0])],
    )
    print(f"{'GGT V7.0, 98 articles':24}{'':15}" + "".join(f"{v:>9.1f}" for v in GGT.values()))
    print_table("Per form", [(form, forms[form]) for form in FORMS if form in forms])
    print_table("Per speaker difficulty", [(tag, tags[tag]) for tag in TAGS if tag in tags])

    text = five_thousand_words(ours)
    elapsed, fastest, median = time_extraction(text)
    print(
        f"\n5,000-word story ({len(text.split())} words, {len(extract_quotes(text))} quotes): "
        f"{elapsed:.1f} ms CPU per extraction, fastest of 15 (wall {fastest:.1f} ms, median "
        f"{median:.1f} ms on this machine); budget {TIME_BUDGET_MS:.0f} ms"
    )
    if args.verbose:
        print(f"\nAt overlap {THRESHOLD}:")
        print_details(details)

    figures = total.figures
    failed = [k for k, target in TARGETS.items() if (figures[k] or 0) < target]
    if elapsed >= TIME_BUDGET_MS:
        failed.append("time")
    if failed:
        print(f"\nBelow target: {', '.join(failed)} (targets: {TARGETS}, {TIME_BUDGET_MS} ms)")
        return 0 if args.no_fail else 1
    print(f"\nTargets met: {TARGETS}, under {TIME_BUDGET_MS:.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
