"""Package layout that pyproject.toml cannot say: the top-level resources/ folder ships as
the package ``desktop._resources`` (its data files are listed in pyproject.toml's
``[tool.setuptools.package-data]``). Everything else is configured in pyproject.toml."""

from setuptools import find_namespace_packages, setup

setup(
    packages=[*find_namespace_packages(include=["desktop", "desktop.*"]), "desktop._resources"],
    package_dir={"desktop._resources": "resources"},
)
