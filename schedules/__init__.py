"""Scheduling of the nightly crawl (APScheduler). Until it lands, run `microintern crawl` from
cron; the scheduler will call the same `pipeline.crawl.crawl` function."""
