package dev.modelforge.localstack;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ExternalServicesTest {

    @Test
    void emptyEnvironmentMeansEverythingEmbedded() {
        ExternalServices external = ExternalServices.from(Map.of("PATH", "/usr/bin"));
        assertThat(external.database()).isEmpty();
        assertThat(external.kafkaBootstrap()).isEmpty();
        assertThat(external.objectStore()).isEmpty();
    }

    @Test
    void eachVariableReplacesItsService() {
        ExternalServices external = ExternalServices.from(Map.of(
                "MODELFORGE_DB_URL", "jdbc:postgresql://db:5432/modelforge",
                "MODELFORGE_DB_USER", "mf",
                "MODELFORGE_DB_PASSWORD", "secret",
                "MODELFORGE_KAFKA_BOOTSTRAP", " kafka:9092 ",
                "MODELFORGE_S3_ENDPOINT", "http://minio:9000",
                "MODELFORGE_S3_ACCESS_KEY", "ak",
                "MODELFORGE_S3_SECRET_KEY", "sk"));
        assertThat(external.database()).contains(
                new ExternalServices.Database("jdbc:postgresql://db:5432/modelforge", "mf", "secret"));
        assertThat(external.kafkaBootstrap()).contains("kafka:9092");
        assertThat(external.objectStore()).contains(new ExternalServices.ObjectStore("http://minio:9000", "ak", "sk"));
    }

    @Test
    void blankVariablesCountAsUnset() {
        ExternalServices external = ExternalServices.from(Map.of("MODELFORGE_KAFKA_BOOTSTRAP", "  "));
        assertThat(external.kafkaBootstrap()).isEmpty();
    }

    @Test
    void s3EndpointWithoutKeysIsRejectedWithTheMissingNames() {
        assertThatThrownBy(() -> ExternalServices.from(Map.of("MODELFORGE_S3_ENDPOINT", "http://minio:9000")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("MODELFORGE_S3_ACCESS_KEY")
                .hasMessageContaining("MODELFORGE_S3_SECRET_KEY");
    }

    @Test
    void databaseUrlWithoutUserIsRejected() {
        assertThatThrownBy(() -> ExternalServices.from(Map.of("MODELFORGE_DB_URL", "jdbc:postgresql://db/x")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("MODELFORGE_DB_USER");
    }

    @Test
    void credentialsWithoutUrlAreRejected() {
        assertThatThrownBy(() -> ExternalServices.from(Map.of("MODELFORGE_DB_USER", "mf")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("MODELFORGE_DB_URL");
    }
}
