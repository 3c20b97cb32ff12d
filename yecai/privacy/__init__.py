"""Privacy: what is sensitive (classes, tags, detector), who sees what (roles, masking policy),
keys and encryption at rest, redaction of values and secrets, the audit log and file modes.

Every stage imports from here; nothing here imports a stage. See docs/security.md.
"""
