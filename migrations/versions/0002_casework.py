"""Casework: case files, investigators, home visits, verification reports, hearings, deadline extensions,
public notices and objections, the cadre-relative register, decisions, entitlements and their events,
temporary grants, reserve funds and their ledger, the dishonesty ledger and repayments, notifications.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 17:05:38.596310

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('reserve_funds',
    sa.Column('area_id', sa.Integer(), nullable=False),
    sa.Column('balance', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['area_id'], ['areas.id'], name=op.f('fk_reserve_funds_area_id_areas')),
    sa.PrimaryKeyConstraint('area_id', name=op.f('pk_reserve_funds'))
    )
    op.create_table('relative_register',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('area_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=50), nullable=False),
    sa.Column('id_number', sa.Text(), nullable=False),
    sa.Column('id_number_hash', sa.String(length=64), nullable=False),
    sa.Column('cadre_name', sa.String(length=50), nullable=False),
    sa.Column('position', sa.String(length=100), nullable=False),
    sa.Column('relation_to_cadre', sa.String(length=20), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_by_staff_id', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['area_id'], ['areas.id'], name=op.f('fk_relative_register_area_id_areas')),
    sa.ForeignKeyConstraint(['created_by_staff_id'], ['staff_users.id'], name=op.f('fk_relative_register_created_by_staff_id_staff_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_relative_register'))
    )
    with op.batch_alter_table('relative_register', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_relative_register_area_id'), ['area_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_relative_register_id_number_hash'), ['id_number_hash'], unique=False)

    op.create_table('case_assignments',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('application_id', sa.String(length=36), nullable=False),
    sa.Column('staff_id', sa.String(length=36), nullable=False),
    sa.Column('assigned_by_staff_id', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_case_assignments_application_id_applications')),
    sa.ForeignKeyConstraint(['assigned_by_staff_id'], ['staff_users.id'], name=op.f('fk_case_assignments_assigned_by_staff_id_staff_users')),
    sa.ForeignKeyConstraint(['staff_id'], ['staff_users.id'], name=op.f('fk_case_assignments_staff_id_staff_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_assignments')),
    sa.UniqueConstraint('application_id', 'staff_id', name='uq_case_assignments_staff')
    )
    with op.batch_alter_table('case_assignments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_assignments_application_id'), ['application_id'], unique=False)

    op.create_table('case_files',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('application_id', sa.String(length=36), nullable=False),
    sa.Column('accepted_on', sa.Date(), nullable=False),
    sa.Column('deadline_days', sa.Integer(), nullable=False),
    sa.Column('extension_days', sa.Integer(), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('due_provisional', sa.Boolean(), nullable=False),
    sa.Column('hearing_status', sa.String(length=15), nullable=False),
    sa.Column('hearing_reasons', sa.JSON(), nullable=False),
    sa.Column('filing_status', sa.String(length=15), nullable=False),
    sa.Column('filing_matches', sa.JSON(), nullable=False),
    sa.Column('filed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('filed_by_staff_id', sa.String(length=36), nullable=True),
    sa.Column('filing_opinion', sa.Text(), nullable=True),
    sa.Column('assessment', sa.JSON(), nullable=True),
    sa.Column('assessment_params', sa.JSON(), nullable=True),
    sa.Column('assessed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('requested_amount', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_case_files_application_id_applications')),
    sa.ForeignKeyConstraint(['filed_by_staff_id'], ['staff_users.id'], name=op.f('fk_case_files_filed_by_staff_id_staff_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_files')),
    sa.UniqueConstraint('application_id', name=op.f('uq_case_files_application_id'))
    )
    with op.batch_alter_table('case_files', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_files_due_date'), ['due_date'], unique=False)

    op.create_table('deadline_extensions',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('application_id', sa.String(length=36), nullable=False),
    sa.Column('working_days', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('old_due_date', sa.Date(), nullable=False),
    sa.Column('new_due_date', sa.Date(), nullable=False),
    sa.Column('provisional', sa.Boolean(), nullable=False),
    sa.Column('staff_id', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_deadline_extensions_application_id_applications')),
    sa.ForeignKeyConstraint(['staff_id'], ['staff_users.id'], name=op.f('fk_deadline_extensions_staff_id_staff_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deadline_extensions'))
    )
    with op.batch_alter_table('deadline_extensions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_deadline_extensions_application_id'), ['application_id'], unique=False)

    op.create_table('decisions',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('application_id', sa.String(length=36), nullable=False),
    sa.Column('outcome', sa.String(length=10), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('amount', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('assessment', sa.JSON(), nullable=True),
    sa.Column('decided_on', sa.Date(), nullable=False),
    sa.Column('notify_by', sa.Date(), nullable=False),
    sa.Column('decided_by_staff_id', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_decisions_application_id_applications')),
    sa.ForeignKeyConstraint(['decided_by_staff_id'], ['staff_users.id'], name=op.f('fk_decisions_decided_by_staff_id_staff_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_decisions')),
    sa.UniqueConstraint('application_id', name=op.f('uq_decisions_application_id'))
    )
    op.create_table('dishonesty_records',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('household_id', sa.String(length=36), nullable=False),
    sa.Column('application_id', sa.String(length=36), nullable=True),
    sa.Column('area_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('amount_to_recover', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('confirmed_on', sa.Date(), nullable=False),
    sa.Column('recorded_by_staff_id', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_dishonesty_records_application_id_applications')),
    sa.ForeignKeyConstraint(['area_id'], ['areas.id'], name=op.f('fk_dishonesty_records_area_id_areas')),
    sa.ForeignKeyConstraint(['household_id'], ['households.id'], name=op.f('fk_dishonesty_records_household_id_households')),
    sa.ForeignKeyConstraint(['recorded_by_staff_id'], ['staff_users.id'], name=op.f('fk_dishonesty_records_recorded_by_staff_id_staff_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dishonesty_records'))
    )
    with op.batch_alter_table('dishonesty_records', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dishonesty_records_area_id'), ['area_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_dishonesty_records_household_id'), ['household_id'], unique=False)

    op.create_table('entitlements',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('application_id', sa.String(length=36), nullable=False),
    sa.Column('household_id', sa.String(length=36), nullable=False),
    sa.Column('area_id', sa.Integer(), nullable=False),
    sa.Column('program', sa.String(length=20), nullable=False),
    sa.Column('state', sa.String(length=15), nullable=False),
    sa.Column('monthly_amount', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('covered_members', sa.Integer(), nullable=False),
    sa.Column('start_month', sa.Date(), nullable=False),
    sa.Column('stable', sa.Boolean(), nullable=False),
    sa.Column('review_cycle_months', sa.Integer(), nullable=False),
    sa.Column('next_review_on', sa.Date(), nullable=False),
    sa.Column('gradual_exit_until', sa.Date(), nullable=True),
    sa.Column('terminated_on', sa.Date(), nullable=True),
    sa.Column('certificate_code', sa.String(length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_entitlements_application_id_applications')),
    sa.ForeignKeyConstraint(['area_id'], ['areas.id'], name=op.f('fk_entitlements_area_id_areas')),
    sa.ForeignKeyConstraint(['household_id'], ['households.id'], name=op.f('fk_entitlements_household_id_households')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_entitlements')),
    sa.UniqueConstraint('application_id', name=op.f('uq_entitlements_application_id')),
    sa.UniqueConstraint('certificate_code', name=op.f('uq_entitlements_certificate_code'))
    )
    with op.batch_alter_table('entitlements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_entitlements_area_id'), ['area_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_entitlements_household_id'), ['household_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_entitlements_next_review_on'), ['next_review_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_entitlements_state'), ['state'], unique=False)

    op.create_table('hearings',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('application_id', sa.String(length=36), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('participants', sa.JSON(), nullable=False),
    sa.Column('votes_for', sa.Integer(), nullable=False),
    sa.Column('votes_against', sa.Integer(), nullable=False),
    sa.Column('result', sa.String(length=10), nullable=False),
    sa.Column('summary', sa.Text(), nullable=True),
    sa.Column('recorded_by_staff_id', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_hearings_application_id_applications')),
    sa.ForeignKeyConstraint(['recorded_by_staff_id'], ['staff_users.id'], name=op.f('fk_hearings_recorded_by_staff_id_staff_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hearings'))
    )
    with op.batch_alter_table('hearings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_hearings_application_id'), ['application_id'], unique=False)

    op.create_table('home_visits',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('application_id', sa.String(length=36), nullable=False),
    sa.Column('visited_on', sa.Date(), nullable=False),
    sa.Column('visitor_staff_ids', sa.JSON(), nullable=False),
    sa.Column('living_conditions', sa.Text(), nullable=True),
    sa.Column('findings', sa.Text(), nullable=False),
    sa.Column('recommendation', sa.String(length=20), nullable=True),
    sa.Column('source', sa.String(length=10), nullable=False),
    sa.Column('recorded_by_staff_id', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_home_visits_application_id_applications')),
    sa.ForeignKeyConstraint(['recorded_by_staff_id'], ['staff_users.id'], name=op.f('fk_home_visits_recorded_by_staff_id_staff_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_home_visits'))
    )
    with op.batch_alter_table('home_visits', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_home_visits_application_id'), ['application_id'], unique=False)

    op.create_table('notifications',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('event_key', sa.String(length=100), nullable=False),
    sa.Column('application_id', sa.String(length=36), nullable=True),
    sa.Column('account_id', sa.String(length=36), nullable=False),
    sa.Column('template_id', sa.String(length=64), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('url', sa.String(length=500), nullable=True),
    sa.Column('client_msg_id', sa.String(length=64), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.String(length=200), nullable=True),
    sa.Column('msgid', sa.BigInteger(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['account_id'], ['resident_accounts.id'], name=op.f('fk_notifications_account_id_resident_accounts')),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_notifications_application_id_applications')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notifications')),
    sa.UniqueConstraint('event_key', name=op.f('uq_notifications_event_key'))
    )
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notifications_application_id'), ['application_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_notifications_status'), ['status'], unique=False)

    op.create_table('public_notices',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('application_id', sa.String(length=36), nullable=False),
    sa.Column('area_id', sa.Integer(), nullable=False),
    sa.Column('program', sa.String(length=20), nullable=False),
    sa.Column('masked_name', sa.String(length=50), nullable=False),
    sa.Column('household_size', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('posted_on', sa.Date(), nullable=False),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_public_notices_application_id_applications')),
    sa.ForeignKeyConstraint(['area_id'], ['areas.id'], name=op.f('fk_public_notices_area_id_areas')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_public_notices')),
    sa.UniqueConstraint('application_id', name=op.f('uq_public_notices_application_id'))
    )
    with op.batch_alter_table('public_notices', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_public_notices_area_id'), ['area_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_public_notices_status'), ['status'], unique=False)

    op.create_table('temporary_grants',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('application_id', sa.String(length=36), nullable=False),
    sa.Column('township_id', sa.Integer(), nullable=False),
    sa.Column('program', sa.String(length=20), nullable=False),
    sa.Column('amount', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('level', sa.String(length=10), nullable=False),
    sa.Column('status', sa.String(length=15), nullable=False),
    sa.Column('paid_first', sa.Boolean(), nullable=False),
    sa.Column('paid_on', sa.Date(), nullable=True),
    sa.Column('paperwork_due', sa.Date(), nullable=True),
    sa.Column('paperwork_provisional', sa.Boolean(), nullable=False),
    sa.Column('paperwork_completed_on', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_temporary_grants_application_id_applications')),
    sa.ForeignKeyConstraint(['township_id'], ['areas.id'], name=op.f('fk_temporary_grants_township_id_areas')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_temporary_grants')),
    sa.UniqueConstraint('application_id', name=op.f('uq_temporary_grants_application_id'))
    )
    with op.batch_alter_table('temporary_grants', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_temporary_grants_township_id'), ['township_id'], unique=False)

    op.create_table('verification_reports',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('application_id', sa.String(length=36), nullable=False),
    sa.Column('result', sa.String(length=10), nullable=False),
    sa.Column('warnings', sa.JSON(), nullable=False),
    sa.Column('summary', sa.Text(), nullable=True),
    sa.Column('reported_on', sa.Date(), nullable=False),
    sa.Column('source', sa.String(length=10), nullable=False),
    sa.Column('recorded_by_staff_id', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_verification_reports_application_id_applications')),
    sa.ForeignKeyConstraint(['recorded_by_staff_id'], ['staff_users.id'], name=op.f('fk_verification_reports_recorded_by_staff_id_staff_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_verification_reports'))
    )
    with op.batch_alter_table('verification_reports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_verification_reports_application_id'), ['application_id'], unique=False)

    op.create_table('entitlement_events',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('entitlement_id', sa.String(length=36), nullable=False),
    sa.Column('action', sa.String(length=20), nullable=False),
    sa.Column('from_state', sa.String(length=15), nullable=True),
    sa.Column('to_state', sa.String(length=15), nullable=False),
    sa.Column('amount', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('detail', sa.JSON(), nullable=True),
    sa.Column('staff_id', sa.String(length=36), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['entitlement_id'], ['entitlements.id'], name=op.f('fk_entitlement_events_entitlement_id_entitlements')),
    sa.ForeignKeyConstraint(['staff_id'], ['staff_users.id'], name=op.f('fk_entitlement_events_staff_id_staff_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_entitlement_events'))
    )
    with op.batch_alter_table('entitlement_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_entitlement_events_entitlement_id'), ['entitlement_id'], unique=False)

    op.create_table('objections',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('notice_id', sa.String(length=36), nullable=False),
    sa.Column('application_id', sa.String(length=36), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('contact_name', sa.String(length=50), nullable=False),
    sa.Column('contact_phone', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_objections_application_id_applications')),
    sa.ForeignKeyConstraint(['notice_id'], ['public_notices.id'], name=op.f('fk_objections_notice_id_public_notices')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_objections'))
    )
    with op.batch_alter_table('objections', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_objections_application_id'), ['application_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_objections_notice_id'), ['notice_id'], unique=False)

    op.create_table('repayments',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('record_id', sa.String(length=36), nullable=False),
    sa.Column('amount', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('paid_on', sa.Date(), nullable=False),
    sa.Column('recorded_by_staff_id', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['record_id'], ['dishonesty_records.id'], name=op.f('fk_repayments_record_id_dishonesty_records')),
    sa.ForeignKeyConstraint(['recorded_by_staff_id'], ['staff_users.id'], name=op.f('fk_repayments_recorded_by_staff_id_staff_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_repayments'))
    )
    with op.batch_alter_table('repayments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_repayments_record_id'), ['record_id'], unique=False)

    op.create_table('reserve_fund_entries',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('area_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=15), nullable=False),
    sa.Column('amount', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('balance_after', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('grant_id', sa.String(length=36), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('staff_id', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['area_id'], ['areas.id'], name=op.f('fk_reserve_fund_entries_area_id_areas')),
    sa.ForeignKeyConstraint(['grant_id'], ['temporary_grants.id'], name=op.f('fk_reserve_fund_entries_grant_id_temporary_grants')),
    sa.ForeignKeyConstraint(['staff_id'], ['staff_users.id'], name=op.f('fk_reserve_fund_entries_staff_id_staff_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reserve_fund_entries'))
    )
    with op.batch_alter_table('reserve_fund_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reserve_fund_entries_area_id'), ['area_id'], unique=False)



def downgrade():
    with op.batch_alter_table('reserve_fund_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reserve_fund_entries_area_id'))

    op.drop_table('reserve_fund_entries')
    with op.batch_alter_table('repayments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_repayments_record_id'))

    op.drop_table('repayments')
    with op.batch_alter_table('objections', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_objections_notice_id'))
        batch_op.drop_index(batch_op.f('ix_objections_application_id'))

    op.drop_table('objections')
    with op.batch_alter_table('entitlement_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_entitlement_events_entitlement_id'))

    op.drop_table('entitlement_events')
    with op.batch_alter_table('verification_reports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_verification_reports_application_id'))

    op.drop_table('verification_reports')
    with op.batch_alter_table('temporary_grants', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_temporary_grants_township_id'))

    op.drop_table('temporary_grants')
    with op.batch_alter_table('public_notices', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_public_notices_status'))
        batch_op.drop_index(batch_op.f('ix_public_notices_area_id'))

    op.drop_table('public_notices')
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notifications_status'))
        batch_op.drop_index(batch_op.f('ix_notifications_application_id'))

    op.drop_table('notifications')
    with op.batch_alter_table('home_visits', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_home_visits_application_id'))

    op.drop_table('home_visits')
    with op.batch_alter_table('hearings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_hearings_application_id'))

    op.drop_table('hearings')
    with op.batch_alter_table('entitlements', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_entitlements_state'))
        batch_op.drop_index(batch_op.f('ix_entitlements_next_review_on'))
        batch_op.drop_index(batch_op.f('ix_entitlements_household_id'))
        batch_op.drop_index(batch_op.f('ix_entitlements_area_id'))

    op.drop_table('entitlements')
    with op.batch_alter_table('dishonesty_records', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dishonesty_records_household_id'))
        batch_op.drop_index(batch_op.f('ix_dishonesty_records_area_id'))

    op.drop_table('dishonesty_records')
    op.drop_table('decisions')
    with op.batch_alter_table('deadline_extensions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_deadline_extensions_application_id'))

    op.drop_table('deadline_extensions')
    with op.batch_alter_table('case_files', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_files_due_date'))

    op.drop_table('case_files')
    with op.batch_alter_table('case_assignments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_assignments_application_id'))

    op.drop_table('case_assignments')
    with op.batch_alter_table('relative_register', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_relative_register_id_number_hash'))
        batch_op.drop_index(batch_op.f('ix_relative_register_area_id'))

    op.drop_table('relative_register')
    op.drop_table('reserve_funds')
