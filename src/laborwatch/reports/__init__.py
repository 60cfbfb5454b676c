"""Report rendering: the daily enterprise early-warning report (HTML and Word)."""
