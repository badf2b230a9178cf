#!/usr/bin/env bash
# `make lint`: every check runs, even after one fails, so one run shows all that needs fixing.
set -uo pipefail
cd "$(dirname "$0")/.."

bin=.venv/bin
failed=()

check() {
    local name=$1
    shift
    echo "--- $name"
    if ! "$@"; then
        failed+=("$name")
    fi
}

# Concise output: one line per problem (`ruff check --fix` and `ruff format` fix most of them).
check "ruff check" "$bin/ruff" check --output-format concise .
check "ruff format" "$bin/ruff" format --check --output-format concise .
check "mypy" "$bin/mypy" config src manage.py
# import-linter imports the packages it checks: src/ holds panah, the checkout holds config.
check "import-linter" env PYTHONPATH="src:." "$bin/lint-imports" --no-cache
check "makemigrations --check" "$bin/python" manage.py makemigrations --check --dry-run

if [ ${#failed[@]} -gt 0 ]; then
    echo "make lint: FAILED: ${failed[*]}"
    exit 1
fi
echo "make lint: all checks passed"
