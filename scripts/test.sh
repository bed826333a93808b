#!/usr/bin/env bash
# Install everything the test suite needs, then run it. The README's test command; .ci/run runs it too.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e '.[test]'
if [ -f scripts/setup-browser.sh ]; then bash scripts/setup-browser.sh; fi
set +e
.venv/bin/python -m pytest -q "$@"
code=$?
set -e
# pytest exits 5 when it collected no tests: that is not a failure of the suite.
if [ "$code" -eq 5 ]; then echo "no tests collected"; exit 0; fi
exit "$code"
