"""Production settings plus the floor pages of bench/floor_urls.py, for bench/pages.py only."""

from newsroom.settings import *  # noqa: F403

ROOT_URLCONF = "bench.floor_urls"
