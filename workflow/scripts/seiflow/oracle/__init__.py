"""Reference calculators (oracles): embedded universal potentials (CHGNet, SevenNet), CP2K and
VASP DFT (:mod:`seiflow.oracle.dft`), their benchmark (:mod:`seiflow.oracle.benchmark`).

:class:`OracleError` lives here so that :mod:`seiflow.oracle.calculators` (which builds every
oracle, the DFT ones through :mod:`seiflow.oracle.dft`) and :mod:`seiflow.oracle.dft` raise the
same error without importing each other.
"""

__all__ = ["OracleError"]


class OracleError(RuntimeError):
    """Raised when an oracle is unknown, cannot be loaded or returns unusable labels."""
