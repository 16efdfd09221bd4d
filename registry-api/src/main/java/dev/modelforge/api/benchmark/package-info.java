/**
 * Benchmark contract between the benchmark worker and the registry: the job a worker consumes,
 * the result it posts ({@code POST /api/v1/variants/{id}/benchmarks}, idempotent on the job id),
 * and the value types inside it.
 */
package dev.modelforge.api.benchmark;
