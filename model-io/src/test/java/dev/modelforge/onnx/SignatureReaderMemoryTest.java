package dev.modelforge.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.CodedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The signature reader must not hold weights: a model stream carrying 300 MB of initializer and
 * a 100 MB Constant attribute is read while the thread allocates only a few MB. The weight bytes
 * are produced on the fly, so the test itself holds no large array either.
 */
class SignatureReaderMemoryTest {

    private static final long INITIALIZER_BYTES = 300L << 20;
    private static final long ATTRIBUTE_BYTES = 100L << 20;

    @Test
    void skipsWeightBytesWithoutAllocatingThem() throws IOException {
        InputStream model = hugeModel(INITIALIZER_BYTES, ATTRIBUTE_BYTES);
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().getId();
        long before = mx.getThreadAllocatedBytes(tid);

        ModelSignature sig = SignatureReader.read(model);

        long allocated = mx.getThreadAllocatedBytes(tid) - before;
        assertThat(sig.inputs()).extracting(TensorSpec::name).containsExactly("x");
        assertThat(sig.parameterCount()).isEqualTo(INITIALIZER_BYTES / 4);
        assertThat(sig.nodeCount()).isEqualTo(2);
        assertThat(sig.initializerCount()).isEqualTo(1);
        // 400 MB passed through; a reader that copied them would allocate at least that much.
        assertThat(allocated).as("bytes allocated while reading").isLessThan(16L << 20);
    }

    @Test
    void controlFullParseDoesAllocateTheWeights() throws IOException {
        // Shows the measurement above can fail: protobuf's own parser copies every weight byte.
        long init = 24L << 20;
        long attr = 8L << 20;
        InputStream model = hugeModel(init, attr);
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().getId();
        long before = mx.getThreadAllocatedBytes(tid);

        OnnxMl.ModelProto parsed = OnnxFiles.read(model);

        long allocated = mx.getThreadAllocatedBytes(tid) - before;
        assertThat(parsed.getGraph().getInitializer(0).getRawData().size()).isEqualTo((int) init);
        assertThat(allocated).isGreaterThan(init + attr);
    }

    /** ModelProto bytes with one 300 MB float initializer "W" (listed as input too) and a 100 MB Constant. */
    private static InputStream hugeModel(long initializerBytes, long attributeBytes) throws IOException {
        OnnxMl.TensorProto wHeader = OnnxMl.TensorProto.newBuilder().setName("W").setDataType(1)
                .addDims(initializerBytes / 4).build();
        OnnxMl.TensorProto constHeader = OnnxMl.TensorProto.newBuilder().setName("c").setDataType(2)
                .addDims(attributeBytes).build();

        List<InputStream> graph = new ArrayList<>();
        graph.add(bytes(out -> out.writeString(2, "huge")));
        graph.add(bytes(out -> out.writeMessage(11, TestModels.floatInput("x", -1, 4))));
        graph.add(bytes(out -> out.writeMessage(11, TestModels.floatInput("W", initializerBytes / 4))));
        long wLen = wHeader.getSerializedSize() + rawDataPrefixLength(initializerBytes) + initializerBytes;
        graph.add(bytes(out -> {
            out.writeTag(5, 2);
            out.writeUInt64NoTag(wLen);
            wHeader.writeTo(out);
            out.writeTag(9, 2);
            out.writeUInt64NoTag(initializerBytes);
        }));
        graph.add(new ZeroStream(initializerBytes));
        // Node: Constant with attribute "value" (t) holding 100 MB.
        long tLen = constHeader.getSerializedSize() + rawDataPrefixLength(attributeBytes) + attributeBytes;
        byte[] attrHead = bytes2(out -> {
            out.writeString(1, "value");
            out.writeTag(5, 2);
            out.writeUInt64NoTag(tLen);
            constHeader.writeTo(out);
            out.writeTag(9, 2);
            out.writeUInt64NoTag(attributeBytes);
        });
        byte[] attrTail = bytes2(out -> out.writeInt32(20, 4)); // type = TENSOR
        long attrLen = attrHead.length + attributeBytes + attrTail.length;
        byte[] nodeHead = bytes2(out -> {
            out.writeString(2, "c");
            out.writeString(4, "Constant");
            out.writeTag(5, 2);
            out.writeUInt64NoTag(attrLen);
        });
        long nodeLen = nodeHead.length + attrLen;
        graph.add(bytes(out -> {
            out.writeTag(1, 2);
            out.writeUInt64NoTag(nodeLen);
        }));
        graph.add(new java.io.ByteArrayInputStream(nodeHead));
        graph.add(new java.io.ByteArrayInputStream(attrHead));
        graph.add(new ZeroStream(attributeBytes));
        graph.add(new java.io.ByteArrayInputStream(attrTail));
        graph.add(bytes(out -> out.writeMessage(1, OnnxMl.NodeProto.newBuilder().setOpType("MatMul")
                .addInput("x").addInput("W").addOutput("y").build())));
        graph.add(bytes(out -> out.writeMessage(12, TestModels.floatInput("y", -1, 4))));
        long graphLen = 0;
        for (InputStream s : graph) {
            graphLen += s instanceof ZeroStream z ? z.remaining : s.available();
        }
        long gl = graphLen;
        List<InputStream> model = new ArrayList<>();
        model.add(bytes(out -> {
            out.writeInt64(1, 8);
            out.writeString(2, "memory-test");
            out.writeTag(7, 2);
            out.writeUInt64NoTag(gl);
        }));
        model.addAll(graph);
        model.add(bytes(out -> out.writeMessage(8, OnnxMl.OperatorSetIdProto.newBuilder().setVersion(13).build())));
        return new SequenceInputStream(Collections.enumeration(model));
    }

    private static int rawDataPrefixLength(long len) {
        return 1 + CodedOutputStream.computeUInt64SizeNoTag(len);
    }

    private interface Writer {
        void write(CodedOutputStream out) throws IOException;
    }

    private static InputStream bytes(Writer w) throws IOException {
        return new java.io.ByteArrayInputStream(bytes2(w));
    }

    private static byte[] bytes2(Writer w) throws IOException {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(bos);
        w.write(out);
        out.flush();
        return bos.toByteArray();
    }

    /** {@code n} zero bytes, generated on demand. */
    private static final class ZeroStream extends InputStream {
        long remaining;

        ZeroStream(long n) {
            remaining = n;
        }

        @Override
        public int read() {
            if (remaining == 0) {
                return -1;
            }
            remaining--;
            return 0;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (remaining == 0) {
                return -1;
            }
            int n = (int) Math.min(len, remaining);
            java.util.Arrays.fill(b, off, off + n, (byte) 0);
            remaining -= n;
            return n;
        }

        @Override
        public long skip(long n) {
            long s = Math.min(n, remaining);
            remaining -= s;
            return s;
        }

        @Override
        public int available() {
            return (int) Math.min(Integer.MAX_VALUE, remaining);
        }
    }
}
