package dev.modelforge.onnx.data;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * NumPy {@code .npy} reader and writer (format versions 1.0, 2.0 and 3.0).
 *
 * <p>Reads little- and big-endian data of the {@link DType}s (big-endian is swapped on read),
 * C order only: a Fortran-ordered array is refused rather than silently transposed.
 * Writes version 1.0, little-endian, header padded to 64 bytes as NumPy does.
 */
public final class Npy {

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final int MAX_HEADER_BYTES = 1 << 20;
    /** No model input has more dims; a header with 500,000 of them is an attack on the parser, not data. */
    static final int MAX_RANK = 64;
    private static final Pattern DESCR = Pattern.compile("['\"]descr['\"]\\s*:\\s*['\"]([^'\"]*)['\"]");
    private static final Pattern FORTRAN = Pattern.compile("['\"]fortran_order['\"]\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("['\"]shape['\"]\\s*:\\s*\\(([^)]*)\\)");

    private Npy() {
    }

    /**
     * Reads one array from a stream positioned at the magic string; reads exactly the array's bytes.
     *
     * @param what name used in error messages (file or npz entry)
     * @throws DatasetFormatException if the bytes are not a supported .npy array
     */
    public static NdArray read(InputStream in, String what) {
        return read(in, what, null);
    }

    static NdArray read(InputStream in, String what, ByteBudget budget) {
        try {
            DataInputStream din = new DataInputStream(in);
            byte[] magic = new byte[MAGIC.length];
            din.readFully(magic);
            if (!java.util.Arrays.equals(magic, MAGIC)) {
                throw new DatasetFormatException(what + " is not a NumPy .npy array (bad magic)");
            }
            int major = din.readUnsignedByte();
            din.readUnsignedByte();
            long headerLen;
            if (major == 1) {
                headerLen = Short.toUnsignedInt(Short.reverseBytes(din.readShort()));
            } else if (major == 2 || major == 3) {
                headerLen = Integer.toUnsignedLong(Integer.reverseBytes(din.readInt()));
            } else {
                throw new DatasetFormatException(what + " uses .npy format version " + major
                        + ", supported are 1, 2 and 3");
            }
            if (headerLen > MAX_HEADER_BYTES) {
                throw new DatasetFormatException(what + " has an implausible .npy header of " + headerLen + " bytes");
            }
            if (budget != null) {
                budget.charge(headerLen, what + " (.npy header)");
            }
            byte[] headerBytes = new byte[(int) headerLen];
            din.readFully(headerBytes);
            String header = new String(headerBytes,
                    major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
            Header h = parseHeader(header, what);
            long bytes = Math.multiplyExact(NdArray.elementCount(h.shape), h.dtype.byteSize());
            if (bytes > Integer.MAX_VALUE - 8) {
                throw new DatasetFormatException(what + " holds " + bytes + " bytes; arrays over 2 GiB are not supported");
            }
            if (budget != null) {
                budget.charge(bytes, what + " (shape " + java.util.Arrays.toString(h.shape) + ")");
            }
            byte[] data = new byte[(int) bytes];
            din.readFully(data);
            ByteBuffer buf = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
            if (h.bigEndian && h.dtype.byteSize() > 1) {
                swap(data, h.dtype.byteSize());
            }
            return NdArray.of(h.dtype, h.shape, buf);
        } catch (EOFException e) {
            throw new DatasetFormatException(what + " is truncated: the .npy data ends early", e);
        } catch (java.util.zip.ZipException e) {
            throw new DatasetFormatException(what + " is corrupt in its archive: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + what + ": " + e.getMessage(), e);
        } catch (ArithmeticException e) {
            throw new DatasetFormatException(what + " declares a shape too large to hold", e);
        }
    }

    private record Header(DType dtype, boolean bigEndian, long[] shape) {
    }

    private static Header parseHeader(String header, String what) {
        Matcher d = DESCR.matcher(header);
        if (!d.find()) {
            throw new DatasetFormatException(what + " has no simple 'descr' in its .npy header"
                    + " (structured or object arrays are not supported): " + header.trim());
        }
        String descr = d.group(1);
        Matcher f = FORTRAN.matcher(header);
        if (!f.find()) {
            throw new DatasetFormatException(what + " has no 'fortran_order' in its .npy header");
        }
        if (f.group(1).equals("True")) {
            throw new DatasetFormatException(what + " is stored in Fortran order; save it C-contiguous "
                    + "(numpy.ascontiguousarray) before writing the .npz");
        }
        Matcher s = SHAPE.matcher(header);
        if (!s.find()) {
            throw new DatasetFormatException(what + " has no 'shape' in its .npy header");
        }
        List<Long> dims = new ArrayList<>();
        for (String part : s.group(1).split(",")) {
            String p = part.trim();
            if (p.endsWith("L")) {
                p = p.substring(0, p.length() - 1); // Python 2 longs
            }
            if (!p.isEmpty()) {
                try {
                    dims.add(Long.parseLong(p));
                } catch (NumberFormatException e) {
                    throw new DatasetFormatException(what + " has a bad shape (" + s.group(1) + ") in its .npy header");
                }
            }
        }
        if (dims.size() > MAX_RANK) {
            throw new DatasetFormatException(what + " has " + dims.size() + " dims in its .npy shape; at most "
                    + MAX_RANK + " are supported");
        }
        long[] shape = dims.stream().mapToLong(Long::longValue).toArray();
        for (long dim : shape) {
            if (dim < 0) {
                throw new DatasetFormatException(what + " has a negative dimension in shape (" + s.group(1) + ")");
            }
        }
        if (descr.length() < 2) {
            throw new DatasetFormatException(what + " has an unsupported dtype '" + descr + "'");
        }
        char order = descr.charAt(0);
        String code = descr.substring(1);
        boolean big = order == '>';
        if (order != '<' && order != '>' && order != '|' && order != '=') {
            order = '|';
            code = descr;
        }
        if (code.equals("?")) {
            code = "b1";
        }
        String finalCode = code;
        DType dtype = DType.ofNumpyCode(code).orElseThrow(() -> new DatasetFormatException(what
                + " has dtype '" + descr + "', which is not supported (supported: float32, float64, float16, "
                + "int8, uint8, int16, int32, int64, bool)" + ("U".equals(finalCode.substring(0, 1))
                ? "; strings cannot be model inputs" : "")));
        return new Header(dtype, big, shape);
    }

    private static void swap(byte[] data, int width) {
        for (int i = 0; i < data.length; i += width) {
            for (int a = i, b = i + width - 1; a < b; a++, b--) {
                byte t = data[a];
                data[a] = data[b];
                data[b] = t;
            }
        }
    }

    /** Writes an array as .npy version 1.0 to {@code out} (not closed). */
    public static void write(NdArray array, OutputStream out) throws IOException {
        out.write(header(array));
        ByteBuffer data = array.data();
        if (data.hasArray()) {
            out.write(data.array(), data.arrayOffset() + data.position(), data.remaining());
        } else {
            byte[] chunk = new byte[64 * 1024];
            while (data.hasRemaining()) {
                int n = Math.min(chunk.length, data.remaining());
                data.get(chunk, 0, n);
                out.write(chunk, 0, n);
            }
        }
    }

    /** The complete .npy bytes of an array. */
    public static byte[] toBytes(NdArray array) {
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(Integer.MAX_VALUE - 8,
                array.byteSize() + 128));
        try {
            write(array, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static byte[] header(NdArray array) {
        long[] shape = array.shape();
        StringBuilder s = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            s.append(i == 0 ? "" : ", ").append(shape[i]);
        }
        s.append(shape.length == 1 ? ",)" : ")");
        String dict = "{'descr': '" + array.dtype().numpyDescr() + "', 'fortran_order': False, 'shape': " + s + ", }";
        int unpadded = MAGIC.length + 2 + 2 + dict.length() + 1;
        int padding = (64 - unpadded % 64) % 64;
        String text = dict + " ".repeat(padding) + "\n";
        byte[] h = text.getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer b = ByteBuffer.allocate(MAGIC.length + 4 + h.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) h.length).put(h);
        return b.array();
    }
}
