"""Fill a database with a realistic archive: N stories over ten years, for the listing benchmark.

Sections, tags (a long tail), authors and bylines, sources and quotes (most confirmed), a few
drafts, withdrawn and scheduled stories, and body text drawn from a news vocabulary with a
Zipf-like spread, so that some words are in most stories and some in a handful. The text is
deterministic for a given --seed. Everything goes in with bulk inserts; on PostgreSQL the
search vectors are then computed in one pass with the GIN index dropped and rebuilt after.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/nr_bench_100k \\
        .venv/bin/python bench/make_archive.py --stories 100000 --reset

Words the benchmark relies on: "minister" is in half the stories, "quasar" in RARE_COUNT (20)
stories whatever the archive's size, spread over it, so that both fill the first page of
results at any size and the rare word's results are the same number at 1,000 and at 100,000
stories (one story in 500, as before, gave 2 at 1,000 and 200 at 100,000: pages of different
lengths compared as one).
"""

import argparse
import os
import random
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
os.environ.setdefault("DEBUG", "1")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from articles.listing.search import refresh_search_vectors  # noqa: E402
from articles.models import (  # noqa: E402
    Author,
    Byline,
    FacetListing,
    ListingCount,
    Quote,
    Section,
    Source,
    SourceListing,
    Story,
    Tag,
    TagPairCount,
)

RARE_WORD = "quasar"
RARE_COUNT = 20  # stories with the rare word, at any archive size: two pages of results
COMMON_WORD = "minister"
BATCH = 2_000

SECTIONS = ["News", "World", "Business", "Politics", "Science", "Culture", "Opinion", "Sport",
            "Technology", "Climate"]  # fmt: skip
FIRST = ["Anna", "Olga", "Ivan", "Dmitry", "Elena", "Sergei", "Maria", "Pavel", "Irina", "Yury",
         "Natalia", "Alexei", "Tatiana", "Mikhail", "Svetlana", "Andrei", "Ekaterina", "Boris",
         "Lena", "Viktor", "Sofia", "Nikolai", "Daria", "Oleg", "Galina", "Roman", "Vera", "Igor",
         "Kirill", "Polina", "John", "Sarah", "David", "Emma", "James", "Laura", "Peter", "Hannah",
         "Marc", "Julia", "Li", "Wei", "Chen", "Mei", "Hiroshi", "Yuki", "Ahmed", "Fatima", "Omar",
         "Leila"]  # fmt: skip
SYLLABLES = ["ka", "ro", "vin", "mel", "tor", "shi", "lov", "ev", "an", "dre", "nik", "ov", "sky",
             "ber", "gin", "ush", "ak", "zan", "pol", "ter", "mir", "nov", "sa", "lin", "gor",
             "vich", "ko", "len", "dar", "tsk"]  # fmt: skip
ROLES = ["spokesman", "foreign minister", "economy minister", "governor", "central bank chief",
         "opposition leader", "analyst", "professor", "ambassador", "mayor", "senator",
         "prosecutor", "general", "chief executive", "union leader"]  # fmt: skip
_NEWS = """government president officials said told according year week percent
country people state military forces security talks economy market prices oil gas energy
sanctions trade bank ruble budget court law parliament election vote party opposition
protest police report reports statement interview conference region city border war peace
ministry agency company companies workers families children health hospital schools
university research scientists climate weather floods fire summer winter spring autumn
history culture museum film festival football team season match record growth inflation
interest rates exports imports pipeline deal agreement treaty meeting visit leaders
diplomats crisis pressure support critics decision plan plans policy reform tax taxes
investment investors shares stocks money million billion dollars euros rubles cost costs
public private local federal national international global foreign domestic social digital
internet online media journalists newspaper channel television radio news story data
figures survey poll voters campaign candidate candidates rights freedom prison sentence trial
judge lawyer lawyers case cases charges investigation evidence witnesses attack army troops
soldiers missile drone drones strike strikes ceasefire negotiations delegation embassy
capital province village residents community volunteers aid humanitarian refugees migrants
"""
_FUNCTION = """the of and to in a on for that with as by at from is was were has have had
will would could it its this their they he she not but also after over more than about
into new two three first last other some"""
NEWS, FUNCTION = _NEWS.split(), _FUNCTION.split()
VERBS = ["said", "told reporters", "said in a statement", "wrote", "added", "warned", "argued"]


def pseudo_words(rng, count):
    """Invented proper nouns (places, surnames): the long tail of the vocabulary."""
    words = set()
    while len(words) < count:
        words.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize())
    return sorted(words)


class Writer:
    """Deterministic news-like text: Zipf-weighted vocabulary, quotes attributed to sources."""

    def __init__(self, rng, names):
        self.rng = rng
        self.tail = pseudo_words(rng, 4000)
        vocabulary = FUNCTION + NEWS + self.tail
        # Function words dominate, news words are common, invented names rare (a long tail).
        weights = (
            [40.0] * len(FUNCTION)
            + [30.0 / (rank + 1) ** 0.7 for rank in range(len(NEWS))]
            + [0.5 / (rank + 1) ** 0.5 for rank in range(len(self.tail))]
        )
        self.vocabulary = vocabulary
        self.cum = []
        total = 0.0
        for w in weights:
            total += w
            self.cum.append(total)
        self.names = names

    def words(self, n):
        return self.rng.choices(self.vocabulary, cum_weights=self.cum, k=n)

    def sentence(self, n=None):
        words = self.words(n or self.rng.randint(9, 22))
        return " ".join(words).capitalize() + "."

    def headline(self):
        words = self.words(self.rng.randint(6, 11))
        words = [w for w in words if w not in FUNCTION[:12]] or words
        return " ".join(words).capitalize()[:190]

    def pool(self, size=30_000):
        """Pre-written sentences: drawing words one by one for 100,000 stories is too slow."""
        self.sentences = [self.sentence() for _ in range(size)]
        self.headlines = [self.headline() for _ in range(size // 3)]

    def paragraph(self):
        return " ".join(self.rng.choices(self.sentences, k=self.rng.randint(2, 5)))

    def quote_paragraph(self, source):
        said = self.rng.choice(VERBS)
        text = self.rng.choice(self.sentences).rstrip(".")
        return f"“{text},” {source.name} {said}.", text


def build(count, seed):
    rng = random.Random(seed)
    now = timezone.now()
    started = time.monotonic()
    indexer = TextIndexer(started)

    sections = Section.objects.bulk_create(
        Section(name=name, slug=name.lower(), position=i, description=f"{name} from our reporters.")
        for i, name in enumerate(SECTIONS)
    )
    writer = Writer(rng, [])
    tags = Tag.objects.bulk_create(Tag(name=name, slug=name.lower()) for name in writer.tail[:600])
    tag_weights = [1 / (rank + 1) for rank in range(len(tags))]
    people = sorted({f"{rng.choice(FIRST)} {rng.choice(writer.tail)}" for _ in range(2600)})
    authors = Author.objects.bulk_create(
        Author(
            name=name,
            slug=f"author-{i}",
            job_title=rng.choice(["Reporter", "Correspondent", "Editor", "Columnist"]),
        )  # fmt: skip
        for i, name in enumerate(people[:150])
    )
    sources = Source.objects.bulk_create(
        Source(
            name=name,
            slug=f"source-{i}",
            role=rng.choice(ROLES),
            match_names=f"\n{name.casefold()}\n",
        )
        for i, name in enumerate(people[150:2150])
    )
    source_weights = [1 / (rank + 1) ** 0.8 for rank in range(len(sources))]
    writer.pool()
    print(f"vocabulary and people ready in {time.monotonic() - started:.1f}s", flush=True)

    rare_every = max(1, count // RARE_COUNT)
    ten_years = timedelta(days=3650).total_seconds()
    done = 0
    while done < count:
        n = min(BATCH, count - done)
        stories, extras = [], []
        for i in range(done, done + n):
            quoted = rng.choices(sources, weights=source_weights, k=rng.randint(0, 3))
            paragraphs, quotes = [], []
            for _ in range(rng.randint(7, 12)):
                paragraphs.append(writer.paragraph())
            for source in quoted:
                line, text = writer.quote_paragraph(source)
                paragraphs.insert(rng.randint(1, len(paragraphs)), line)
                quotes.append((source, text))
            rare = i % rare_every == 7 % rare_every
            if rare:
                paragraphs[-1] += f" Observers called it a {RARE_WORD} moment."
            if rng.random() < 0.5:
                paragraphs[0] = (
                    f"The {COMMON_WORD} said " + paragraphs[0][0].lower() + paragraphs[0][1:]
                )
            roll = 1.0 if rare else rng.random()
            status = Story.Status.PUBLISHED
            published = now - timedelta(seconds=rng.random() * ten_years)
            if roll < 0.02:
                status, published = Story.Status.DRAFT, None
            elif roll < 0.03:
                status = Story.Status.WITHDRAWN
            elif roll < 0.035:
                published = now + timedelta(days=rng.randint(1, 30))
            headline = rng.choice(writer.headlines)
            stories.append(
                Story(
                    headline=headline,
                    slug=f"{i}-" + "-".join(headline.lower().split()[:6])[:150],
                    standfirst=" ".join(rng.choices(writer.sentences, k=2)),
                    body="".join(f"<p>{p}</p>" for p in paragraphs),
                    section=rng.choice(sections),
                    status=status,
                    published_at=published,
                )
            )
            extras.append(
                (
                    rng.sample(authors, rng.choice([1, 1, 1, 2])),
                    set(rng.choices(tags, weights=tag_weights, k=rng.randint(1, 4))),
                    quotes,
                )
            )
        with transaction.atomic():
            insert(Story, stories)
            insert(
                Byline,
                [
                    Byline(story=story, author=author, position=k)
                    for story, (bylines, _, _) in zip(stories, extras, strict=True)
                    for k, author in enumerate(bylines)
                ],
            )
            insert(
                Story.tags.through,
                [
                    Story.tags.through(story=story, tag=tag)
                    for story, (_, story_tags, _) in zip(stories, extras, strict=True)
                    for tag in story_tags
                ],
            )
            insert(
                Quote,
                [
                    Quote(
                        story=story,
                        source=source,
                        text=text,
                        speaker=source.name,
                        position=k,
                        status=(
                            Quote.Status.CONFIRMED if rng.random() < 0.7 else Quote.Status.SUGGESTED
                        ),
                    )
                    for story, (_, _, quotes) in zip(stories, extras, strict=True)
                    for k, (source, text) in enumerate(quotes)
                ],
            )
        indexer.add(stories[0].pk, stories[-1].pk)
        done += n
        print(f"{done:,} stories in {time.monotonic() - started:.1f}s", flush=True)
    indexer.finish()
    return started


def insert(model, objects):
    """bulk_create, but on PostgreSQL through COPY (several times faster for big batches).

    Values are prepared by the model's own fields, so new fields with defaults just work.
    """
    if connection.vendor != "postgresql":
        model.objects.bulk_create(objects)
        return
    meta = model._meta
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, meta.pk.column, len(objects)],
        )
        for obj, (pk,) in zip(objects, cursor.fetchall(), strict=True):
            obj.pk = pk
        fields = meta.concrete_fields
        columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        sql = f"COPY {connection.ops.quote_name(meta.db_table)} ({columns}) FROM STDIN"
        with cursor.cursor.copy(sql) as copy:
            for obj in objects:
                copy.write_row(
                    [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields]
                )


class TextIndexer:
    """Computes search vectors batch by batch in a second thread (with its own connection),
    so PostgreSQL works on one batch while Python writes the next; GIN index rebuilt once."""

    def __init__(self, started):
        self.started = started
        self.postgresql = connection.vendor == "postgresql"
        self.pool = ThreadPoolExecutor(max_workers=1)
        self.pending = []
        if self.postgresql:
            with connection.cursor() as cursor:
                cursor.execute("DROP INDEX IF EXISTS story_search_vector_idx")
                # Row by row, the triggers would compute each vector on the loader's time (and
                # once more per confirmed quote); batches in a second thread overlap instead.
                self._triggers("DISABLE")

    @staticmethod
    def _triggers(action):
        with connection.cursor() as cursor:
            cursor.execute(f"ALTER TABLE articles_story {action} TRIGGER articles_story_search")
            cursor.execute(f"ALTER TABLE articles_quote {action} TRIGGER articles_quote_search")

    def add(self, first, last):
        if self.postgresql:
            self.pending.append(self.pool.submit(self._update, first, last))

    def _update(self, first, last):
        try:
            with transaction.atomic():
                refresh_search_vectors(Story.objects.filter(pk__gte=first, pk__lte=last))
        finally:
            connection.close()

    def finish(self):
        try:
            for future in self.pending:
                future.result()
        finally:
            self.pool.shutdown()
            if self.postgresql:
                self._triggers("ENABLE")
        if not self.postgresql:
            return
        print(f"search vectors: {time.monotonic() - self.started:.1f}s", flush=True)
        with connection.cursor() as cursor:
            cursor.execute(
                "CREATE INDEX story_search_vector_idx ON articles_story USING gin (search_vector)"
            )
            # Index-only scans need the visibility map; the planner needs statistics.
            cursor.execute("VACUUM ANALYZE")
            # As production should run (README): data on SSD or in memory, not spinning disks.
            name = connection.ops.quote_name(connection.settings_dict["NAME"])
            cursor.execute(f"ALTER DATABASE {name} SET random_page_cost = 1.1")
        print(f"GIN index, vacuum, statistics: {time.monotonic() - self.started:.1f}s", flush=True)


def reset():
    # The lookup tables and counts too: TRUNCATE fires no triggers, so their rows would
    # outlive the quotes, links and stories.
    models = (TagPairCount, SourceListing, FacetListing, ListingCount, Quote, Byline,
              Story.tags.through, Story, Source, Tag, Author, Section)  # fmt: skip
    if connection.vendor == "postgresql":
        tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in models)
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {tables} CASCADE")
        return
    for model in models:
        model.objects.all()._raw_delete(model.objects.db)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stories", type=int, required=True)
    parser.add_argument("--seed", type=int, default=2021)
    parser.add_argument("--reset", action="store_true", help="delete existing content first")
    args = parser.parse_args()
    if Story.objects.exists() or Section.objects.exists():
        if not args.reset:
            sys.exit("The database already has content; pass --reset to replace it.")
        reset()
    try:
        started = build(args.stories, args.seed)
    except BaseException:
        if connection.vendor == "postgresql":
            TextIndexer._triggers("ENABLE")  # never leave the database without them
        raise
    published = Story.objects.published().count()
    print(
        f"Done: {args.stories:,} stories ({published:,} public), "
        f"{Quote.objects.count():,} quotes, in {time.monotonic() - started:.1f}s "
        f"on {connection.vendor}."
    )


if __name__ == "__main__":
    main()
