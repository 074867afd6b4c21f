"""Row versions on the records people edit, so two writers of a team database cannot overwrite each
other's saves unseen (SQLAlchemy's version counter; see dhr_tracker/storage/versions.py).

Frozen: a migration never imports the live model, so it means the same thing for ever.

Revision ID: 0005_row_versions
Revises: 0004_learning
"""

from alembic import op
import sqlalchemy as sa


revision = '0005_row_versions'
down_revision = '0004_learning'
branch_labels = None
depends_on = None

VERSIONED_TABLES = (
    'dhr_case', 'milestone', 'qa_round', 'publication', 'parallel_process', 'pause',
    'recommendation', 'agency', 'agency_contact', 'meeting', 'update_round', 'update_request',
)


def upgrade() -> None:
    for table in VERSIONED_TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('row_version', sa.Integer(), server_default='1', nullable=False))


def downgrade() -> None:
    for table in reversed(VERSIONED_TABLES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('row_version')
