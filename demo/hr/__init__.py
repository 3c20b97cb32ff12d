"""The demo company's HR system exports: monthly CSV (GBK, UTF-8 with BOM) and XLSX files.

``exports.write_hr_exports`` writes them into the HR drop folder. Headers: README.md.
"""
