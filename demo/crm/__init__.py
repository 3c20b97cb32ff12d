"""The demo company's CRM: its own SQLite store, a generator, and a real HTTP JSON API.

- ``generate.generate_crm`` fills the store from the demo World (with injected defects).
- ``advance.advance_crm`` moves the CRM forward in time (adds, changes, soft-deletes).
- ``server.start_crm_server`` / ``server.serve`` expose the store over HTTP.
"""
