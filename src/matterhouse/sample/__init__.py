"""The bundled sample corpus that `matterhouse run` reads when given no source, shipped as
package data; this file only makes the folder a package for editable installs."""
