"""Scrapy spiders that collect public listings as raw items (see `spiders.items.RawListing`)."""
