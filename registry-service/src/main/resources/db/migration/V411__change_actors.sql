-- Issue 13: who changed a model's metadata last, and who archived a version (as key:<id>).
alter table model add column updated_by varchar(100);
alter table model_version add column archived_by varchar(100);
