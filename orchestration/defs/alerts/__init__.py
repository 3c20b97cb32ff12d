"""Run-failure alerts by e-mail (SMTP) or webhook."""
