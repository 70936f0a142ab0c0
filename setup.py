"""Packaging glue: ship the top-level rules/ and templates/ folders inside the package.

Metadata lives in pyproject.toml. The rule YAML and the jinja2 templates sit at the top of the
repo, where contributors look for them; installed, they become migrate/rules and
migrate/templates (see migrate/resources.py, which finds them in both layouts).
"""
from setuptools import find_packages, setup

setup(
    packages=find_packages(include=["migrate", "migrate.*"]) + ["migrate.rules", "migrate.templates"],
    package_dir={"migrate.rules": "rules", "migrate.templates": "templates"},
    package_data={
        "migrate": ["data/**/*"],
        "migrate.rules": ["**/*.yaml"],
        "migrate.templates": ["**/*"],
    },
)
