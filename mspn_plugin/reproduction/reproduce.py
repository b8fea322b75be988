"""A paper table reproduced in one command: each config trained and evaluated in turn through a launcher, then the
report written (``report.json``, ``report.md``, ``report.png`` in the output folder)."""
import json
import os
import os.path as osp
from collections.abc import Callable

from mmengine.config import Config

from ..utils.files import atomic_open, atomic_write_json
from .figure import draw_figure
from .launchers import Launcher
from .report import build_report, report_markdown
from .runs import LaunchError, data_root_options, run_config
from .tables import load_tables, select_rows

__all__ = ['reproduce_tables']


def reproduce_tables(tables_file: str, table_names: list[str], out_dir: str, launcher: Launcher,
                     data_root: str = 'data', rows: list[str] | None = None, options: list[str] | None = None,
                     say: Callable[[str], None] = print) -> dict:
    """Train and evaluate every config of the chosen tables (or ``rows`` of them) of ``tables_file`` with
    ``launcher``, each once even when several rows name it, skipping those done in an earlier invocation into
    ``out_dir``; a failed one is reported and the others still run. ``data_root`` replaces the configs' ``data/``;
    ``options`` (``key=value``) go to every config. Writes the report and returns it, with ``failed``: the run
    names that failed now."""
    tables = load_tables(tables_file)
    chosen = select_rows(tables, table_names, rows, tables_file)
    metric_of: dict[str, str] = {}
    row_of = {}
    for row in chosen:  # one run per config, in the order the rows come
        row_of.setdefault(row.run_name, row)
        metric_of.setdefault(row.run_name, tables[row.table].metric)
    states, statuses, failed = {}, {}, []
    say(f'{len(chosen)} row(s) of {", ".join(table_names)}: {len(row_of)} config(s) to train and evaluate with '
        f'{launcher.describe()}; results in {out_dir}')
    for index, (name, row) in enumerate(row_of.items(), start=1):
        prefix = f'[{index}/{len(row_of)}] {name}'
        config_options = [*data_root_options(Config.fromfile(row.config), data_root), *(options or [])]
        try:
            states[name] = run_config(row, metric_of[name], osp.join(out_dir, 'runs', name), launcher,
                                      config_options, say=lambda message, prefix=prefix: say(f'{prefix}: {message}'))
            statuses[name] = 'done'
        except LaunchError as error:
            say(f'{prefix}: FAILED: {error}')
            failed.append(name)
            statuses[name] = 'failed'
            states[name] = _saved_state(out_dir, name)
    report = build_report(tables, chosen, states, statuses, launcher, data_root)
    write_report(report, out_dir)
    say(f'report: {osp.join(out_dir, "report.md")} (report.json, report.png)'
        + (f'; failed: {", ".join(failed)}' if failed else ''))
    return dict(report, failed=failed)


def _saved_state(out_dir: str, name: str) -> dict:
    path = osp.join(out_dir, 'runs', name, 'state.json')
    if not osp.isfile(path):
        return {}
    with open(path) as f:
        return json.load(f)


def write_report(report: dict, out_dir: str) -> None:
    """``report.json``, ``report.png`` (when a row has GFLOPs) and ``report.md`` in ``out_dir``."""
    os.makedirs(out_dir, exist_ok=True)
    atomic_write_json(report, osp.join(out_dir, 'report.json'))
    figure = 'report.png' if draw_figure(report, osp.join(out_dir, 'report.png')) else None
    with atomic_open(osp.join(out_dir, 'report.md')) as f:
        f.write(report_markdown(report, figure))


