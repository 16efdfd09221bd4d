package dev.modelforge.registry.version;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class BytePipeTest {
    private static byte[] pattern(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 31 + (i >>> 8));
        }
        return b;
    }

    private static CompletableFuture<Void> writeInChunks(BytePipe pipe, byte[] data, int chunk) {
        return CompletableFuture.runAsync(() -> {
            try {
                for (int off = 0; off < data.length; off += chunk) {
                    pipe.write(data, off, Math.min(chunk, data.length - off));
                }
                pipe.closeWriter();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @Test
    void skipLargerThanTheRingDropsExactlyThoseBytes() throws Exception {
        byte[] data = pattern(5 << 20);
        var pipe = new BytePipe(64 << 10);
        var writer = writeInChunks(pipe, data, 10_007);
        InputStream in = pipe.reader();
        byte[] head = in.readNBytes(100);
        long skipped = in.skip(3 << 20);
        byte[] rest = in.readAllBytes();
        writer.get();

        assertThat(head).isEqualTo(java.util.Arrays.copyOfRange(data, 0, 100));
        assertThat(skipped).isEqualTo(3 << 20);
        assertThat(rest).isEqualTo(java.util.Arrays.copyOfRange(data, 100 + (3 << 20), data.length));
    }

    @Test
    void skipPastTheEndReturnsWhatWasLeft() throws Exception {
        byte[] data = pattern(200_000);
        var pipe = new BytePipe(16 << 10);
        var writer = writeInChunks(pipe, data, 4096);
        InputStream in = pipe.reader();
        in.readNBytes(1000);
        assertThat(in.skip(1_000_000)).isEqualTo(199_000);
        assertThat(in.read()).isEqualTo(-1);
        writer.get();
    }

    @Test
    void interleavedReadsAndSkipsSeeTheStreamInOrder() throws Exception {
        byte[] data = pattern(1 << 20);
        var pipe = new BytePipe(8 << 10);
        var writer = writeInChunks(pipe, data, 3000);
        InputStream in = pipe.reader();
        var expected = new ByteArrayOutputStream();
        var actual = new ByteArrayOutputStream();
        int pos = 0;
        for (int step = 0; pos < data.length; step++) {
            int n = Math.min(data.length - pos, 1 + (step * 7919) % 20_000);
            if (step % 2 == 0) {
                actual.write(in.readNBytes(n));
                expected.write(data, pos, n);
            } else {
                assertThat(in.skip(n)).isEqualTo(n);
            }
            pos += n;
        }
        assertThat(in.read()).isEqualTo(-1);
        assertThat(actual.toByteArray()).isEqualTo(expected.toByteArray());
        writer.get();
    }
}
