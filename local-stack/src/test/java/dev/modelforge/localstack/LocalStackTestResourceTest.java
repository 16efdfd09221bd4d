package dev.modelforge.localstack;

import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class LocalStackTestResourceTest {

    @Test
    void everyStartReturnsTheSameRunningStackWithDevServicesOff() throws Exception {
        LocalStackTestResource first = new LocalStackTestResource();
        Map<String, String> config = first.start();
        first.stop(); // Quarkus calls this between profiles; the stack must survive it

        Map<String, String> again = new LocalStackTestResource().start();
        assertThat(again).isEqualTo(config);
        assertThat(config).containsEntry("quarkus.devservices.enabled", "false")
                .containsKeys("quarkus.datasource.jdbc.url", "quarkus.datasource.username",
                        "quarkus.datasource.password", "kafka.bootstrap.servers", "modelforge.storage.endpoint",
                        "modelforge.storage.access-key", "modelforge.storage.secret-key",
                        "modelforge.storage.bucket", "modelforge.storage.region");
        try (Connection c = DriverManager.getConnection(config.get("quarkus.datasource.jdbc.url"),
                config.get("quarkus.datasource.username"), config.get("quarkus.datasource.password"));
             ResultSet r = c.createStatement().executeQuery("select 1")) {
            assertThat(r.next()).isTrue();
        }
    }
}
