"""Scrapy settings for microintern. Each change from Scrapy's defaults says why."""

import os

BOT_NAME = "microintern"
SPIDER_MODULES = ["spiders"]
NEWSPIDER_MODULE = "spiders"

# Identify ourselves, with a page that says who we are and how to reach us.
CONTACT_URL = os.environ.get(
    "MICROINTERN_CONTACT_URL", "https://github.com/microintern/microintern"
)
USER_AGENT = f"microintern/0.1 (+{CONTACT_URL})"

# Politeness: obey robots.txt, one request at a time per site, and let AutoThrottle slow down
# further when a server answers slowly.
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 8
CONCURRENT_REQUESTS_PER_DOMAIN = 1
DOWNLOAD_DELAY = 1.0
# No random jitter (Scrapy's default is +-50%): the delay is a floor, and a jitter both goes
# below it (down to half) and, redrawn each time the slot wakes up, stretches the mean gap to
# ~1.2x the delay, a fifth of a night spent waiting for nothing.
DOWNLOAD_DELAY_JITTER = 0
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0

# Fail fast on a stuck server and refuse huge bodies (defaults: 180 s and 1 GiB).
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 16 * 1024 * 1024
DOWNLOAD_WARNSIZE = 4 * 1024 * 1024
RETRY_TIMES = 2  # default 2, stated so a change is deliberate

# Scrapy ignores robots.txt Crawl-delay and Retry-After, and 2.19 checks robots.txt for only the
# first of the requests made while it loads: spiders/politeness.py honours all three.
DOWNLOADER_MIDDLEWARES = {
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "spiders.politeness.RetryAfterMiddleware": 550,
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "spiders.politeness.RobotsTxtForEveryRequest": 100,  # Scrapy's own place
    "spiders.boards.BoardDownloaderStats": 851,  # beside DownloaderStats (850): per board
    "spiders.boards.BoardProgress": 1,  # first: sees every request leave the scheduler
}
# Per-board accounting (spiders/boards.py), so one process can crawl many sources' boards.
SPIDER_MIDDLEWARES = {
    "scrapy.spidermiddlewares.httperror.HttpErrorMiddleware": None,
    "spiders.boards.BoardHttpError": 50,
}
CRAWL_DELAY_MAX = 60  # seconds; a longer Crawl-delay is capped
RETRY_AFTER_MAX = 300  # seconds; a longer Retry-After gives up on the request

# Conditional requests: keep responses and revalidate them (If-None-Match / If-Modified-Since),
# so an unchanged board costs a 304. RFC 2616 policy instead of the default "always cached";
# `no-cache` responses are still revalidated rather than downloaded in full.
HTTPCACHE_ENABLED = True
HTTPCACHE_POLICY = "scrapy.extensions.httpcache.RFC2616Policy"
HTTPCACHE_IGNORE_RESPONSE_CACHE_CONTROLS = ["no-cache"]
HTTPCACHE_DIR = os.environ.get("MICROINTERN_CACHE_DIR", "httpcache")  # relative: under .scrapy/

# Nothing listens for remote commands: the telnet console and 2.19's remote control are off.
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False

# Start URLs may come from configuration: never read local files or data: URLs.
DOWNLOAD_HANDLERS = {"file": None, "data": None}

# Each crawl's raw items land in a dated JSON-lines file that is kept, so the database can be
# rebuilt from captures: <MICROINTERN_RAW_DIR>/<spider>/<run_id>.jsonl (spider attributes).
MICROINTERN_RAW_DIR = os.environ.get("MICROINTERN_RAW_DIR", "data/raw")
FEEDS = {
    "%(raw_dir)s/%(name)s/%(run_id)s.jsonl": {
        "format": "jsonlines",
        "encoding": "utf8",
        "overwrite": True,
    },
}
FEED_EXPORT_ENCODING = "utf-8"

EXTENSIONS = {
    "spiders.extensions.StatsFile": 500,
    "spiders.politeness.CrawlDelay": 510,  # after AutoThrottle (0), so its floor wins
    "spiders.boards.BoardCaptures": 520,  # only with MICROINTERN_BOARD_CAPTURES
    "spiders.extensions.QuickExit": 530,  # a crawl's process exits without a last full GC
}

LOG_LEVEL = os.environ.get("MICROINTERN_LOG_LEVEL", "INFO")
