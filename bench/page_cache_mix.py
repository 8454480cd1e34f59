"""A working newsroom's page cache: 65 reader URLs, with and without a colleague saving a draft.

`mix_urls(env)` lists every demo story, the front page, every section, tag and author page,
listing and feed pages. `wrk_mix` loads them in turn from one wrk script that also counts the
page cache's answers (the X-Cache header), and `saving_drafts` runs a bounded background loop
that saves a draft story every second the way the admin does (the story, its revision), so
`bench/pages.py` can show the hit rate and throughput before and while it runs.
"""

import re
import subprocess
import tempfile
from contextlib import contextmanager
from pathlib import Path

from bench.harness import PYTHON, ROOT

SETTINGS = {"DJANGO_SETTINGS_MODULE": "newsroom.settings"}

MIX_SIZE = 65

LIST_URLS = """
import django, json
django.setup()
from articles.models import Author, Section, Story, Tag
urls = [story.get_absolute_url() for story in Story.objects.published()]
urls += ["/", "/stories/", "/stories/?ordering=oldest", "/stories/?q=putin", "/corrections/",
         "/feed/", "/sitemap.xml", "/news-sitemap.xml", "/robots.txt"]
urls += [s.get_absolute_url() for s in Section.objects.all()]
urls += [f"/stories/?section={s.slug}" for s in Section.objects.all()]
urls += [a.get_absolute_url() for a in Author.objects.all()]
urls += [t.get_absolute_url() for t in Tag.objects.all()]
print(json.dumps(urls))
"""

SAVE_DRAFTS = """
import django, sys, time
django.setup()
from articles.editorial.workflow import record_save
from articles.models import Section, Story
story, _ = Story.objects.get_or_create(
    slug="bench-draft-in-progress",
    defaults={"headline": "A draft in progress", "section": Section.objects.first()},
)
deadline = time.monotonic() + float(sys.argv[1])
n = 0
while time.monotonic() < deadline:
    n += 1
    story.refresh_from_db()
    story.body = f"<p>Take {n} of a story being written, saved every second.</p>"
    story.save()
    record_save(story, None, from_status=story.status)
    time.sleep(1)
print(n)
"""

# wrk: the paths in turn; each thread counts X-Cache hits and answers, summed when done.
WRK_SCRIPT = """
local threads = {}
function setup(thread)
  table.insert(threads, thread)
end
local paths = {%(paths)s}
local i = 0
hits, answers = 0, 0  -- globals: done() reads them from each thread with thread:get
request = function()
  i = i %% #paths + 1
  return wrk.format(nil, paths[i])
end
response = function(status, headers, body)
  answers = answers + 1
  if headers["X-Cache"] == "hit" then hits = hits + 1 end
end
done = function(summary, latency, requests)
  local total_hits, total_answers = 0, 0
  for _, thread in ipairs(threads) do
    total_hits = total_hits + thread:get("hits")
    total_answers = total_answers + thread:get("answers")
  end
  io.write(string.format("cache hits: %%d of %%d\\n", total_hits, total_answers))
end
"""


def mix_urls(env):
    import json

    output = subprocess.run(
        [PYTHON, "-c", LIST_URLS],
        cwd=ROOT,
        env=env | SETTINGS,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    urls = json.loads(output)
    return (urls * 2)[:MIX_SIZE] if len(urls) < MIX_SIZE else urls[:MIX_SIZE]


def write_script(urls):
    paths = ", ".join(f'"{url}"' for url in urls)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(WRK_SCRIPT % {"paths": paths})
    return Path(handle.name)


def wrk_mix(base, script, seconds=4, connections=16):
    """(requests per second, page cache hit rate) for one run over the mix."""
    command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "-s", str(script), base + "/"]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if bad:
        raise RuntimeError(f"{bad.group(1)} error responses in the mix\n{output}")
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    hits, answers = map(int, re.search(r"cache hits: (\d+) of (\d+)", output).groups())
    return rps, hits / answers if answers else 0.0


@contextmanager
def saving_drafts(env, seconds):
    """A colleague saving a draft every second, for at most `seconds`."""
    process = subprocess.Popen(
        [PYTHON, "-c", SAVE_DRAFTS, str(seconds)], cwd=ROOT, env=env | SETTINGS,
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        yield process
    finally:
        process.terminate()
        process.wait(timeout=10)
