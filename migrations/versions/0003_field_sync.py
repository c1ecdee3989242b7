"""Field sync: devices, op log, merged record states, change counter, scope exits, sealed values,
attachment references, village assignments, outbox, home visits from the field, resumable uploads.

Revision ID: 0003
Revises: 0001
Create Date: 2026-11-22 17:05:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('sync_counters',
    sa.Column('name', sa.String(length=30), nullable=False),
    sa.Column('value', sa.BigInteger(), nullable=False),
    sa.Column('max_hlc', sa.String(length=100), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_sync_counters'))
    )

    op.create_table('sync_sealed_values',
    sa.Column('value_hash', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('ciphertext', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('value_hash', name=op.f('pk_sync_sealed_values'))
    )

    op.create_table('sync_outbox',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('job_id', sa.String(length=160), nullable=False),
    sa.Column('job', sa.String(length=40), nullable=False),
    sa.Column('args', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('relayed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sync_outbox')),
    sa.UniqueConstraint('job_id', name=op.f('uq_sync_outbox_job_id'))
    )

    with op.batch_alter_table('sync_outbox', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sync_outbox_relayed_at'), ['relayed_at'], unique=False)

    op.create_table('field_assignments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('staff_id', sa.String(length=36), nullable=False),
    sa.Column('area_id', sa.Integer(), nullable=False),
    sa.Column('assigned_by_staff_id', sa.String(length=36), nullable=True),
    sa.Column('assigned_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['area_id'], ['areas.id'], name=op.f('fk_field_assignments_area_id_areas')),
    sa.ForeignKeyConstraint(['assigned_by_staff_id'], ['staff_users.id'], name=op.f('fk_field_assignments_assigned_by_staff_id_staff_users')),
    sa.ForeignKeyConstraint(['staff_id'], ['staff_users.id'], name=op.f('fk_field_assignments_staff_id_staff_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_field_assignments'))
    )

    with op.batch_alter_table('field_assignments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_field_assignments_staff_id'), ['staff_id'], unique=False)

    op.create_table('field_uploads',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('staff_id', sa.String(length=36), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('length', sa.BigInteger(), nullable=False),
    sa.Column('offset', sa.BigInteger(), nullable=False),
    sa.Column('content_type', sa.String(length=50), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('completed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('lock_token', sa.String(length=36), nullable=True),
    sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['staff_id'], ['staff_users.id'], name=op.f('fk_field_uploads_staff_id_staff_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_field_uploads'))
    )

    with op.batch_alter_table('field_uploads', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_field_uploads_expires_at'), ['expires_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_field_uploads_sha256'), ['sha256'], unique=False)
        batch_op.create_index(batch_op.f('ix_field_uploads_staff_id'), ['staff_id'], unique=False)

    op.create_table('sync_devices',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('staff_id', sa.String(length=36), nullable=False),
    sa.Column('label', sa.String(length=100), nullable=True),
    sa.Column('default_area_id', sa.Integer(), nullable=True),
    sa.Column('next_device_seq', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['default_area_id'], ['areas.id'], name=op.f('fk_sync_devices_default_area_id_areas')),
    sa.ForeignKeyConstraint(['staff_id'], ['staff_users.id'], name=op.f('fk_sync_devices_staff_id_staff_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sync_devices'))
    )

    with op.batch_alter_table('sync_devices', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sync_devices_staff_id'), ['staff_id'], unique=False)

    op.create_table('sync_records',
    sa.Column('entity', sa.String(length=20), nullable=False),
    sa.Column('record_id', sa.String(length=36), nullable=False),
    sa.Column('household_id', sa.String(length=36), nullable=False),
    sa.Column('area_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.Text(), nullable=False),
    sa.Column('display', sa.Text(), nullable=False),
    sa.Column('attachments', sa.Text(), nullable=True),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('has_conflicts', sa.Boolean(), nullable=False),
    sa.Column('record_version', sa.Integer(), nullable=False),
    sa.Column('change_seq', sa.BigInteger(), nullable=False),
    sa.Column('created_by_staff_id', sa.String(length=36), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['area_id'], ['areas.id'], name=op.f('fk_sync_records_area_id_areas')),
    sa.PrimaryKeyConstraint('entity', 'record_id', name=op.f('pk_sync_records'))
    )

    with op.batch_alter_table('sync_records', schema=None) as batch_op:
        batch_op.create_index('ix_sync_records_area_seq', ['area_id', 'change_seq'], unique=False)
        batch_op.create_index('ix_sync_records_conflicts', ['area_id'], unique=False, postgresql_where=sa.text('has_conflicts IS true'), sqlite_where=sa.text('has_conflicts IS 1'))
        batch_op.create_index(batch_op.f('ix_sync_records_household_id'), ['household_id'], unique=False)

    op.create_table('sync_scope_exits',
    sa.Column('seq', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('entity', sa.String(length=20), nullable=False),
    sa.Column('record_id', sa.String(length=36), nullable=False),
    sa.Column('from_area_id', sa.Integer(), nullable=False),
    sa.Column('to_area_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['from_area_id'], ['areas.id'], name=op.f('fk_sync_scope_exits_from_area_id_areas')),
    sa.ForeignKeyConstraint(['to_area_id'], ['areas.id'], name=op.f('fk_sync_scope_exits_to_area_id_areas')),
    sa.PrimaryKeyConstraint('seq', name=op.f('pk_sync_scope_exits'))
    )

    with op.batch_alter_table('sync_scope_exits', schema=None) as batch_op:
        batch_op.create_index('ix_sync_scope_exits_from_seq', ['from_area_id', 'seq'], unique=False)

    op.create_table('sync_attachment_refs',
    sa.Column('entity', sa.String(length=20), nullable=False),
    sa.Column('record_id', sa.String(length=36), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('household_id', sa.String(length=36), nullable=False),
    sa.Column('staff_id', sa.String(length=36), nullable=False),
    sa.Column('attachment_id', sa.String(length=36), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['staff_id'], ['staff_users.id'], name=op.f('fk_sync_attachment_refs_staff_id_staff_users')),
    sa.PrimaryKeyConstraint('entity', 'record_id', 'sha256', 'kind', name=op.f('pk_sync_attachment_refs'))
    )

    with op.batch_alter_table('sync_attachment_refs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sync_attachment_refs_household_id'), ['household_id'], unique=False)
        batch_op.create_index('ix_sync_attachment_refs_sha256', ['sha256'], unique=False)

    op.create_table('sync_ops',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('op_id', sa.String(length=64), nullable=False),
    sa.Column('device_id', sa.String(length=64), nullable=False),
    sa.Column('device_seq', sa.Integer(), nullable=False),
    sa.Column('batch_id', sa.String(length=64), nullable=True),
    sa.Column('staff_id', sa.String(length=36), nullable=False),
    sa.Column('origin', sa.String(length=12), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('entity', sa.String(length=20), nullable=True),
    sa.Column('record_id', sa.String(length=64), nullable=True),
    sa.Column('op_type', sa.String(length=10), nullable=True),
    sa.Column('hlc', sa.String(length=100), nullable=True),
    sa.Column('hlc_original', sa.String(length=100), nullable=True),
    sa.Column('base_version', sa.Text(), nullable=True),
    sa.Column('fields', sa.Text(), nullable=True),
    sa.Column('attachments', sa.Text(), nullable=True),
    sa.Column('result', sa.Text(), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('sealed_payload', sa.Text(), nullable=True),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['device_id'], ['sync_devices.id'], name=op.f('fk_sync_ops_device_id_sync_devices')),
    sa.ForeignKeyConstraint(['staff_id'], ['staff_users.id'], name=op.f('fk_sync_ops_staff_id_staff_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sync_ops')),
    sa.UniqueConstraint('device_id', 'device_seq', name='uq_sync_ops_device_seq'),
    sa.UniqueConstraint('op_id', name=op.f('uq_sync_ops_op_id'))
    )

    with op.batch_alter_table('sync_ops', schema=None) as batch_op:
        batch_op.create_index('ix_sync_ops_record', ['entity', 'record_id'], unique=False)
        batch_op.create_index('ix_sync_ops_status', ['status', 'origin'], unique=False)

    op.create_table('field_visits',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('household_id', sa.String(length=36), nullable=False),
    sa.Column('application_id', sa.String(length=36), nullable=True),
    sa.Column('visited_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('visitor_staff_ids', sa.Text(), nullable=True),
    sa.Column('latitude', sa.Float(), nullable=True),
    sa.Column('longitude', sa.Float(), nullable=True),
    sa.Column('accuracy_m', sa.Float(), nullable=True),
    sa.Column('findings', sa.Text(), nullable=True),
    sa.Column('living_conditions', sa.Text(), nullable=True),
    sa.Column('recorded_by_staff_id', sa.String(length=36), nullable=True),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['household_id'], ['households.id'], name=op.f('fk_field_visits_household_id_households'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_field_visits'))
    )

    with op.batch_alter_table('field_visits', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_field_visits_application_id'), ['application_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_field_visits_household_id'), ['household_id'], unique=False)


def downgrade():
    with op.batch_alter_table('field_visits', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_field_visits_application_id'))
        batch_op.drop_index(batch_op.f('ix_field_visits_household_id'))

    op.drop_table('field_visits')

    with op.batch_alter_table('sync_ops', schema=None) as batch_op:
        batch_op.drop_index('ix_sync_ops_record')
        batch_op.drop_index('ix_sync_ops_status')

    op.drop_table('sync_ops')

    with op.batch_alter_table('sync_attachment_refs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sync_attachment_refs_household_id'))
        batch_op.drop_index('ix_sync_attachment_refs_sha256')

    op.drop_table('sync_attachment_refs')

    with op.batch_alter_table('sync_scope_exits', schema=None) as batch_op:
        batch_op.drop_index('ix_sync_scope_exits_from_seq')

    op.drop_table('sync_scope_exits')

    with op.batch_alter_table('sync_records', schema=None) as batch_op:
        batch_op.drop_index('ix_sync_records_area_seq')
        batch_op.drop_index('ix_sync_records_conflicts')
        batch_op.drop_index(batch_op.f('ix_sync_records_household_id'))

    op.drop_table('sync_records')

    with op.batch_alter_table('sync_devices', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sync_devices_staff_id'))

    op.drop_table('sync_devices')

    with op.batch_alter_table('field_uploads', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_field_uploads_expires_at'))
        batch_op.drop_index(batch_op.f('ix_field_uploads_sha256'))
        batch_op.drop_index(batch_op.f('ix_field_uploads_staff_id'))

    op.drop_table('field_uploads')

    with op.batch_alter_table('field_assignments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_field_assignments_staff_id'))

    op.drop_table('field_assignments')

    with op.batch_alter_table('sync_outbox', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sync_outbox_relayed_at'))

    op.drop_table('sync_outbox')

    op.drop_table('sync_sealed_values')

    op.drop_table('sync_counters')
