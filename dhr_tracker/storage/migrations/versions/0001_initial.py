"""Initial schema: cases and their lifecycle, agencies, action plans, escalation, meetings, audit.

Frozen: a migration never imports the live model, so it means the same thing for ever.

Revision ID: 0001
Revises: 
"""

from alembic import op
import sqlalchemy as sa


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('agency',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('outside_kent', sa.Boolean(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('notes', sa.String(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agency')),
    sa.UniqueConstraint('name', name=op.f('uq_agency_name'))
    )
    op.create_table('app_meta',
    sa.Column('key', sa.String(length=60), nullable=False),
    sa.Column('value', sa.String(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_app_meta'))
    )
    op.create_table('audit_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('os_user', sa.String(length=120), nullable=False),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('entity', sa.String(length=60), nullable=False),
    sa.Column('entity_id', sa.String(length=60), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('changes_json', sa.String(), nullable=False),
    sa.Column('previous_hash', sa.String(length=64), nullable=False),
    sa.Column('entry_hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_entry'))
    )
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_entry_case_id'), ['case_id'], unique=False)

    op.create_table('closure_day',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('description', sa.String(length=200), nullable=False),
    sa.PrimaryKeyConstraint('day', name=op.f('pk_closure_day'))
    )
    op.create_table('csp_area',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('districts', sa.String(length=200), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_csp_area')),
    sa.UniqueConstraint('name', name=op.f('uq_csp_area_name'))
    )
    op.create_table('meeting',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('agenda_item', sa.String(length=20), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('location', sa.String(length=200), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting')),
    sa.UniqueConstraint('kind', 'held_on', name=op.f('uq_meeting_kind'))
    )
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_held_on'), ['held_on'], unique=False)

    op.create_table('setting_value',
    sa.Column('key', sa.String(length=80), nullable=False),
    sa.Column('value_json', sa.String(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_setting_value'))
    )
    op.create_table('agency_contact',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('level', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('job_title', sa.String(length=200), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('phone', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agency.id'], name=op.f('fk_agency_contact_agency_id_agency'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agency_contact')),
    sa.UniqueConstraint('agency_id', 'level', 'name', name=op.f('uq_agency_contact_agency_id'))
    )
    with op.batch_alter_table('agency_contact', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agency_contact_agency_id'), ['agency_id'], unique=False)

    op.create_table('attendee',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('organisation', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], name=op.f('fk_attendee_meeting_id_meeting'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attendee'))
    )
    with op.batch_alter_table('attendee', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attendee_meeting_id'), ['meeting_id'], unique=False)

    op.create_table('briefing_copy',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('edition', sa.Integer(), nullable=False),
    sa.Column('copy_number', sa.Integer(), nullable=False),
    sa.Column('total_copies', sa.Integer(), nullable=False),
    sa.Column('recipient_name', sa.String(length=200), nullable=False),
    sa.Column('recipient_organisation', sa.String(length=200), nullable=False),
    sa.Column('produced_at', sa.DateTime(), nullable=False),
    sa.Column('file_sha256', sa.String(length=64), nullable=False),
    sa.Column('returned_on', sa.Date(), nullable=True),
    sa.Column('note', sa.String(), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], name=op.f('fk_briefing_copy_meeting_id_meeting'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_briefing_copy')),
    sa.UniqueConstraint('meeting_id', 'edition', 'copy_number', name=op.f('uq_briefing_copy_meeting_id'))
    )
    with op.batch_alter_table('briefing_copy', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_briefing_copy_meeting_id'), ['meeting_id'], unique=False)

    op.create_table('dhr_case',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=40), nullable=False),
    sa.Column('pseudonym', sa.String(length=120), nullable=False),
    sa.Column('victim_real_name', sa.String(length=200), nullable=True),
    sa.Column('perpetrator_real_name', sa.String(length=200), nullable=True),
    sa.Column('date_of_death', sa.Date(), nullable=True),
    sa.Column('notified_on', sa.Date(), nullable=False),
    sa.Column('csp_area_id', sa.Integer(), nullable=True),
    sa.Column('commissioning_partnership', sa.String(length=120), nullable=False),
    sa.Column('guidance_profile', sa.String(length=40), nullable=False),
    sa.Column('stage', sa.String(length=40), nullable=False),
    sa.Column('decision', sa.String(length=40), nullable=True),
    sa.Column('independent_chair', sa.String(length=200), nullable=False),
    sa.Column('notes', sa.String(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['csp_area_id'], ['csp_area.id'], name=op.f('fk_dhr_case_csp_area_id_csp_area'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dhr_case')),
    sa.UniqueConstraint('reference', name=op.f('uq_dhr_case_reference'))
    )
    with op.batch_alter_table('dhr_case', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dhr_case_csp_area_id'), ['csp_area_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_dhr_case_stage'), ['stage'], unique=False)

    op.create_table('update_round',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=True),
    sa.Column('meeting_on', sa.Date(), nullable=False),
    sa.Column('requested_on', sa.Date(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('note', sa.String(), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], name=op.f('fk_update_round_meeting_id_meeting'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_update_round'))
    )
    op.create_table('milestone',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('occurred_on', sa.Date(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.String(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agency.id'], name=op.f('fk_milestone_agency_id_agency'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['case_id'], ['dhr_case.id'], name=op.f('fk_milestone_case_id_dhr_case'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_milestone'))
    )
    with op.batch_alter_table('milestone', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_milestone_case_id'), ['case_id'], unique=False)

    op.create_table('parallel_process',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('status', sa.String(length=40), nullable=False),
    sa.Column('started_on', sa.Date(), nullable=True),
    sa.Column('expected_end_on', sa.Date(), nullable=True),
    sa.Column('concluded_on', sa.Date(), nullable=True),
    sa.Column('note', sa.String(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['dhr_case.id'], name=op.f('fk_parallel_process_case_id_dhr_case'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_parallel_process'))
    )
    with op.batch_alter_table('parallel_process', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_parallel_process_case_id'), ['case_id'], unique=False)

    op.create_table('publication',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('published_on', sa.Date(), nullable=False),
    sa.Column('website_removal_on', sa.Date(), nullable=True),
    sa.Column('sent_to_library_on', sa.Date(), nullable=True),
    sa.Column('family_told_on', sa.Date(), nullable=True),
    sa.Column('sent_to_commissioner_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['dhr_case.id'], name=op.f('fk_publication_case_id_dhr_case'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_publication')),
    sa.UniqueConstraint('case_id', name=op.f('uq_publication_case_id'))
    )
    op.create_table('qa_round',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('round_number', sa.Integer(), nullable=False),
    sa.Column('submitted_on', sa.Date(), nullable=False),
    sa.Column('panel_on', sa.Date(), nullable=True),
    sa.Column('feedback_letter_on', sa.Date(), nullable=True),
    sa.Column('feedback_reference', sa.String(length=120), nullable=False),
    sa.Column('outcome', sa.String(length=40), nullable=True),
    sa.Column('revisions_listed', sa.String(), nullable=False),
    sa.Column('revisions_made_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['dhr_case.id'], name=op.f('fk_qa_round_case_id_dhr_case'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_qa_round')),
    sa.UniqueConstraint('case_id', 'round_number', name=op.f('uq_qa_round_case_id'))
    )
    with op.batch_alter_table('qa_round', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_qa_round_case_id'), ['case_id'], unique=False)

    op.create_table('recommendation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=20), nullable=False),
    sa.Column('source', sa.String(length=40), nullable=False),
    sa.Column('source_agency_id', sa.Integer(), nullable=True),
    sa.Column('lead_agency_id', sa.Integer(), nullable=False),
    sa.Column('scope', sa.String(length=40), nullable=False),
    sa.Column('text', sa.String(), nullable=False),
    sa.Column('action', sa.String(), nullable=False),
    sa.Column('key_milestones', sa.String(), nullable=False),
    sa.Column('target_on', sa.Date(), nullable=True),
    sa.Column('completed_on', sa.Date(), nullable=True),
    sa.Column('outcome', sa.String(), nullable=False),
    sa.Column('status', sa.String(length=40), nullable=False),
    sa.Column('status_changed_on', sa.Date(), nullable=True),
    sa.Column('not_accepted_reason', sa.String(), nullable=False),
    sa.Column('signed_off_on', sa.Date(), nullable=True),
    sa.Column('signoff_minute_reference', sa.String(length=120), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['dhr_case.id'], name=op.f('fk_recommendation_case_id_dhr_case'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['lead_agency_id'], ['agency.id'], name=op.f('fk_recommendation_lead_agency_id_agency'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['source_agency_id'], ['agency.id'], name=op.f('fk_recommendation_source_agency_id_agency'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recommendation'))
    )
    with op.batch_alter_table('recommendation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recommendation_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_recommendation_lead_agency_id'), ['lead_agency_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_recommendation_status'), ['status'], unique=False)

    op.create_table('update_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('requested_on', sa.Date(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['agency_id'], ['agency.id'], name=op.f('fk_update_request_agency_id_agency'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['round_id'], ['update_round.id'], name=op.f('fk_update_request_round_id_update_round'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_update_request')),
    sa.UniqueConstraint('round_id', 'agency_id', name=op.f('uq_update_request_round_id'))
    )
    with op.batch_alter_table('update_request', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_update_request_agency_id'), ['agency_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_update_request_round_id'), ['round_id'], unique=False)

    op.create_table('escalation_action',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('level', sa.Integer(), nullable=False),
    sa.Column('taken_on', sa.Date(), nullable=False),
    sa.Column('recipient', sa.String(length=200), nullable=False),
    sa.Column('recipient_role', sa.String(length=120), nullable=False),
    sa.Column('method', sa.String(length=40), nullable=False),
    sa.Column('note', sa.String(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['request_id'], ['update_request.id'], name=op.f('fk_escalation_action_request_id_update_request'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_escalation_action'))
    )
    with op.batch_alter_table('escalation_action', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_escalation_action_request_id'), ['request_id'], unique=False)

    op.create_table('pause',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(), nullable=False),
    sa.Column('parallel_process_id', sa.Integer(), nullable=True),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=True),
    sa.Column('home_office_told_on', sa.Date(), nullable=True),
    sa.CheckConstraint('ends_on IS NULL OR ends_on >= starts_on', name=op.f('ck_pause_ends_after_start')),
    sa.ForeignKeyConstraint(['case_id'], ['dhr_case.id'], name=op.f('fk_pause_case_id_dhr_case'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['parallel_process_id'], ['parallel_process.id'], name=op.f('fk_pause_parallel_process_id_parallel_process'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pause'))
    )
    with op.batch_alter_table('pause', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pause_case_id'), ['case_id'], unique=False)

    op.create_table('progress_update',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('recommendation_id', sa.Integer(), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('contact_id', sa.Integer(), nullable=True),
    sa.Column('contact_name', sa.String(length=200), nullable=False),
    sa.Column('text', sa.String(), nullable=False),
    sa.Column('evidence_reference', sa.String(), nullable=False),
    sa.Column('corrects_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['contact_id'], ['agency_contact.id'], name=op.f('fk_progress_update_contact_id_agency_contact'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['corrects_id'], ['progress_update.id'], name=op.f('fk_progress_update_corrects_id_progress_update'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['recommendation_id'], ['recommendation.id'], name=op.f('fk_progress_update_recommendation_id_recommendation'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_progress_update'))
    )
    with op.batch_alter_table('progress_update', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_progress_update_recommendation_id'), ['recommendation_id'], unique=False)

    op.create_table('recommendation_supporting_agency',
    sa.Column('recommendation_id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agency.id'], name=op.f('fk_recommendation_supporting_agency_agency_id_agency'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['recommendation_id'], ['recommendation.id'], name=op.f('fk_recommendation_supporting_agency_recommendation_id_recommendation'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('recommendation_id', 'agency_id', name=op.f('pk_recommendation_supporting_agency'))
    )
    op.create_table('update_request_item',
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('recommendation_id', sa.Integer(), nullable=False),
    sa.Column('settled_on', sa.Date(), nullable=True),
    sa.Column('progress_update_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['progress_update_id'], ['progress_update.id'], name=op.f('fk_update_request_item_progress_update_id_progress_update'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['recommendation_id'], ['recommendation.id'], name=op.f('fk_update_request_item_recommendation_id_recommendation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['request_id'], ['update_request.id'], name=op.f('fk_update_request_item_request_id_update_request'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('request_id', 'recommendation_id', name=op.f('pk_update_request_item'))
    )
    with op.batch_alter_table('update_request_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_update_request_item_recommendation_id'), ['recommendation_id'], unique=False)


    op.execute("INSERT INTO app_meta (key, value) VALUES ('application', 'dhr-tracker')")
    # The audit trail is append-only: the database itself refuses to change or remove an entry.
    if op.get_bind().dialect.name == 'postgresql':
        _create_postgres_audit_guards()
        return
    op.execute(
        "CREATE TRIGGER audit_entry_no_update BEFORE UPDATE ON audit_entry "
        "BEGIN SELECT RAISE(ABORT, 'audit entries cannot be changed'); END"
    )
    op.execute(
        "CREATE TRIGGER audit_entry_no_delete BEFORE DELETE ON audit_entry "
        "BEGIN SELECT RAISE(ABORT, 'audit entries cannot be deleted'); END"
    )


def _create_postgres_audit_guards() -> None:
    """The same guards on a team database (PostgreSQL triggers call a function; TRUNCATE has its own)."""
    op.execute(
        "CREATE FUNCTION audit_entry_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "BEGIN RAISE EXCEPTION 'audit entries cannot be %', "
        "CASE TG_OP WHEN 'UPDATE' THEN 'changed' ELSE 'deleted' END; END $$"
    )
    op.execute(
        "CREATE TRIGGER audit_entry_no_update BEFORE UPDATE ON audit_entry "
        "FOR EACH ROW EXECUTE FUNCTION audit_entry_refuse_change()"
    )
    op.execute(
        "CREATE TRIGGER audit_entry_no_delete BEFORE DELETE ON audit_entry "
        "FOR EACH ROW EXECUTE FUNCTION audit_entry_refuse_change()"
    )
    op.execute(
        "CREATE TRIGGER audit_entry_no_truncate BEFORE TRUNCATE ON audit_entry "
        "FOR EACH STATEMENT EXECUTE FUNCTION audit_entry_refuse_change()"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("DROP FUNCTION IF EXISTS audit_entry_refuse_change() CASCADE")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_entry_no_delete")
        op.execute("DROP TRIGGER IF EXISTS audit_entry_no_update")
    with op.batch_alter_table('update_request_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_update_request_item_recommendation_id'))

    op.drop_table('update_request_item')
    op.drop_table('recommendation_supporting_agency')
    with op.batch_alter_table('progress_update', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_progress_update_recommendation_id'))

    op.drop_table('progress_update')
    with op.batch_alter_table('pause', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pause_case_id'))

    op.drop_table('pause')
    with op.batch_alter_table('escalation_action', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_escalation_action_request_id'))

    op.drop_table('escalation_action')
    with op.batch_alter_table('update_request', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_update_request_round_id'))
        batch_op.drop_index(batch_op.f('ix_update_request_agency_id'))

    op.drop_table('update_request')
    with op.batch_alter_table('recommendation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_recommendation_status'))
        batch_op.drop_index(batch_op.f('ix_recommendation_lead_agency_id'))
        batch_op.drop_index(batch_op.f('ix_recommendation_case_id'))

    op.drop_table('recommendation')
    with op.batch_alter_table('qa_round', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_qa_round_case_id'))

    op.drop_table('qa_round')
    op.drop_table('publication')
    with op.batch_alter_table('parallel_process', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_parallel_process_case_id'))

    op.drop_table('parallel_process')
    with op.batch_alter_table('milestone', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_milestone_case_id'))

    op.drop_table('milestone')
    op.drop_table('update_round')
    with op.batch_alter_table('dhr_case', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dhr_case_stage'))
        batch_op.drop_index(batch_op.f('ix_dhr_case_csp_area_id'))

    op.drop_table('dhr_case')
    with op.batch_alter_table('briefing_copy', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_briefing_copy_meeting_id'))

    op.drop_table('briefing_copy')
    with op.batch_alter_table('attendee', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attendee_meeting_id'))

    op.drop_table('attendee')
    with op.batch_alter_table('agency_contact', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agency_contact_agency_id'))

    op.drop_table('agency_contact')
    op.drop_table('setting_value')
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_held_on'))

    op.drop_table('meeting')
    op.drop_table('csp_area')
    op.drop_table('closure_day')
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_entry_case_id'))

    op.drop_table('audit_entry')
    op.drop_table('app_meta')
    op.drop_table('agency')
