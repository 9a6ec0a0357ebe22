#!/usr/bin/env bash
# GPU check (issue 21): embedding texts/s in float32 and half precision, top-10 neighbour
# agreement of half with float32, and one analysis of 100,000 units; writes
# evaluation/reports/gpu.md and .json. Under 10 minutes on one NVIDIA GPU.
#
#   evaluation/gpu_check.sh                          # device auto, sizes 10000,100000
#   evaluation/gpu_check.sh --device cpu --sizes 1000   # the CPU test of the script itself
#
# Every other option goes to `python -m evaluation.gpu_check` (see --help there).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-.venv/bin/python}"
[ -x "$PYTHON" ] || PYTHON=python3
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
export NUMBA_CACHE_DIR="${NUMBA_CACHE_DIR:-$PWD/data/numba-cache}"
if command -v nvidia-smi >/dev/null 2>&1; then
  nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader || true
fi
exec timeout "${GPU_CHECK_TIMEOUT:-590}" "$PYTHON" -m evaluation.gpu_check "$@"
