package dev.modelforge.api.auth;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RoleTest {

    @Test
    void humanRolesAreOrderedAndNoneIncludesWorker() {
        assertThat(Role.PROMOTER.includes(Role.UPLOADER)).isTrue();
        assertThat(Role.UPLOADER.includes(Role.READER)).isTrue();
        assertThat(Role.UPLOADER.includes(Role.PROMOTER)).isFalse();
        for (Role human : new Role[] {Role.READER, Role.UPLOADER, Role.PROMOTER}) {
            assertThat(human.includes(Role.WORKER)).as(human.wireName()).isFalse();
        }
    }

    @Test
    void aWorkerReadsAndWorksButIsNothingElse() {
        assertThat(Role.WORKER.includes(Role.WORKER)).isTrue();
        assertThat(Role.WORKER.includes(Role.READER)).isTrue();
        assertThat(Role.WORKER.includes(Role.UPLOADER)).isFalse();
        assertThat(Role.WORKER.includes(Role.PROMOTER)).isFalse();
        assertThat(Role.WORKER.includes(Role.ADMIN)).isFalse();
        assertThat(Role.parse("worker")).isEqualTo(Role.WORKER);
    }

    @Test
    void adminHoldsEveryRole() {
        for (Role r : Role.values()) {
            assertThat(Role.ADMIN.includes(r)).as(r.wireName()).isTrue();
        }
    }
}
