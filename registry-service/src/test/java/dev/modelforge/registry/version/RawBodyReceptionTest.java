package dev.modelforge.registry.version;

import static dev.modelforge.registry.RegistryTestSupport.key;
import static dev.modelforge.registry.RegistryTestSupport.reluModel;
import static dev.modelforge.registry.RegistryTestSupport.s3;
import static dev.modelforge.registry.RegistryTestSupport.sha256;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.ByteString;
import dev.modelforge.api.version.UploadHeaders;
import dev.modelforge.localstack.LocalStackTestResource;
import dev.modelforge.registry.RegistryTestSupport.Footprint;
import io.minio.GetObjectArgs;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.core.ConditionTimeoutException;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/**
 * How the raw upload path receives its body ({@link RequestBodyStream}): with the test profile's 64 KiB
 * receive buffer, multi-MiB uploads pause and resume reception many times and must still arrive intact,
 * whether the client is fast or slow; a client that disconnects or goes silent mid-body leaves nothing.
 */
@QuarkusTest
@QuarkusTestResource(value = LocalStackTestResource.class, restrictToAnnotatedClass = false)
class RawBodyReceptionTest {
    private static final int BODY_BYTES = 5 << 20;

    /** single_relu plus an unused random initializer: a valid model of about {@code weightBytes}. */
    private static byte[] bigModel(int weightBytes, long seed) {
        byte[] weights = new byte[weightBytes];
        new Random(seed).nextBytes(weights);
        try {
            var model = OnnxMl.ModelProto.parseFrom(reluModel()).toBuilder();
            model.getGraphBuilder().addInitializer(OnnxMl.TensorProto.newBuilder().setName("unused")
                    .setDataType(OnnxMl.TensorProto.DataType.UINT8.getNumber()).addDims(weightBytes)
                    .setRawData(ByteString.copyFrom(weights)));
            return model.build().toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] stored(String sha) throws Exception {
        String bucket = ConfigProvider.getConfig().getValue("modelforge.storage.bucket", String.class);
        try (InputStream in = s3().getObject(GetObjectArgs.builder().bucket(bucket).object("sha256/" + sha).build())) {
            return in.readAllBytes();
        }
    }

    private static double metric(String name, String labels) {
        String text = given().auth().oauth2(key("reader")).get("/q/metrics").then().statusCode(200).extract().asString();
        double sum = 0;
        for (String line : text.split("\n")) {
            if (line.startsWith(name + "{") && line.contains(labels) || line.startsWith(name + " ")) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }

    /**
     * The footprint once storage has settled: an aborted PUT is cleaned up by the store shortly after the
     * registry hangs up, and until then s3proxy cannot list the bucket (its half-written temp file).
     */
    private static Footprint settledFootprint(Footprint expected) {
        var seen = new AtomicReference<Footprint>();
        try {
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
                seen.set(Footprint.now());
                return expected == null || seen.get().equals(expected);
            });
        } catch (ConditionTimeoutException e) {
            // the caller's assertion shows what remained
        }
        return seen.get();
    }

    private static double rejectedUploads() {
        return metric("modelforge_uploads_total", "outcome=\"rejected\"");
    }

    private static Socket startUpload(String model, byte[] body, String sha256) throws IOException {
        return startUpload(model, body, sha256, "");
    }

    /** Opens a raw HTTP/1.1 upload and writes its headers; the caller writes (some of) the body. */
    private static Socket startUpload(String model, byte[] body, String sha256, String extraHeaders)
            throws IOException {
        var socket = new Socket("localhost", RestAssured.port);
        socket.setSoTimeout(60_000);
        String head = "POST /api/v1/models/" + model + "/versions HTTP/1.1\r\n"
                + "Host: localhost\r\n"
                + "Authorization: Bearer " + key("uploader") + "\r\n"
                + "Content-Type: application/octet-stream\r\n"
                + "Content-Length: " + body.length + "\r\n"
                + (sha256 == null ? "" : UploadHeaders.REPR_DIGEST + ": " + UploadHeaders.reprDigest(sha256) + "\r\n")
                + extraHeaders
                + "\r\n";
        socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
        return socket;
    }

    /** Reads one HTTP/1.1 response (status line, headers, Content-Length body) as text. */
    private static String readResponse(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        var head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.write(b);
        }
        String headers = head.toString(StandardCharsets.US_ASCII);
        int length = 0;
        for (String line : headers.split("\r\n")) {
            if (line.toLowerCase().startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).trim());
            }
        }
        return headers + new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }

    @Test
    void slowClientArrivesIntactThroughManyPauses() throws Exception {
        byte[] onnx = bigModel(BODY_BYTES, 1);
        String sha = sha256(onnx);
        String response;
        try (Socket socket = startUpload("recv-slow", onnx, sha)) {
            OutputStream out = socket.getOutputStream();
            for (int off = 0, piece = 0; off < onnx.length; off += 32 << 10, piece++) {
                out.write(onnx, off, Math.min(32 << 10, onnx.length - off));
                out.flush();
                if (piece % 16 == 0) {
                    Thread.sleep(20); // lets the worker drain the queue: reception runs dry, then refills
                }
            }
            response = readResponse(socket);
        }
        assertThat(response).startsWith("HTTP/1.1 201").contains("\"sha256\":\"" + sha + "\"");
        assertThat(stored(sha)).isEqualTo(onnx);
    }

    @Test
    void clientThatExpects100ContinueIsToldToSend() throws Exception {
        byte[] onnx = bigModel(256 << 10, 4);
        String sha = sha256(onnx);
        String interim;
        String response;
        try (Socket socket = startUpload("recv-continue", onnx, sha, "Expect: 100-continue\r\n")) {
            interim = readResponse(socket); // curl waits for this before sending a large body
            socket.getOutputStream().write(onnx);
            response = readResponse(socket);
        }
        assertThat(interim).startsWith("HTTP/1.1 100");
        assertThat(response).startsWith("HTTP/1.1 201").contains("\"sha256\":\"" + sha + "\"");
        assertThat(stored(sha)).isEqualTo(onnx);
    }

    @Test
    void fastClientIsPausedAndArrivesIntact() throws Exception {
        double pausesBefore = metric("modelforge_upload_receive_pauses_total", "");
        for (String digest : new String[] {"declared", "none"}) {
            byte[] onnx = bigModel(BODY_BYTES, digest.length());
            String sha = sha256(onnx);
            var request = given().auth().oauth2(key("uploader")).contentType("application/octet-stream").body(onnx);
            if (digest.equals("declared")) { // straight to the content address; else staging + copy
                request.header(UploadHeaders.REPR_DIGEST, UploadHeaders.reprDigest(sha));
            }
            request.post("/api/v1/models/{name}/versions", "recv-fast-" + digest).then().statusCode(201);
            assertThat(stored(sha)).as(digest).isEqualTo(onnx);
        }
        // 64 KiB of queue against 10 MiB sent at loopback speed: reception had to wait for storage.
        assertThat(metric("modelforge_upload_receive_pauses_total", "")).isGreaterThan(pausesBefore);
    }

    /*
     * Both failure tests stop before the first body byte: a byte that arrives is forwarded to storage at once,
     * and aborting that PUT leaves s3proxy 2.7 (filesystem store) with a temp file that breaks every later
     * bucket listing in this JVM. Real S3 and MinIO discard an aborted PUT; the registry's handling after
     * the failure is the same either way (RequestBodyStream.failure(), then the storage cleanup).
     */

    @Test
    void clientThatDisconnectsBeforeItsBodyLeavesNothing() throws Exception {
        Footprint before = settledFootprint(null);
        assertThat(before).isNotNull();
        double rejected = rejectedUploads();
        byte[] onnx = bigModel(BODY_BYTES, 2);
        try (Socket socket = startUpload("recv-gone", onnx, sha256(onnx))) {
            socket.getOutputStream().flush();
            Thread.sleep(200); // the registry is now waiting for the body
        } // closed with the whole body still owed
        await().atMost(Duration.ofSeconds(30)).until(() -> rejectedUploads() > rejected);
        assertThat(settledFootprint(before)).isEqualTo(before);
        given().auth().oauth2(key("reader")).get("/api/v1/models/recv-gone/versions").then().statusCode(404);
    }

    @Test
    void silentClientGets408AndLeavesNothing() throws Exception {
        Footprint before = settledFootprint(null);
        assertThat(before).isNotNull();
        byte[] onnx = bigModel(BODY_BYTES, 3);
        String response;
        try (Socket socket = startUpload("recv-silent", onnx, null)) {
            socket.getOutputStream().flush();
            // %test.modelforge.upload.body-idle-timeout=2s: the registry gives up and answers.
            response = readResponse(socket);
        }
        assertThat(response).startsWith("HTTP/1.1 408").contains("application/problem+json")
                .contains("https://modelforge.dev/problems/incomplete-body");
        assertThat(settledFootprint(before)).isEqualTo(before);
        given().auth().oauth2(key("reader")).get("/api/v1/models/recv-silent/versions").then().statusCode(404);
    }
}
