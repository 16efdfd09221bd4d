package dev.modelforge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@code modelforge admin dlq list|replay} against canned registry answers. */
class AdminCommandTest extends CannedCliTest {

    @Test
    void listShowsEachDeadLetteredJobWithItsStatusNow() {
        registry.on("GET /api/v1/admin/dead-letters/compression-jobs?limit=100", """
                [{"topic":"modelforge.compression-jobs.dlq","partition":0,"offset":4,
                  "jobId":"6f1c2a9e-0000-4000-8000-000000000001","reason":"attempt 3/3: checksum mismatch",
                  "deadLetteredAt":"2026-12-07T06:00:00Z","jobStatus":"dead"},
                 {"topic":"modelforge.compression-jobs.dlq","partition":0,"offset":5,"jobId":null,
                  "reason":"unreadable","deadLetteredAt":"2026-12-07T06:00:01Z","jobStatus":null}]""");
        assertThat(run("admin", "dlq", "list", "compression-jobs")).as(err.toString()).isZero();
        assertThat(out.toString()).contains("0@4").contains("6f1c2a9e-0000-4000-8000-000000000001").contains("dead")
                .contains("checksum mismatch").contains("(unreadable)");
    }

    @Test
    void replayPrintsWhatItDidPerJob() {
        registry.on("POST /api/v1/admin/dead-letters/benchmark-jobs/replay", """
                {"topic":"modelforge.benchmark-jobs.dlq","records":3,"jobs":[
                  {"jobId":"a1","outcome":"requeued","detail":"queued again"},
                  {"jobId":"b2","outcome":"already-succeeded","detail":"left alone"}]}""");
        assertThat(run("admin", "dlq", "replay", "benchmark-jobs")).as(err.toString()).isZero();
        assertThat(out.toString()).contains("a1").contains("requeued").contains("already-succeeded")
                .contains("1 job(s) re-queued from 3 record(s) of modelforge.benchmark-jobs.dlq");
        assertThat(registry.requests).contains("POST /api/v1/admin/dead-letters/benchmark-jobs/replay");
    }

    @Test
    void aNonAdminKeyIsRefusedWithTheExitCodeForARoleTooLow() {
        registry.on("POST /api/v1/admin/dead-letters/compression-jobs/replay", 403,
                "{\"type\":\"https://modelforge.dev/problems/forbidden\",\"status\":403,\"detail\":\"admin only\"}");
        assertThat(run("admin", "dlq", "replay", "compression-jobs")).isEqualTo(11);
        assertThat(run("admin", "dlq")).isEqualTo(2);
        assertThat(run("admin", "dlq", "list", "compression-jobs", "--limit", "0")).isEqualTo(2);
    }
}
