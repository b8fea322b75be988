"""The report's picture, in the style of the paper's Figure 1: the metric against GFLOPs, one colour per network
family, published figures hollow on dashed lines, measured figures filled on solid lines."""
from matplotlib import colormaps
from matplotlib.figure import Figure

__all__ = ['draw_figure']


def _points(rows: list[dict], value: str, gflops: str) -> list[tuple[float, float]]:
    points = {(row[gflops] if row[gflops] is not None else row['gflops'], row[value]) for row in rows
              if row[value] is not None and (row[gflops] is not None or row['gflops'] is not None)}
    return sorted(points)


def draw_figure(report: dict, path: str) -> bool:
    """Draw ``report`` (:func:`~mspn_plugin.reproduction.report.build_report`) to the PNG ``path``: a panel per
    metric; a published figure without published FLOPs sits at the measured GFLOPs. Returns False (and writes
    nothing) when no row has GFLOPs."""
    panels: dict[str, dict[str, list[tuple[dict, bool]]]] = {}
    for table in report['tables'].values():
        for row in table['rows']:
            panels.setdefault(table['metric'], {}).setdefault(row['family'], []).append((row, table['series']))
    panels = {metric: families for metric, families in panels.items()
              if any(row['gflops'] is not None for rows in families.values() for row, _ in rows)}
    if not panels:
        return False
    figure = Figure(figsize=(10 * len(panels), 5.5))  # no pyplot: no display, no global state
    axes = figure.subplots(1, len(panels), squeeze=False)
    palette = colormaps['tab20'].colors
    colours = palette[0::2] + palette[1::2]  # 20 distinct colours, the strong ones first
    for axis, (metric, families) in zip(axes[0], panels.items(), strict=True):
        for index, (family, entries) in enumerate(families.items()):
            rows = list({row['config']: row for row, _ in entries}.values())  # a config once per family
            joined = all(series for _, series in entries)
            colour = colours[index % len(colours)]
            for value, gflops, style in (('paper', 'paper_gflops', dict(linestyle='--', markerfacecolor='none')),
                                         ('measured', 'gflops', dict(linestyle='-'))):
                points = _points(rows, value, gflops)
                if points:
                    x, y = zip(*points, strict=True)
                    axis.plot(x, y, marker='o', color=colour, linewidth=1.5 if joined else 0, markersize=7,
                              label=f'{family} ({value})', **style)
        unit = next(t['metric'] for t in report['tables'].values() if t['metric'] == metric)
        scale = next(t['scale'] for t in report['tables'].values() if t['metric'] == metric)
        axis.set_xlabel('GFLOPs (published: as given; measured: multiply-adds, inference path)')
        axis.set_ylabel(f'{unit}' + (f' x {scale:g}' if scale != 1 else ''))
        axis.set_title(f'{unit}: published (hollow, dashed) and measured (filled, solid)')
        axis.grid(True, alpha=0.3)
        axis.legend(fontsize=8, loc='upper left', bbox_to_anchor=(1.01, 1.0))  # beside the points, not on them
    figure.tight_layout()
    figure.savefig(path, dpi=120)
    return True
