"""Normalization, tagging, dedupe and storage of raw listings; the `microintern` CLI."""
