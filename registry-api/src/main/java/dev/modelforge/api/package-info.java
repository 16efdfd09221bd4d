/**
 * The registry's contract: REST request/response records, event payloads, error types and a small
 * typed HTTP client. Depends on Jackson only, so services, workers and the CLI can all share it.
 */
package dev.modelforge.api;
