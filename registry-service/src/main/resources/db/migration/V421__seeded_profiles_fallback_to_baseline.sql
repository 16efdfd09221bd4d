-- Issue 16: every profile gets a runnable answer. A seeded profile whose policy does not say otherwise now states
-- "fallbackToBaseline": true explicitly (it is also the default for profiles created later), so GET shows the
-- setting and an admin sees what to set to false to opt out. Profiles an admin already edited keep their spec
-- unless they never mentioned the setting; each change is a new revision in the profile's history.
update device_profile
set spec = jsonb_set(jsonb_set(spec, '{policy,fallbackToBaseline}', 'true'), '{revision}', to_jsonb(revision + 1)),
    revision = revision + 1,
    updated_at = now(),
    updated_by = 'migration V421 (fallbackToBaseline)'
where name in ('x86-server', 'arm64-mobile', 'iot-1core', 'gpu-fp16')
  and jsonb_typeof(spec -> 'policy') = 'object'
  and not (spec -> 'policy' ? 'fallbackToBaseline');

insert into device_profile_revision (name, revision, spec, deleted, changed_by, changed_at)
select name, revision, spec, false, updated_by, updated_at from device_profile
where updated_by = 'migration V421 (fallbackToBaseline)';
