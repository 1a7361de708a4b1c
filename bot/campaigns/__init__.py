"""Campaigns: consultations written by facilitators as YAML (campaigns/*.yml), run as a
deterministic survey flow, stored only as aggregate counters, and published with
small-cell suppression."""
