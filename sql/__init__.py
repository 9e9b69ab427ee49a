"""Every SQL statement matterhouse runs, shipped as package data (read through
importlib.resources); this file only makes the folder a package for editable installs."""
