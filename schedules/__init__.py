"""The nightly scheduler: `microintern schedule` (schedules/config.py, scheduler.py,
nightly.py) and `microintern runs`."""
