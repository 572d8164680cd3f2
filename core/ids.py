"""Bounds of the ids a client may send: primary keys are 64-bit (BigAutoField)."""

ID_MAX = 2**63 - 1
