"""Donation appeals at work: which appeal a page shows (selection), what readers did
(events), appeals read from imported stories (imports)."""
