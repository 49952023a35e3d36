"""Discrete-event simulator that drives hotline.core: pure Python, no Django."""
