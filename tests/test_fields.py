from __future__ import annotations

import pytest
from cryptography.fernet import Fernet
from django.test import override_settings

from panah.core import fields


def test_encrypt_round_trip_and_ciphertext_hides_value():
    stored = fields.encrypt("Gul Bibi, PoR 12345")

    assert stored.startswith("enc1:")
    assert "Gul" not in stored
    assert fields.decrypt(stored) == "Gul Bibi, PoR 12345"


def test_rotated_keys_still_decrypt_old_values():
    old = Fernet.generate_key().decode()
    new = Fernet.generate_key().decode()
    with override_settings(FIELD_ENCRYPTION_KEYS=[old]):
        stored = fields.encrypt("case note")
    with override_settings(FIELD_ENCRYPTION_KEYS=[new, old]):
        assert fields.decrypt(stored) == "case note"
    with override_settings(FIELD_ENCRYPTION_KEYS=[new]), pytest.raises(ValueError, match="no configured key"):
        fields.decrypt(stored)


def test_blind_index_is_stable_and_normalised_but_not_the_value():
    a = fields.blind_index(" 35202-1234567-1 ", purpose="cnic")
    b = fields.blind_index("35202-1234567-1", purpose="cnic")

    assert a == b
    assert "35202" not in a
    assert fields.blind_index("35202-1234567-1", purpose="phone") != a


@pytest.mark.django_db
def test_held_row_values_are_encrypted_at_rest(make_user):
    from django.db import connection

    from panah.intake.models import HeldRow, ImportBatch

    batch = ImportBatch.objects.create(
        spec_name="registry.households", original_filename="f.csv", sha256="0" * 64, content=b"",
        uploaded_by=make_user(),
    )  # fmt: skip
    HeldRow.objects.create(batch=batch, row_number=2, values={"document_number": "1730112345671", "sex": "m"})

    with connection.cursor() as cursor:
        cursor.execute('SELECT "values" FROM intake_heldrow')
        stored = cursor.fetchone()[0]
    assert stored.startswith("enc1:")
    assert "1730112345671" not in stored
    assert HeldRow.objects.get().values == {"document_number": "1730112345671", "sex": "m"}
