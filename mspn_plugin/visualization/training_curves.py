"""Training curves from MMEngine work directories: losses (total, per stage, per stage and scale), learning rate and
validation metrics over iterations, several runs overlaid, drawn into PNG files."""
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from matplotlib import colormaps
from matplotlib.figure import Figure

from ..utils.errors import InputError

# logged by MMEngine for every record: bookkeeping, not curves
BOOKKEEPING = {'step', 'iter', 'epoch', 'time', 'data_time', 'memory'}
SCALE_LOSS = re.compile(r'^stage(\d+)_scale(\d+)_l2$')


@dataclass
class RunScalars:
    """One training's logged scalars: ``train[key]`` and ``val[key]`` map an iteration to a value."""

    label: str
    train: dict[str, dict[int, float]] = field(default_factory=dict)
    val: dict[str, dict[int, float]] = field(default_factory=dict)


def scalar_files(work_dir: str | Path) -> list[Path]:
    """The ``vis_data/scalars.json`` files of a work directory, oldest run first (MMEngine names each run's folder by
    its start time); a path to a ``scalars.json`` itself is returned as it is."""
    path = Path(work_dir)
    if path.is_file():
        return [path]
    files = sorted(path.glob('*/vis_data/scalars.json'))
    if not files:
        raise InputError(f'{path}: no */vis_data/scalars.json (not an MMEngine work directory, or nothing logged '
                         'yet)')
    return files


def read_run(work_dir: str | Path, label: str | None = None) -> RunScalars:
    """Every scalar logged in ``work_dir`` (:func:`scalar_files`), its runs joined in time order: a resumed training
    continues its curves, and a later record of an iteration replaces an earlier one. Training records are those with
    a learning rate or a loss; the others are validation records (logged at the iteration they were measured at)."""
    run = RunScalars(label or Path(work_dir).name)
    for path in scalar_files(work_dir):
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                step = int(record['step'])
            except (ValueError, KeyError, TypeError) as error:
                raise InputError(f'{path}: line {number} is not a scalar record with a step ({error})') from None
            training = any(_is_lr(key) or key.startswith('loss') for key in record)
            curves = run.train if training else run.val
            for key, value in record.items():
                if key not in BOOKKEEPING and isinstance(value, int | float):
                    curves.setdefault(key, {})[step] = float(value)
    return run


def plot_training_curves(runs: list[RunScalars], out_dir: str | Path) -> list[Path]:
    """Draw ``runs`` overlaid (one colour per run) into ``out_dir``: ``losses.png`` (total, per stage and the other
    training values such as ``acc_pose``), ``scale_losses.png`` (one panel per stage and scale, coarsest scale
    first), ``learning_rate.png`` and ``validation.png`` (one panel per metric, in the order logged); a figure
    without any curve is not written. Losses spanning more than a factor of 10 get a logarithmic axis. Returns the
    paths written."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    train_keys = sorted({key for run in runs for key in run.train}, key=_loss_order)
    scale_keys = [key for key in train_keys if SCALE_LOSS.match(key)]
    figures = {
        'losses.png': ([[key for key in train_keys if not _is_lr(key) and key not in scale_keys]], 'train', True),
        'scale_losses.png': (_stage_by_scale(scale_keys), 'train', True),
        'learning_rate.png': ([[key for key in train_keys if _is_lr(key)]], 'train', False),
        'validation.png': (_rows(list(dict.fromkeys(key for run in runs for key in run.val)), 4), 'val', False),
    }
    colours = colormaps['tab10'].colors
    written = []
    for name, (layout, source, log_scale) in figures.items():
        layout = [row for row in layout if row]
        if not layout:
            continue
        cols = max(len(row) for row in layout)
        figure = Figure(figsize=(4.2 * cols, 3.0 * len(layout) + 0.4))
        axes = figure.subplots(len(layout), cols, squeeze=False)
        for r, row in enumerate(layout):
            for c in range(cols):
                axis = axes[r][c]
                if c >= len(row):
                    axis.set_axis_off()
                    continue
                for index, run in enumerate(runs):
                    curve = getattr(run, source).get(row[c])
                    if curve:
                        steps = sorted(curve)
                        values = np.array([curve[s] for s in steps])
                        axis.plot(steps, values, color=colours[index % len(colours)], label=run.label,
                                  marker='o' if source == 'val' else None, markersize=3)
                values = [v for run in runs for v in getattr(run, source).get(row[c], {}).values()]
                if log_scale and values and min(values) > 0 and max(values) >= 10 * min(values):
                    axis.set_yscale('log')
                axis.set_title(row[c], fontsize=9)
                axis.set_xlabel('iteration', fontsize=8)
                axis.tick_params(labelsize=7)
                axis.grid(alpha=0.3)
        handles, labels = axes[0][0].get_legend_handles_labels()
        figure.legend(handles, labels, loc='upper center', ncol=min(len(runs), 4), fontsize=8,
                      bbox_to_anchor=(0.5, 1.0))
        figure.tight_layout(rect=(0, 0, 1, 1 - 0.35 / figure.get_figheight()))
        path = out / name
        figure.savefig(path, dpi=100)
        written.append(path)
    return written


def _is_lr(key: str) -> bool:
    # MMEngine logs 'lr' (and 'base_lr'), prefixed by the optimiser's name when a model has several
    return key.split('.')[-1] in ('lr', 'base_lr')


def _loss_order(key: str) -> tuple:
    # the total first, then per-stage losses in stage order, then the rest alphabetically
    return (key != 'loss', not key.startswith('loss'), [int(n) if n.isdigit() else n for n in re.split(r'(\d+)', key)])


def _stage_by_scale(keys: list[str]) -> list[list[str]]:
    cells = {tuple(int(n) for n in SCALE_LOSS.match(key).groups()): key for key in keys}
    stages = sorted({stage for stage, _ in cells})
    return [[cells[stage, scale] for scale in sorted(s for t, s in cells if t == stage)] for stage in stages]


def _rows(keys: list[str], width: int) -> list[list[str]]:
    return [keys[i:i + width] for i in range(0, len(keys), width)]
