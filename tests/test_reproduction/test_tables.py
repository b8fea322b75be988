"""The paper tables file: every row a config that exists and states the same figure, and the row selection."""
import pytest

from helpers.paths import ROOT
from mspn_plugin.reproduction import TablesFileError, load_tables, select_rows

PAPER_TABLES = ROOT / 'configs/paper_tables.yml'


@pytest.fixture(scope='module')
def tables():
    return load_tables(str(PAPER_TABLES))


def test_the_paper_tables_are_all_there(tables):
    assert list(tables) == ['table1', 'table2', 'table3', 'table4', 'table5', 'coco', 'mpii']
    assert {table.metric for table in tables.values()} == {'coco/AP', 'PCK'}
    assert [row.paper for row in tables['table2'].rows if row.family == 'MSPN'] == [71.5, 74.5, 75.2, 75.9]


def test_each_row_states_the_figure_its_config_states(tables):
    """One figure, two places: the tables file and the comment of the config that reproduces it."""
    for table in tables.values():
        for row in table.rows:
            with open(row.config) as f:
                assert f'{row.paper:.1f}' in f.read(), f'{row.key}: {row.paper} not in {row.config}'


def test_rows_that_name_one_config_share_its_run(tables):
    rows = select_rows(tables, ['table2', 'table4', 'table5'])
    names = [row.run_name for row in rows]
    assert names.count('td-hm_2xmspn50_8xb32-96k_coco-256x192') == 3 and len(set(names)) == 14


def test_rows_are_chosen_by_name_or_table_and_name(tables):
    chosen = select_rows(tables, ['coco', 'mpii'], ['4 stages 384x288', 'mpii/4 stages 256x256'])
    assert [row.key for row in chosen] == ['coco/4 stages 384x288', 'mpii/4 stages 256x256']
    assert len(select_rows(tables, ['all'])) == sum(len(table.rows) for table in tables.values())


def test_unknown_tables_and_rows_are_named(tables):
    with pytest.raises(TablesFileError, match='no table table9'):
        select_rows(tables, ['table9'])
    with pytest.raises(TablesFileError, match='no row 5 stages'):
        select_rows(tables, ['coco'], ['5 stages'])


def test_a_malformed_file_is_named(tmp_path):
    path = tmp_path / 'tables.yml'
    path.write_text('tables:\n  t:\n    title: x\n    metric: coco/AP\n    published: y\n'
                    '    rows:\n      - {name: r, config: missing.py, family: f, paper: 1.0}\n')
    with pytest.raises(TablesFileError, match='missing.py does not exist'):
        load_tables(str(path))
    path.write_text('tables: [')
    with pytest.raises(TablesFileError, match=str(path)):
        load_tables(str(path))
