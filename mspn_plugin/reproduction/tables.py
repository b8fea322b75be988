"""The tables to reproduce, read from a YAML file (the paper's: ``configs/paper_tables.yml``; its header describes
the fields): each row a config and the figure published for it."""
import os.path as osp
from dataclasses import dataclass, field

import yaml

from ..utils.errors import InputError

__all__ = ['PaperRow', 'PaperTable', 'TablesFileError', 'load_tables', 'select_rows']


class TablesFileError(InputError, ValueError):
    """A tables file is missing, malformed, or does not have the table or row asked for."""


@dataclass(frozen=True)
class PaperRow:
    """One published figure: ``table`` and ``name`` identify it, ``config`` (an absolute path) reproduces it."""

    table: str
    name: str
    config: str
    family: str
    paper: float
    paper_gflops: float | None = None
    note: str = ''

    @property
    def key(self) -> str:
        """``table/name``, the row's name on the command line."""
        return f'{self.table}/{self.name}'

    @property
    def run_name(self) -> str:
        """The name of the config's training run, shared by every row that names the same config."""
        return osp.splitext(osp.basename(self.config))[0]


@dataclass(frozen=True)
class PaperTable:
    """A table: its metric (the evaluator's key), ``scale`` (measured x scale = the published unit), where the
    published figures were measured, and its rows."""

    name: str
    title: str
    metric: str
    scale: float
    published: str
    series: bool
    rows: list[PaperRow] = field(default_factory=list)
    note: str = ''


def _row(table: str, entry: dict, folder: str, path: str) -> PaperRow:
    try:
        config = osp.normpath(osp.join(folder, entry['config']))
        row = PaperRow(table=table, name=str(entry['name']), config=config, family=str(entry['family']),
                       paper=float(entry['paper']), note=str(entry.get('note', '')),
                       paper_gflops=None if entry.get('paper_gflops') is None else float(entry['paper_gflops']))
    except (KeyError, TypeError, ValueError) as error:
        raise TablesFileError(f'{path}: table {table}: row {entry!r}: {type(error).__name__}: {error}') from error
    if not osp.isfile(config):
        raise TablesFileError(f'{path}: table {table}, row {row.name}: config {config} does not exist')
    return row


def load_tables(path: str) -> dict[str, PaperTable]:
    """The tables of the YAML file at ``path``, in file order; config paths are resolved from its folder."""
    try:
        with open(path) as f:
            tables = yaml.safe_load(f)['tables']
        folder = osp.dirname(osp.abspath(path))
        return {name: PaperTable(name=name, title=str(t['title']), metric=str(t['metric']),
                                 scale=float(t.get('scale', 1)), published=str(t['published']),
                                 series=bool(t.get('series', True)), note=str(t.get('note', '')),
                                 rows=[_row(name, entry, folder, path) for entry in t['rows']])
                for name, t in tables.items()}
    except TablesFileError:
        raise
    except (OSError, yaml.YAMLError, KeyError, TypeError, AttributeError, ValueError) as error:
        raise TablesFileError(f'{path}: {type(error).__name__}: {error}') from error


def select_rows(tables: dict[str, PaperTable], names: list[str], rows: list[str] | None = None,
                path: str = 'the tables file') -> list[PaperRow]:
    """The rows of the tables ``names`` (``all``: every table), or only those whose ``table/name`` or name is in
    ``rows``, in table order."""
    unknown = [name for name in names if name != 'all' and name not in tables]
    if unknown:
        raise TablesFileError(f'{path}: no table {", ".join(unknown)} (tables: {", ".join(tables)})')
    chosen = [row for name, table in tables.items() if 'all' in names or name in names for row in table.rows]
    if rows:
        missing = [r for r in rows if not any(r in (row.key, row.name) for row in chosen)]
        if missing:
            raise TablesFileError(f'{path}: no row {", ".join(missing)} in {", ".join(names)} '
                                  f'(rows: {", ".join(row.key for row in chosen)})')
        chosen = [row for row in chosen if row.key in rows or row.name in rows]
    return chosen
