"""Quality gates as asset checks, the publish step and the scorecard report."""
