"""seiflow: pure, importable functions behind the SEI-formation Snakemake workflow.

Rule scripts in ``workflow/scripts/*.py`` read the ``snakemake`` object and call
functions from this package; tests import the package directly.
"""

__version__ = "0.1.0"
