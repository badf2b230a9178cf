import csv
import io

import pytest
from django.core.management import CommandError, call_command

from panah.registry.linkage import COLUMNS
from panah.registry.tests.linkage_lists import SAME_PEOPLE, records


def _write(path, rows, header=COLUMNS):
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


def _read(path):
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture
def partner_list(tmp_path):
    path = tmp_path / "partner.csv"
    records().drop(columns=["document_type"]).to_csv(path, index=False)
    return path


def test_command_writes_one_cluster_per_person(partner_list, tmp_path):
    output = tmp_path / "clusters.csv"
    stdout = io.StringIO()

    call_command("registry_link", str(partner_list), str(output), stdout=stdout)

    rows = _read(output)
    assert list(rows[0]) == ["record_id", "cluster_id", "match_probability"]
    assert [row["record_id"] for row in rows] == records()["record_id"].tolist()
    by_cluster: dict[str, set[str]] = {}
    for row in rows:
        by_cluster.setdefault(row["cluster_id"], set()).add(row["record_id"])
    assert [group for group in by_cluster.values() if len(group) > 1] == SAME_PEOPLE
    singles = {row["record_id"]: row for row in rows if row["record_id"] in {"a5", "t1", "t2", "t3", "t4", "c1"}}
    assert {(row["cluster_id"], row["match_probability"]) for row in singles.values()} == {
        (record_id, "") for record_id in singles
    }
    assert "20 records, 5 people registered more than once (10 records)" in stdout.getvalue()
    assert "Yousaf" not in stdout.getvalue()


def test_command_thresholds_change_the_decisions(partner_list, tmp_path):
    output = tmp_path / "clusters.csv"

    call_command("registry_link", str(partner_list), str(output), "--upper", "1.0", "--lower", "0.5")

    linked = {row["record_id"] for row in _read(output) if row["cluster_id"] != row["record_id"]}
    assert linked == {"b1"}  # only the shared CNIC is certain


def test_command_needs_lower_at_most_upper(partner_list, tmp_path):
    with pytest.raises(CommandError, match="--lower must not exceed --upper"):
        call_command("registry_link", str(partner_list), str(tmp_path / "o.csv"), "--upper", "0.4", "--lower", "0.6")

    assert not (tmp_path / "o.csv").exists()


def test_command_names_a_missing_column(tmp_path):
    path = tmp_path / "partner.csv"
    _write(path, [["r1", "Imran"]], header=["record_id", "given_name"])

    with pytest.raises(CommandError, match=r"^missing column\(s\): family_name, father_name, sex, date_of_birth"):
        call_command("registry_link", str(path), str(tmp_path / "o.csv"))


def _row(record_id, given="Imran"):
    values = dict.fromkeys(COLUMNS, "")
    values.update(record_id=record_id, given_name=given)
    return [values[column] for column in COLUMNS]


@pytest.mark.parametrize(
    ("ids", "message"),
    [
        (["r1", "r2", "r1"], "duplicate record_id on row 4 (first on row 2)"),
        (["r1", "", "r3"], "empty record_id on row 3"),
    ],
)
def test_command_names_the_row_of_a_bad_record_id(tmp_path, ids, message):
    path = tmp_path / "partner.csv"
    _write(path, [_row(record_id, given="Secret Name") for record_id in ids])

    with pytest.raises(CommandError) as raised:
        call_command("registry_link", str(path), str(tmp_path / "o.csv"))

    assert str(raised.value) == message
    assert not (tmp_path / "o.csv").exists()


def test_command_refuses_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match=r"cannot read nowhere\.csv: no such file"):
        call_command("registry_link", str(tmp_path / "nowhere.csv"), str(tmp_path / "o.csv"))


def test_command_refuses_a_file_that_is_not_text(tmp_path):
    path = tmp_path / "partner.csv"
    path.write_bytes(b"\xff\xfe\x00\x81binary")

    with pytest.raises(CommandError, match=r"cannot read partner\.csv: it is not UTF-8 text"):
        call_command("registry_link", str(path), str(tmp_path / "o.csv"))


def test_command_refuses_an_empty_file(tmp_path):
    path = tmp_path / "partner.csv"
    path.write_text("", encoding="utf-8")

    with pytest.raises(CommandError, match=r"partner\.csv is empty"):
        call_command("registry_link", str(path), str(tmp_path / "o.csv"))


def test_command_accepts_a_header_only_list(tmp_path):
    path = tmp_path / "partner.csv"
    _write(path, [])
    output = tmp_path / "o.csv"

    call_command("registry_link", str(path), str(output), stdout=io.StringIO())

    assert output.read_text(encoding="utf-8").splitlines() == ["record_id,cluster_id,match_probability"]
