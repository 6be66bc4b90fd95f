"""Bundled resources: fonts, country outlines and the sample workspace.

This folder is installed as the package ``desktop._resources`` (see ``setup.py``); the app
reads it only through :func:`desktop.resources.resource_path`.
"""
