"""The complaints and feedback API."""

from ninja import Router

router = Router()
