#!/usr/bin/env bash
# Extraction speed side by side with Python trafilatura, in one run (opt-in; not part of CI).
#
#   scripts/bench-extract.sh            set up the trafilatura venv if absent, then run the bench
#
# The venv lives outside the repository: $TRAFILATURA_VENV, default ~/.cache/talkwire/venv-trafilatura
# (the set-up line of ../shared/bench/trafilatura_zyte.py). Extra arguments go to `cargo bench`.
# Quality (F1) is measured separately: ../shared/bench/run_zyte.sh target/release/talkwire
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

DATA=../shared/bench/zyte-article-extraction
if [ ! -f "$DATA/ground-truth.json" ]; then
  echo "bench-extract: Zyte pages not found at $DATA; nothing to measure" >&2
  exit 0
fi

VENV="${TRAFILATURA_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/talkwire/venv-trafilatura}"
PY="$VENV/bin/python"
if ! "$PY" -c 'import trafilatura, sys; sys.exit(trafilatura.__version__ != "2.3.1")' 2>/dev/null; then
  echo "bench-extract: setting up trafilatura 2.3.1 in $VENV" >&2
  mkdir -p "$(dirname "$VENV")"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet trafilatura==2.3.1 lxml_html_clean
fi

TRAFILATURA_PYTHON="$PY" exec cargo bench --bench extract "$@"
