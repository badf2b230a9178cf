"""Writes to the geography: the reference load, COD imports and sites. Every public function is atomic."""

from panah.geo.services.cod import CodImportReport, cod_import
from panah.geo.services.reference import LoadReport, reference_load
from panah.geo.services.sites import site_create, site_update

__all__ = ["CodImportReport", "LoadReport", "cod_import", "reference_load", "site_create", "site_update"]
