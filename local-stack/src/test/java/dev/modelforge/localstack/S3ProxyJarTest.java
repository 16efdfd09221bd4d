package dev.modelforge.localstack;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class S3ProxyJarTest {

    @Test
    void explicitPropertyWinsAndTheMavenRepositoryIsTheLastResort(@TempDir Path dir) throws Exception {
        Path jar = Files.createFile(dir.resolve("my-s3proxy.jar"));
        String previous = System.getProperty(S3ProxyJar.PROPERTY);
        System.setProperty(S3ProxyJar.PROPERTY, jar.toString());
        try {
            assertThat(S3ProxyJar.locate()).isEqualTo(jar);
            assertThat(S3ProxyJar.candidates().get(0)).isEqualTo(jar);
            assertThat(S3ProxyJar.candidates().get(S3ProxyJar.candidates().size() - 1).toString())
                    .endsWith("org/gaul/s3proxy/2.7.0/s3proxy-2.7.0-jar-with-dependencies.jar");
        } finally {
            if (previous == null) {
                System.clearProperty(S3ProxyJar.PROPERTY);
            } else {
                System.setProperty(S3ProxyJar.PROPERTY, previous);
            }
        }
    }

    @Test
    void theBuildCopyIsFoundFromTheModuleDirectory() {
        // Maven runs tests with the module as working directory; the build copied the jar there.
        assertThat(S3ProxyJar.locate().toString()).endsWith("s3proxy.jar");
        assertThat(Files.isRegularFile(S3ProxyJar.locate())).isTrue();
    }
}
