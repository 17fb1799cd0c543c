#!/usr/bin/env bash
# The wheels bench/gpu_check.py needs on the GPU machine, which has torch, transformers (5.17),
# accelerate, peft and most of the scientific stack but not trl, bitsandbytes, datasets or
# pydantic, and no network. Versions are the ones installed here (the CPU test suite ran with
# them), for CPython 3.12 on x86_64 Linux (the GPU machine's python3).
#
#   bash bench/prepare_gpu_wheels.sh            # -> .whl/ (git-ignored); prints the total size
#   bash bench/prepare_gpu_wheels.sh --no-transformers   # keep the machine's own transformers/peft
#
# The working tree plus everything carried must stay under 64 MiB; the script stops if it does not.
# On the GPU machine (docs/benchmarks.md, "GPU check"):
#   python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade \
#       --target /tmp/site .whl/*.whl && export PYTHONPATH=/tmp/site:$PWD
set -euo pipefail
cd "$(dirname "$0")/.."
WITH_TRANSFORMERS=1
[[ "${1:-}" == "--no-transformers" ]] && WITH_TRANSFORMERS=0
PY=${PYTHON:-python}

# Installed here, missing there (or at another version there); pure-Python except bitsandbytes
# and pydantic-core.
NAMES=(trl bitsandbytes datasets dill multiprocess pydantic pydantic-core annotated-types typing-inspection)
# transformers 5.24 / peft 0.21 as tested here (the machine has transformers 5.17, peft unknown).
[[ $WITH_TRANSFORMERS == 1 ]] && NAMES+=(transformers peft)

PINS=()
for name in "${NAMES[@]}"; do
    version=$("$PY" -c "import importlib.metadata as m, sys; print(m.version(sys.argv[1]))" "$name")
    PINS+=("$name==$version")
done

rm -rf .whl && mkdir -p .whl
"$PY" -m pip download -q --no-deps --only-binary=:all: --python-version 3.12 --implementation cp \
    --platform manylinux_2_28_x86_64 --platform manylinux_2_27_x86_64 --platform manylinux_2_24_x86_64 \
    --platform manylinux_2_17_x86_64 --platform manylinux2014_x86_64 --platform manylinux1_x86_64 \
    --platform any -d .whl "${PINS[@]}"

wheels=$(du -sb .whl | cut -f1)
tree=$(git ls-files -z --cached --others --exclude-standard | xargs -0 du -cb 2>/dev/null | tail -1 | cut -f1)
total=$((wheels + tree))
ls -l .whl | awk 'NR>1 {printf "  %8.1f MB  %s\n", $5/1e6, $9}'
printf 'wheels %.1f MiB + working tree %.1f MiB = %.1f MiB (limit 64)\n' \
    "$(echo "$wheels/1048576" | bc -l)" "$(echo "$tree/1048576" | bc -l)" "$(echo "$total/1048576" | bc -l)"
if (( total > 64 * 1048576 )); then
    echo "too large to carry: run with --no-transformers" >&2
    exit 1
fi
