"""The nightly scheduler: `microintern schedule` (schedules/nightly.py) and `microintern runs`."""
