"""Update packs: the register of packs sent to agencies, the updates that came back in them, and the
status changes agencies proposed.

Frozen: a migration never imports the live model, so it means the same thing for ever.

Revision ID: 0006_update_packs
Revises: 0001
"""

from alembic import op
import sqlalchemy as sa


revision = '0006_update_packs'
down_revision = '0002_redact_audit_names'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('update_pack',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('identifier', sa.String(length=40), nullable=False),
    sa.Column('signing_key', sa.String(length=64), nullable=False),
    sa.Column('made_at', sa.DateTime(), nullable=False),
    sa.Column('file_name', sa.String(length=260), nullable=False),
    sa.Column('file_sha256', sa.String(length=64), nullable=False),
    sa.Column('rows', sa.Integer(), nullable=False),
    sa.Column('encrypted', sa.Boolean(), nullable=False),
    sa.Column('replaced_at', sa.DateTime(), nullable=True),
    sa.Column('sent_on', sa.Date(), nullable=True),
    sa.Column('returned_on', sa.Date(), nullable=True),
    sa.Column('imported_at', sa.DateTime(), nullable=True),
    sa.Column('imported_sha256', sa.String(length=64), nullable=False),
    sa.Column('imported_updates', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['request_id'], ['update_request.id'], name=op.f('fk_update_pack_request_id_update_request'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_update_pack')),
    sa.UniqueConstraint('identifier', name=op.f('uq_update_pack_identifier'))
    )
    with op.batch_alter_table('update_pack', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_update_pack_request_id'), ['request_id'], unique=False)

    op.create_table('update_pack_entry',
    sa.Column('pack_id', sa.Integer(), nullable=False),
    sa.Column('progress_update_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['pack_id'], ['update_pack.id'], name=op.f('fk_update_pack_entry_pack_id_update_pack'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['progress_update_id'], ['progress_update.id'], name=op.f('fk_update_pack_entry_progress_update_id_progress_update'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('pack_id', 'progress_update_id', name=op.f('pk_update_pack_entry'))
    )

    op.create_table('status_proposal',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pack_id', sa.Integer(), nullable=False),
    sa.Column('recommendation_id', sa.Integer(), nullable=False),
    sa.Column('from_status', sa.String(length=40), nullable=False),
    sa.Column('proposed_status', sa.String(length=40), nullable=False),
    sa.Column('completed_on', sa.Date(), nullable=True),
    sa.Column('proposed_on', sa.Date(), nullable=False),
    sa.Column('proposed_by', sa.String(length=200), nullable=False),
    sa.Column('decision', sa.String(length=20), nullable=False),
    sa.Column('decided_on', sa.Date(), nullable=True),
    sa.Column('decision_note', sa.String(), nullable=False),
    sa.ForeignKeyConstraint(['pack_id'], ['update_pack.id'], name=op.f('fk_status_proposal_pack_id_update_pack'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recommendation_id'], ['recommendation.id'], name=op.f('fk_status_proposal_recommendation_id_recommendation'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_status_proposal'))
    )
    with op.batch_alter_table('status_proposal', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_status_proposal_pack_id'), ['pack_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_status_proposal_recommendation_id'), ['recommendation_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('status_proposal', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_status_proposal_recommendation_id'))
        batch_op.drop_index(batch_op.f('ix_status_proposal_pack_id'))
    op.drop_table('status_proposal')
    op.drop_table('update_pack_entry')
    with op.batch_alter_table('update_pack', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_update_pack_request_id'))
    op.drop_table('update_pack')
