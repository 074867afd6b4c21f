"""Learning: the themes vocabulary and tags, implementation assessments, evidence seen, department trail.

Frozen: a migration never imports the live model, so it means the same thing for ever. The starter themes
are copied here (not read from resources/) so that an upgraded database gets the list as it was at 0004.

Revision ID: 0004_learning
Revises: 0001
"""

from alembic import op
import sqlalchemy as sa


revision = '0004_learning'
down_revision = '0006_update_packs'
branch_labels = None
depends_on = None

STARTER_THEMES = (
    ('Coercive control', 'case_characteristic'),
    ('Separation', 'case_characteristic'),
    ('Stalking', 'case_characteristic'),
    ('Mental health', 'case_characteristic'),
    ('Substance misuse', 'case_characteristic'),
    ('Age 16 to 24', 'case_characteristic'),
    ('Age 25 to 59', 'case_characteristic'),
    ('Age 60 and over', 'case_characteristic'),
    ('Suicide', 'case_characteristic'),
    ('Intimate partner homicide', 'death_type'),
    ('Adult family homicide', 'death_type'),
    ('Victim suicide following domestic abuse', 'death_type'),
    ('Homicide-suicide', 'death_type'),
    ('Unexpected death', 'death_type'),
    ('Risk identification and assessment (DASH, non-fatal strangulation, stalking)', 'learning'),
    ('Information sharing', 'learning'),
    ('Multi-agency working, MARAC and referral pathways', 'learning'),
    ('Professional curiosity and routine enquiry', 'learning'),
    ('Recognising coercive control and economic abuse', 'learning'),
    ('Training and awareness', 'learning'),
    ('Record keeping', 'learning'),
    ('Policy and procedure gaps', 'learning'),
    ('Supervision and management oversight', 'learning'),
    ('Mental health services', 'learning'),
    ('Substance misuse services', 'learning'),
    ('Separation and post-separation risk', 'learning'),
    ('Children and young people', 'learning'),
    ('Carers, older people and dementia', 'learning'),
    ('Housing', 'learning'),
    ('Equality, diversity and culture', 'learning'),
    ('Honour-based abuse', 'learning'),
    ('Forced marriage', 'learning'),
    ('Language and interpreting', 'learning'),
    ('Male victims', 'learning'),
    ('LGBT+', 'learning'),
    ('Disability', 'learning'),
    ('Perpetrator management', 'learning'),
    ('Family and community voice', 'learning'),
    ('Health settings (GP, A&E, maternity)', 'learning'),
    ('Criminal justice response', 'learning'),
    ('Good practice', 'learning'),
    ('Direct practice', 'system_level'),
    ('Multi-agency team', 'system_level'),
    ('Organisation', 'system_level'),
    ('Partnership governance', 'system_level'),
    ('National', 'system_level'),
)


def upgrade() -> None:
    theme = op.create_table('theme',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('facet', sa.String(length=40), nullable=False),
    sa.Column('description', sa.String(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_theme')),
    sa.UniqueConstraint('name', name=op.f('uq_theme_name'))
    )
    op.create_table('case_theme',
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('theme_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['dhr_case.id'], name=op.f('fk_case_theme_case_id_dhr_case'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['theme_id'], ['theme.id'], name=op.f('fk_case_theme_theme_id_theme'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('case_id', 'theme_id', name=op.f('pk_case_theme'))
    )
    with op.batch_alter_table('case_theme', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_theme_theme_id'), ['theme_id'], unique=False)

    op.create_table('recommendation_theme',
    sa.Column('recommendation_id', sa.Integer(), nullable=False),
    sa.Column('theme_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['recommendation_id'], ['recommendation.id'], name=op.f('fk_recommendation_theme_recommendation_id_recommendation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['theme_id'], ['theme.id'], name=op.f('fk_recommendation_theme_theme_id_theme'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('recommendation_id', 'theme_id', name=op.f('pk_recommendation_theme'))
    )
    with op.batch_alter_table('recommendation_theme', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recommendation_theme_theme_id'), ['theme_id'], unique=False)

    op.create_table('implementation_assessment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('recommendation_id', sa.Integer(), nullable=False),
    sa.Column('category', sa.String(length=40), nullable=False),
    sa.Column('assessed_on', sa.Date(), nullable=False),
    sa.Column('assessed_by', sa.String(length=200), nullable=False),
    sa.Column('recheck_on', sa.Date(), nullable=True),
    sa.Column('note', sa.String(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['recommendation_id'], ['recommendation.id'], name=op.f('fk_implementation_assessment_recommendation_id_recommendation'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_implementation_assessment'))
    )
    with op.batch_alter_table('implementation_assessment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_implementation_assessment_recommendation_id'), ['recommendation_id'], unique=False)

    op.create_table('implementation_evidence',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('recommendation_id', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=200), nullable=False),
    sa.Column('seen_on', sa.Date(), nullable=False),
    sa.Column('checked_by', sa.String(length=200), nullable=False),
    sa.Column('note', sa.String(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['recommendation_id'], ['recommendation.id'], name=op.f('fk_implementation_evidence_recommendation_id_recommendation'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_implementation_evidence'))
    )
    with op.batch_alter_table('implementation_evidence', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_implementation_evidence_recommendation_id'), ['recommendation_id'], unique=False)

    op.create_table('department_correspondence',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('recommendation_id', sa.Integer(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.Column('step', sa.String(length=40), nullable=False),
    sa.Column('occurred_on', sa.Date(), nullable=False),
    sa.Column('reference', sa.String(length=200), nullable=False),
    sa.Column('note', sa.String(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['department_id'], ['agency.id'], name=op.f('fk_department_correspondence_department_id_agency'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['recommendation_id'], ['recommendation.id'], name=op.f('fk_department_correspondence_recommendation_id_recommendation'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_department_correspondence'))
    )
    with op.batch_alter_table('department_correspondence', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_department_correspondence_recommendation_id'), ['recommendation_id'], unique=False)

    op.bulk_insert(theme, [
        {'name': name, 'facet': facet, 'description': '', 'active': True} for name, facet in STARTER_THEMES
    ])


def downgrade() -> None:
    for table in ('department_correspondence', 'implementation_evidence', 'implementation_assessment',
                  'recommendation_theme', 'case_theme', 'theme'):
        op.drop_table(table)
