"""Configuration: every check behind one :func:`check_config`, settings resolution, job
sizes (``config/resources.yaml``) and the figure index (``workflow/figure_index.yaml``).

``from seiflow.config import check_config`` loads the checks lazily, so that importing the
light modules of this package (``job_resources``, ``settings``) stays cheap.
"""

__all__ = ["check_config"]


def __getattr__(name):
    if name == "check_config":
        from seiflow.config.checks import check_config

        return check_config
    raise AttributeError(name)
