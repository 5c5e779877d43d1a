"""Screening pages (排查), split by sub-domain: campaigns, findings, measurements."""
