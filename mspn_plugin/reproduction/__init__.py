"""Reproducing the paper's tables: the published figures as data (:mod:`.tables`), trainings and evaluations through
the project's launchers, resumable (:mod:`.runs`), and the report with its Figure-1-style picture. Not imported by
``import mspn_plugin`` (it registers nothing)."""
from .launchers import Launcher
from .reproduce import reproduce_tables, write_report
from .runs import LaunchError, data_root_options, run_config
from .tables import PaperRow, PaperTable, TablesFileError, load_tables, select_rows

__all__ = ['LaunchError', 'Launcher', 'PaperRow', 'PaperTable', 'TablesFileError', 'data_root_options', 'load_tables',
           'reproduce_tables', 'run_config', 'select_rows', 'write_report']
