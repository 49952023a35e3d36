"""Hotline: an operations platform for after-sales service call centres."""

__version__ = "0.1.0"
