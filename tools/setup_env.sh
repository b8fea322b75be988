#!/usr/bin/env bash
# Build (once per machine) or reuse the OpenMMLab environment, and expose it at .venv/ in this checkout.
#
# Layout:
#   $MSPN_CACHE_DIR/env-<key>/   the heavy shared environment (torch, mmcv compiled, mmdet, mmpose, ...),
#                                keyed by a hash of the requirements files installed below and of ENV_SCHEMA.
#   $MSPN_CACHE_DIR/wheels/      the compiled mmcv wheels (one for CPU ops, one per CUDA version for CUDA ops),
#                                reused by any later environment.
#   <checkout>/.venv/            a light per-checkout venv that sees the shared site-packages through a
#                                .pth file and holds this checkout's editable install of mspn_plugin, so two
#                                clones on one machine never point at each other's sources.
set -euo pipefail

ENV_SCHEMA=1  # bump when a change here must rebuild the shared environment
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE=${MSPN_CACHE_DIR:-$HOME/.cache/mspn_plugin}
# the Python version, as setup.cfg's python_requires states it (==X.Y.*)
PY_VERSION=$(sed -n 's/^python_requires *= *==\([0-9]*\.[0-9]*\)\.\*$/\1/p' "$ROOT/setup.cfg")
PYTHON=${PYTHON:-python$PY_VERSION}
REQ="$ROOT/requirements"
# The files installed below, in the order hashed into the environment's name (requirements/install.txt states the
# ranges for `pip install` into another environment and is not installed here).
INSTALLED=(build export mmcv nodeps openmmlab runtime source tests torch)

step() { printf '\n==> [setup] %s\n' "$*"; }
fail() { printf '\n!!! [setup] FAILED at step: %s\n' "$CURRENT_STEP" >&2; }
trap fail ERR
run_step() { CURRENT_STEP=$1; step "$1"; }

run_step "checking the base interpreter ($PYTHON)"
command -v "$PYTHON" >/dev/null || { echo "$PYTHON not found; set PYTHON=/path/to/python$PY_VERSION" >&2; false; }
"$PYTHON" -c "import sys; assert '%d.%d' % sys.version_info[:2] == '$PY_VERSION', sys.version"

KEY=$( { echo "$ENV_SCHEMA"; for name in "${INSTALLED[@]}"; do cat "$REQ/$name.txt"; done; } | sha256sum | cut -c1-16)
SHARED="$CACHE/env-$KEY"
WHEELS="$CACHE/wheels"
SPY="$SHARED/bin/python"
mkdir -p "$CACHE" "$WHEELS"
pip_shared() { "$SPY" -m pip install --disable-pip-version-check "$@"; }

build_shared_env() {
  run_step "creating the shared environment $SHARED"
  "$PYTHON" -m venv "$SHARED"
  pip_shared --upgrade pip

  run_step "installing build tools (requirements/build.txt)"
  pip_shared -r "$REQ/build.txt"

  run_step "installing torch + torchvision (requirements/torch.txt; several GB, from the local wheel store)"
  pip_shared -r "$REQ/torch.txt"

  local mmcv_spec mmcv_version torch_version ops ops_name force_cuda wheel_dir
  mmcv_spec=$(grep -E '^mmcv==' "$REQ/mmcv.txt")
  mmcv_version=${mmcv_spec#mmcv==}
  torch_version=$("$SPY" -c 'import torch; print(torch.__version__.split("+")[0])')
  ops=$(bash "$ROOT/tools/mmcv_ops.sh" "$SPY")  # cpu, or cuda<version>
  if [ "$ops" = cpu ]; then
    ops_name="CPU ops" force_cuda=0 wheel_dir="$WHEELS/mmcv-$mmcv_version-torch-$torch_version"
  else
    ops_name="CUDA ops (CUDA ${ops#cuda})" force_cuda=1 wheel_dir="$WHEELS/mmcv-$mmcv_version-torch-$torch_version-$ops"
  fi
  if ls "$wheel_dir"/mmcv-*.whl >/dev/null 2>&1; then
    step "mmcv $mmcv_version with $ops_name: reusing the wheel compiled before"
  else
    run_step "compiling mmcv $mmcv_version with $ops_name against torch $torch_version (CPU ops: about 9 minutes on 2 cores)"
    local src
    src=$(mktemp -d)
    "$SPY" -m pip download --disable-pip-version-check --no-deps --no-build-isolation --no-binary :all: -d "$src" "$mmcv_spec"
    tar -xzf "$src"/mmcv-*.tar.gz -C "$src"
    # torch >= 2.14 headers require C++20; mmcv 2.1.0 hard-codes C++17.
    sed -i 's/-std=c++17/-std=c++20/g' "$src/mmcv-$mmcv_version/setup.py"
    mkdir -p "$wheel_dir.partial"
    (cd "$src/mmcv-$mmcv_version" && MAX_JOBS=${MAX_JOBS:-2} MMCV_WITH_OPS=1 FORCE_CUDA=$force_cuda \
      "$SPY" -m pip wheel --disable-pip-version-check --no-build-isolation --no-deps -w "$wheel_dir.partial" .)
    rm -rf "$wheel_dir" && mv "$wheel_dir.partial" "$wheel_dir"
    rm -rf "$src"
  fi
  run_step "installing mmcv with $ops_name from $wheel_dir"
  pip_shared "$wheel_dir"/mmcv-*.whl

  run_step "installing mmengine, mmdet (requirements/openmmlab.txt)"
  pip_shared -r "$REQ/openmmlab.txt"

  run_step "installing mmpose, openmim without their broken dependencies (requirements/nodeps.txt)"
  pip_shared --no-deps -r "$REQ/nodeps.txt"

  run_step "installing runtime requirements (requirements/runtime.txt)"
  pip_shared -r "$REQ/runtime.txt"

  run_step "building xtcocotools against numpy 2 (requirements/source.txt)"
  pip_shared --no-build-isolation --no-binary xtcocotools -r "$REQ/source.txt"

  run_step "installing ONNX export tools (requirements/export.txt)"
  pip_shared -r "$REQ/export.txt"

  run_step "installing test tools (requirements/tests.txt)"
  pip_shared -r "$REQ/tests.txt"

  run_step "checking the shared environment"
  "$SPY" - <<'PY'
import torch
import mmcv.ops
import mmdet, mmpose, xtcocotools.mask, pycocotools.mask, torchvision, onnx, onnxruntime  # noqa: F401
cuda_ops = mmcv.ops.get_compiling_cuda_version() != 'not available'
for device in ['cpu'] + (['cuda'] if cuda_ops and torch.cuda.is_available() else []):
    boxes = torch.tensor([[0., 0., 10., 10.], [1., 1., 10., 10.]], device=device)
    _, keep = mmcv.ops.nms(boxes, torch.tensor([0.9, 0.8], device=device), 0.5)
    assert keep.tolist() == [0], (device, keep)
print('torch', torch.__version__, '| mmcv', mmcv.__version__,
      f'(CUDA ops, CUDA {mmcv.ops.get_compiling_cuda_version()})' if cuda_ops else '(CPU ops)',
      '| mmdet', mmdet.__version__, '| mmpose', mmpose.__version__)
PY
  touch "$SHARED/.complete"
}

# One build at a time per machine (two clones set up at once wait here instead of racing).
exec 9>"$CACHE/setup.lock"
flock 9

if [ -f "$SHARED/.complete" ]; then
  step "reusing the shared environment $SHARED"
else
  build_shared_env
fi

run_step "creating the per-checkout venv at $ROOT/.venv"
VENV="$ROOT/.venv"
if [ -L "$VENV" ] || { [ -e "$VENV" ] && ! grep -qs "mspn_shared_env" "$VENV/lib/python$PY_VERSION/site-packages/_mspn_shared_env.pth"; }; then
  rm -rf "$VENV"
fi
[ -x "$VENV/bin/python" ] || "$PYTHON" -m venv --without-pip "$VENV"
SITE_SHARED=$("$SPY" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
SITE_LOCAL=$("$VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
# Lines starting with "import" in a .pth file are executed at start-up; addsitedir also runs the shared .pth files.
echo "import site; site.addsitedir('$SITE_SHARED')  # mspn_shared_env" > "$SITE_LOCAL/_mspn_shared_env.pth"

# Console scripts of the shared environment (pytest, mim, torchrun, ...), re-pointed at this venv's python.
for script in "$SHARED"/bin/*; do
  name=$(basename "$script")
  case "$name" in python*|activate*|Activate*) continue ;; esac
  if head -c 200 "$script" 2>/dev/null | head -n 1 | grep -q "^#!$SHARED/bin/python"; then
    { echo "#!$VENV/bin/python"; tail -n +2 "$script"; } > "$VENV/bin/$name"
    chmod +x "$VENV/bin/$name"
  else
    ln -sf "$script" "$VENV/bin/$name"
  fi
done

run_step "installing mspn_plugin (editable) from $ROOT"
"$VENV/bin/python" -m pip install --disable-pip-version-check --quiet --no-deps --no-build-isolation -e "$ROOT"
"$VENV/bin/python" -c "import mspn_plugin, mmcv.ops, mmdet, mmpose, xtcocotools.mask, torchvision
cuda = mmcv.ops.get_compiling_cuda_version()
print('mspn_plugin', mspn_plugin.__version__, 'from', mspn_plugin.__file__, '| mmcv with',
      'CPU ops' if cuda == 'not available' else f'CUDA ops (CUDA {cuda})')"
step "environment ready: $VENV (shared part: $SHARED)"
