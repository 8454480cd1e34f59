"""Page heads remembered in the app process for a moment, for the questions open pages repeat.

A live blog's open pages ask every 25 s whether anything is new: with 1,000 readers on one
story that is 40 conditional requests a second for one URL, each a round trip to the shared
cache for the page's head (pages.py). For PAGE_HEAD_MEMO_SECONDS (1 s) after a process read a
head, it answers further conditional requests for that page from its own memory.

A change made in this process forgets every remembered head at once (surfaces.publish, before
and after its commit); a change made in another process is seen here at most
PAGE_HEAD_MEMO_SECONDS later, well inside one poll interval. Only conditional requests use
the memo: a request for the page itself is always checked against the shared cache.
"""

import time

from django.conf import settings

LIMIT = 1000  # heads kept at most; past it the memo starts again empty

_heads = {}  # page key -> (head, CHANGES marker, when it was read: time.time())


def recall(page_key):
    """(head, marker) read within the last PAGE_HEAD_MEMO_SECONDS, or None."""
    entry = _heads.get(page_key)
    if entry is None:
        return None
    head, marker, read_at = entry
    # A clock set back (a test travelling in time) must not stretch the moment either.
    if not read_at <= time.time() < read_at + settings.PAGE_HEAD_MEMO_SECONDS:
        _heads.pop(page_key, None)
        return None
    return head, marker


def remember(page_key, head, marker):
    if head is None or settings.PAGE_HEAD_MEMO_SECONDS <= 0:
        return
    if len(_heads) >= LIMIT:
        _heads.clear()
    _heads[page_key] = (head, marker, time.time())


def forget():
    """Something readers can see changed: no remembered head is to be trusted."""
    _heads.clear()
