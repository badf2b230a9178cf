"""Every stored field of every Panah model carries a data classification; nothing is stored unclassified."""

from __future__ import annotations

from django.apps import apps

from panah.core.classification import Sensitivity, classification_of


def _panah_models():
    return [m for m in apps.get_models() if m.__module__.startswith("panah.")]


def test_every_concrete_field_is_classified():
    unclassified = [
        f"{model._meta.label}.{field.name}"
        for model in _panah_models()
        for field in model._meta.local_concrete_fields
        if classification_of(model, field.name) is None
    ]

    assert unclassified == []


def test_classifications_name_real_fields():
    stale = [
        f"{model._meta.label}.{name}"
        for model in _panah_models()
        for name in getattr(model, "data_classification", {})
        if name not in {f.name for f in model._meta.concrete_fields}
    ]

    assert stale == []


def test_secrets_are_classified_sensitive():
    from panah.accounts.models import ApiToken, User

    assert classification_of(User, "password") is Sensitivity.SENSITIVE
    assert classification_of(ApiToken, "key_hash") is Sensitivity.SENSITIVE
