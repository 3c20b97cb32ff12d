"""Jobs and the daily schedule that tie the domains into one pipeline."""
