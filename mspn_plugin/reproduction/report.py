"""The reproduction report: per table and row the published figure, the measured one, their difference, the
model's size and the training's cost, as JSON (the data) and Markdown (for people), next to the figure."""
import time

from .launchers import Launcher
from .tables import PaperRow, PaperTable

__all__ = ['build_report', 'report_markdown']

SECONDS_PER_HOUR = 3600.0


def _row_report(row: PaperRow, table: PaperTable, state: dict, status: str) -> dict:
    plan = state.get('plan', {})
    measured = None
    if state.get('metrics'):
        measured = round(state['metrics'][table.metric] * table.scale, 2)
    seconds = state.get('train_seconds') if state.get('trained') else None
    return dict(
        name=row.name, config=row.config, family=row.family, status=status, paper=row.paper,
        measured=measured, difference=None if measured is None else round(measured - row.paper, 2),
        paper_gflops=row.paper_gflops, gflops=plan.get('gflops'), params_m=plan.get('params_m'),
        iterations=plan.get('iterations'), batch=plan.get('batch'), processes=state.get('processes'),
        train_seconds=None if seconds is None else round(seconds, 1),
        gpu_hours=None if seconds is None else round(seconds * state['processes'] / SECONDS_PER_HOUR, 4),
        measured_on=f'{plan["test_set"]}, {plan["boxes"]}' if plan else None, note=row.note)


def build_report(tables: dict[str, PaperTable], rows: list[PaperRow], states: dict[str, dict],
                 statuses: dict[str, str], launcher: Launcher, data_root: str) -> dict:
    """The report of ``rows`` (grouped by table, in table order); ``states`` and ``statuses`` by run name
    (``'done'``, ``'failed'``, ``'not run'``)."""
    report = dict(created=time.strftime('%Y-%m-%d %H:%M:%S'), launcher=launcher.describe(), data_root=data_root,
                  tables={})
    for name, table in tables.items():
        chosen = [row for row in rows if row.table == name]
        if chosen:
            report['tables'][name] = dict(
                title=table.title, metric=table.metric, scale=table.scale, published=table.published,
                series=table.series, note=table.note,
                rows=[_row_report(row, table, states.get(row.run_name, {}), statuses.get(row.run_name, 'not run'))
                      for row in chosen])
    return report


def _cell(value, fmt: str = '{}') -> str:
    return '-' if value is None else fmt.format(value)


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return '-'
    minutes, secs = divmod(int(round(seconds)), 60)
    hours, minutes = divmod(minutes, 60)
    return f'{hours}:{minutes:02d}:{secs:02d}'


def report_markdown(report: dict, figure: str | None) -> str:
    """The report as Markdown; ``figure``: the PNG's file name, shown at the end."""
    lines = ['# Reproduction report', '',
             f'{report["created"]}; launcher: {report["launcher"]}; data: `{report["data_root"]}`. "Paper" is the '
             'published figure, "measured" this run\'s (same unit), "difference" measured - paper. GFLOPs: '
             'published, and multiply-adds of the inference path counted by MMEngine\'s FlopAnalyzer (the paper does '
             'not say how it counts). Training time: wall clock of the training launches (to the last checkpoint '
             'for an interrupted one); GPU-hours: time x processes.', '']
    for table in report['tables'].values():
        lines += [f'## {table["title"]}', '', f'Published: {table["published"]}. Measured on: '
                  + '; '.join(sorted({row['measured_on'] for row in table['rows'] if row['measured_on']})) + '.', '',
                  '| row | config | paper | measured | difference | GFLOPs (paper) | GFLOPs | params (M) | '
                  'iterations x batch | training time | GPU-hours | status |',
                  '|---|---|---|---|---|---|---|---|---|---|---|---|']
        for row in table['rows']:
            schedule = (f'{row["iterations"]} x {row["batch"]}' if row['iterations'] is not None else '-')
            lines.append(
                f'| {row["name"]} | `{row["config"].rsplit("/", 1)[-1]}` | {row["paper"]} | {_cell(row["measured"])} '
                f'| {_cell(row["difference"], "{:+.2f}")} | {_cell(row["paper_gflops"])} | '
                f'{_cell(row["gflops"], "{:.2f}")} | {_cell(row["params_m"], "{:.2f}")} | {schedule} | '
                f'{_duration(row["train_seconds"])} | {_cell(row["gpu_hours"], "{:.2f}")} | {row["status"]} |')
        if table['note']:
            lines += ['', table['note']]
        lines.append('')
    if figure:
        lines += [f'![Published and measured figures against GFLOPs]({figure})', '']
    return '\n'.join(lines)
