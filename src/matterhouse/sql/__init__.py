"""Every SQL statement matterhouse runs, shipped as package data (found through the
package's location); this file only makes the folder a package for editable installs."""
