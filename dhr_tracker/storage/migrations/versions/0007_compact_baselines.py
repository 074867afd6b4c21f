"""Baseline entries keep their per-row digests beside the hashed content, not inside it.

A baseline written from this schema on holds, in its hashed content, the number of rows, the table's blocks
of rows in key order (first key, count, one SHA-256 over their states) and one SHA-256 over its per-row
digests; the per-row digests
themselves go in the new `baseline_rows` column, read only to name rows that differ (docs/SECURITY.md,
"Baselines"). An imported trail's segment keeps them the same way. Walking the trail then no longer reads and re-hashes a digest per row of the database.

No data changes and no entry is written: the baselines already recorded stay as they are and are still
verified as before. The column is added in place (ALTER TABLE ... ADD COLUMN on both engines), so the
guard triggers on both tables stay exactly as they were created.

Frozen: a migration never imports the live model.

Revision ID: 0007_compact_baselines
Revises: 0006_audit_row_digests
"""

from alembic import op
import sqlalchemy as sa


revision = '0007_compact_baselines'
down_revision = '0006_audit_row_digests'
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table in ('audit_entry', 'audit_imported_entry'):
        op.add_column(table, sa.Column('baseline_rows', sa.Text(), nullable=True))


def downgrade() -> None:
    for table in ('audit_imported_entry', 'audit_entry'):
        op.drop_column(table, 'baseline_rows')
