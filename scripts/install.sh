#!/usr/bin/env bash
# Set up corpus on a fresh machine (Python 3.11, pip, gcc).
#   bash scripts/install.sh          the pipeline
#   bash scripts/install.sh --dev    the pipeline, the test tools and headless Chromium
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}

# torch first, as the CPU build: a bare torch requirement would pull CUDA wheels
"$PY" -m pip install --quiet torch==2.13.0
if [[ "${1:-}" == "--dev" ]]; then
    "$PY" -m pip install --quiet -e '.[dev]'
    bash .ci/install-browser.sh
    "$PY" -m ipykernel install --user --name python3 >/dev/null
else
    "$PY" -m pip install --quiet -e .
fi
