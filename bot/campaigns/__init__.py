"""Campaigns: consultations written by facilitators as YAML (campaigns/*.yml), run as a
deterministic survey flow, stored only as aggregate counters, and published in numbered
releases (releases), with small-cell suppression and cell-key perturbation (results,
perturbation), as text, CSV, JSON, charts or a web page (report). A form written in
XLSForm becomes a campaign file with `campaigns import` (xlsform)."""
