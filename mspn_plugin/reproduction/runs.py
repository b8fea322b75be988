"""Training and evaluating each config of a reproduction in turn, resumably.

Every config gets a folder ``OUT/runs/<config name>/``: ``work/`` (the training's work dir: checkpoints, logs),
``test/`` (the evaluation's), ``train.log`` and ``test.log`` (the launches' output) and ``state.json`` (what is
done). A config whose metrics are in its state is not run again; a training that was stopped (killed, node lost)
resumes from its last complete checkpoint (``tools/train.py --resume``), its time so far counted up to that
checkpoint.
"""
import glob
import json
import os
import os.path as osp
import shutil
import subprocess
import time
from collections.abc import Callable

from mmengine.config import Config, DictAction

from ..engine.schedule_scaling import fit_schedule
from ..models.utils.complexity import model_complexity
from ..utils.files import atomic_write_json
from ..utils.registry_scope import enter_config_scope
from .launchers import Launcher
from .tables import PaperRow

__all__ = ['LaunchError', 'data_root_options', 'run_config']

DATA_PREFIX = 'data/'  # where the configs expect the data sets (MMPose's layout: data/coco, data/mpii)
LOG_TAIL = 20  # lines of a failed launch's log shown


class LaunchError(RuntimeError):
    """A launch ended with an error; the message names its log."""


def data_root_options(cfg: Config, data_root: str) -> list[str]:
    """``--cfg-options`` that move every data path of ``cfg``'s loaders and evaluators from ``data/`` to
    ``data_root`` (annotation files, image folders, detection files, head boxes). None when it is ``data``."""
    root = data_root.rstrip('/') + '/'
    if osp.normpath(root) == osp.normpath(DATA_PREFIX):
        return []
    options = []

    def visit(value, key: str) -> None:
        if isinstance(value, dict):
            for name, item in value.items():
                visit(item, f'{key}.{name}')
        elif isinstance(value, (list, tuple)):
            for index, item in enumerate(value):
                visit(item, f'{key}.{index}')
        elif isinstance(value, str) and value.startswith(DATA_PREFIX):
            options.append(f'{key}={root}{value[len(DATA_PREFIX):]}')

    for name in ('train_dataloader', 'val_dataloader', 'test_dataloader', 'val_evaluator', 'test_evaluator'):
        if name in cfg:
            visit(cfg[name].get('dataset', cfg[name]) if name.endswith('dataloader') else cfg[name],
                  f'{name}.dataset' if name.endswith('dataloader') else name)
    return options


def _load_state(path: str) -> dict:
    if osp.isfile(path):
        with open(path) as f:
            return json.load(f)
    return {}


def _launch(command: list[str], env: dict, log: str) -> None:
    with open(log, 'a') as out:
        out.write(f'\n$ {" ".join(command)}\n')
        out.flush()
        status = subprocess.call(command, stdout=out, stderr=subprocess.STDOUT, env=env)
    if status:
        with open(log) as f:
            tail = ''.join(f.readlines()[-LOG_TAIL:])
        raise LaunchError(f'{command[1]} ended with exit status {status}; the end of {log}:\n{tail}')


def _checkpoint(work_dir: str) -> str | None:
    """The last complete checkpoint of a training (named by MMEngine's ``last_checkpoint``)."""
    marker = osp.join(work_dir, 'last_checkpoint')
    if not osp.isfile(marker):
        return None
    with open(marker) as f:
        path = f.read().strip()
    return path if osp.isfile(path) else None


def _metrics(test_dir: str, metric: str) -> dict:
    """The metrics MMEngine's logger wrote for the evaluation in ``test_dir`` (``<timestamp>/<timestamp>.json``).

    Every process of a distributed evaluation writes that file, with the same metrics but its own timings; when the
    writes overlap, one whole object comes first and another's tail may follow it: the first object is read."""
    for path in sorted(glob.glob(osp.join(test_dir, '*', '*.json')), reverse=True):
        with open(path) as f:
            text = f.read().strip()
        try:
            values = json.JSONDecoder().raw_decode(text)[0] if text else {}
        except json.JSONDecodeError:
            continue
        if metric in values:
            return values
    raise LaunchError(f'no {metric} in the evaluation logs under {test_dir}')


def _plan(row: PaperRow, launcher: Launcher, options: list[str]) -> dict:
    """What the config trains at this launcher's number of processes, and its size."""
    cfg = Config.fromfile(row.config)
    if options:  # parsed as tools/train.py parses them
        cfg.merge_from_dict({key: DictAction._parse_iterable(value)
                             for key, value in (option.split('=', 1) for option in options)})
    fit_schedule(cfg, launcher.gpus)
    enter_config_scope(cfg)
    complexity = model_complexity(cfg)
    return dict(iterations=cfg.train_cfg.max_iters, batch=launcher.gpus * cfg.train_dataloader.batch_size,
                gflops=round(complexity.inference_gmacs, 3), params_m=round(complexity.params_m, 3),
                test_set=osp.basename(cfg.test_dataloader.dataset.ann_file),
                boxes=osp.basename(cfg.test_dataloader.dataset.get('bbox_file') or '') or 'ground-truth boxes')


def run_config(row: PaperRow, metric: str, run_dir: str, launcher: Launcher, options: list[str],
               say: Callable[[str], None] = print) -> dict:
    """Train ``row.config`` (resuming a stopped training) and evaluate its last checkpoint, unless its state says
    it is done; returns the state (``metrics``, ``train_seconds``, ``iterations``, ``batch``, ``gflops``, ...).
    Raises :class:`LaunchError` when a launch fails (the state keeps what was done)."""
    os.makedirs(run_dir, exist_ok=True)
    state_path = osp.join(run_dir, 'state.json')
    state = _load_state(state_path)
    if state.get('metrics'):
        say(f'done before ({metric} {state["metrics"][metric]}): not run again')
        return state

    def save() -> None:
        atomic_write_json(state, state_path)

    if state.get('processes', launcher.gpus) != launcher.gpus:  # its schedule and checkpoints are for that count
        raise LaunchError(f'{run_dir} was started with {state["processes"]} processes: go on with --gpus '
                          f'{state["processes"]}, or remove the folder to start again with {launcher.gpus}')
    if 'plan' not in state:
        state.update(config=row.config, launcher=launcher.describe(), processes=launcher.gpus, options=options,
                     plan=_plan(row, launcher, options), train_seconds=0.0)
        save()
    plan = state['plan']
    work_dir = osp.join(run_dir, 'work')
    if not state.get('trained'):
        checkpoint = _checkpoint(work_dir)
        if checkpoint and state.get('attempt_started'):  # the stopped attempt's time, up to its last checkpoint
            state['train_seconds'] += max(0.0, osp.getmtime(checkpoint) - state['attempt_started'])
        resume = ['--resume'] if checkpoint else []
        say(f'training {plan["iterations"]} iterations x {plan["batch"]} images with {launcher.describe()}'
            + (f', resuming from {osp.basename(checkpoint)}' if checkpoint else '')
            + f' (log: {osp.join(run_dir, "train.log")})')
        state['attempt_started'] = time.time()
        save()
        _launch(launcher.train_command(row.config, work_dir, [*resume, *_cfg_options(options)]), launcher.env(),
                osp.join(run_dir, 'train.log'))
        state['train_seconds'] += time.time() - state.pop('attempt_started')
        state['trained'] = True
        save()
        say(f'trained in {state["train_seconds"]:.1f} s')
    checkpoint = _checkpoint(work_dir)
    if checkpoint is None:
        raise LaunchError(f'the training in {work_dir} left no checkpoint')
    test_dir = osp.join(run_dir, 'test')
    shutil.rmtree(test_dir, ignore_errors=True)
    say(f'evaluating {osp.basename(checkpoint)} (log: {osp.join(run_dir, "test.log")})')
    start = time.time()
    _launch(launcher.test_command(row.config, checkpoint, test_dir, _cfg_options(options)), launcher.env(),
            osp.join(run_dir, 'test.log'))
    state.update(checkpoint=checkpoint, test_seconds=time.time() - start, metrics=_metrics(test_dir, metric))
    save()
    say(f'{metric} {state["metrics"][metric]}')
    return state


def _cfg_options(options: list[str]) -> list[str]:
    return ['--cfg-options', *options] if options else []
