"""The rule core: pure Python, no Django (a test enforces it), no clock reads.

Everything here takes `now` as a parameter so that the live system, the tests and the
simulator run the very same decisions.
"""
