"""Structure builders: bulk phases, surfaces, terminations, interface cells, glasses, slabs.

Named ``builders`` rather than ``build``: a folder called ``build/`` is ignored by many global
gitignore templates and by tools that take it for build output.
"""
