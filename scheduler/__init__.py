"""The daily question scheduler (APScheduler 3.x)."""
