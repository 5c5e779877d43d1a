"""Enforcement cases (案件). For now: legal periods (法定期间), see deadlines.py."""
