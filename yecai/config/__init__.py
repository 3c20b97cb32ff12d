"""A company's configuration: ``sources.yml`` (schema, loading, errors) and the source registry.

yecai is the product; a company, the demo included, is configuration in its home folder:
``sources.yml``, ``contracts/<source>/<entity>.yml`` and its own dbt project ``dbt/``
(docs/onboarding.md, docs/decisions/company-configuration-layout.md).
"""

from yecai.config.load import is_configured, load_company, not_configured, parse_company
from yecai.config.schema import CompanyConfig

__all__ = ["CompanyConfig", "is_configured", "load_company", "not_configured", "parse_company"]
