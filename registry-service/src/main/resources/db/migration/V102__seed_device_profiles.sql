-- Default device profiles (issue 5), seeded once as revision 1; admins edit or delete them through REST and a
-- deleted default stays deleted. The spec is the DeviceProfile JSON of registry-api; "policy" is read by the
-- promotion engine (constraints, objectives, mode).
insert into device_profile (name, spec, active, revision, updated_at, updated_by) values
('x86-server', '{
  "name": "x86-server",
  "description": "x86-64 server CPU; int8 pays off with AVX-512 VNNI, reduce-range protects AVX2-only hosts",
  "active": true,
  "hardware": {"arch": "x86_64", "cores": 8, "memoryMb": 16384,
               "isaFeatures": ["avx2", "avx512", "avx512-vnni", "vnni", "f16c"], "accelerator": null},
  "runtime": {"executionProvider": "cpu", "intraOpThreads": 4, "interOpThreads": 1, "graphOptimizationLevel": "all"},
  "limits": {"maxSizeMb": null, "maxP95LatencyMillis": 50, "maxMemoryMb": 4096},
  "recipes": [{"steps": [{"name": "int8-dynamic", "params": {}}]},
              {"steps": [{"name": "int8-static", "params": {}}]}],
  "policy": {"constraints": {"maxAccuracyDropPoints": 1.0, "maxP95LatencyMillis": 50},
             "objectives": ["latency", "size"], "mode": "auto"},
  "revision": 1, "updatedAt": "2026-01-01T00:00:00Z"}', true, 1, '2026-01-01T00:00:00Z', 'seed'),
('arm64-mobile', '{
  "name": "arm64-mobile",
  "description": "Phone-class ARM64 SoC, 4 big cores; static int8 QDQ and structured pruning + int8",
  "active": true,
  "hardware": {"arch": "arm64", "cores": 4, "memoryMb": 4096, "isaFeatures": ["neon", "dotprod", "fp16"],
               "accelerator": null},
  "runtime": {"executionProvider": "cpu", "intraOpThreads": 4, "interOpThreads": 1, "graphOptimizationLevel": "all"},
  "limits": {"maxSizeMb": 100, "maxP95LatencyMillis": 100, "maxMemoryMb": 512},
  "recipes": [{"steps": [{"name": "int8-static", "params": {}}]},
              {"steps": [{"name": "prune-structured", "params": {"ratio": 0.3}}, {"name": "int8-static", "params": {}}]}],
  "policy": {"constraints": {"maxAccuracyDropPoints": 1.5, "maxSizeMb": 100, "maxP95LatencyMillis": 100},
             "objectives": ["latency", "size"], "mode": "auto"},
  "revision": 1, "updatedAt": "2026-01-01T00:00:00Z"}', true, 1, '2026-01-01T00:00:00Z', 'seed'),
('iot-1core', '{
  "name": "iot-1core",
  "description": "Single-core ARM64 IoT board with 256 MB; size first: pruning + int8, int4 weights where MatMuls allow",
  "active": true,
  "hardware": {"arch": "arm64", "cores": 1, "memoryMb": 256, "isaFeatures": ["neon"], "accelerator": null},
  "runtime": {"executionProvider": "cpu", "intraOpThreads": 1, "interOpThreads": 1, "graphOptimizationLevel": "all"},
  "limits": {"maxSizeMb": 5, "maxP95LatencyMillis": 500, "maxMemoryMb": 256},
  "recipes": [{"steps": [{"name": "int8-static", "params": {}}]},
              {"steps": [{"name": "prune-structured", "params": {"ratio": 0.5}}, {"name": "int8-static", "params": {}}]},
              {"steps": [{"name": "int4-weight-only", "params": {}}]}],
  "policy": {"constraints": {"maxAccuracyDropPoints": 2.0, "maxSizeMb": 5, "maxMemoryMb": 256},
             "objectives": ["size", "latency"], "mode": "auto"},
  "revision": 1, "updatedAt": "2026-01-01T00:00:00Z"}', true, 1, '2026-01-01T00:00:00Z', 'seed'),
('gpu-fp16', '{
  "name": "gpu-fp16",
  "description": "CUDA GPU; fp16 weights and compute. Benchmarked only where a GPU benchmark worker exists",
  "active": true,
  "hardware": {"arch": "x86_64", "cores": 8, "memoryMb": 16384, "isaFeatures": ["avx2"], "accelerator": "cuda"},
  "runtime": {"executionProvider": "cuda", "intraOpThreads": 1, "interOpThreads": 1, "graphOptimizationLevel": "all"},
  "limits": {"maxSizeMb": null, "maxP95LatencyMillis": 20, "maxMemoryMb": 8192},
  "recipes": [{"steps": [{"name": "fp16", "params": {}}]}],
  "policy": {"constraints": {"maxAccuracyDropPoints": 0.5}, "objectives": ["latency"], "mode": "approval",
             "allowEmulated": false},
  "revision": 1, "updatedAt": "2026-01-01T00:00:00Z"}', true, 1, '2026-01-01T00:00:00Z', 'seed');

insert into device_profile_revision (name, revision, spec, deleted, changed_by, changed_at)
select name, revision, spec, false, updated_by, updated_at from device_profile;
