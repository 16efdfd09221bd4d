package dev.modelforge.compress.pass;

/**
 * Block-wise 4-bit quantization in ONNX Runtime's {@code MatMulNBits} layout: for each output
 * column n and block b of {@code blockSize} consecutive K values, codes are packed two per byte,
 * the lower K index in the low nibble; B is [N, blocks, blockSize/2]. K that is not a multiple of
 * the block size is padded with the zero point (so padding dequantizes to exactly 0). Scales are
 * [N * blocks]; zero points (asymmetric only) are packed two per byte per column,
 * [N * ceil(blocks/2)]. Symmetric blocks use the implicit zero point 8 and a signed scale that maps
 * the block's largest-magnitude weight to code 0 exactly.
 */
public final class Int4Packer {
    private Int4Packer() {
    }

    /** Packed weight, scales, and packed zero points (null when symmetric). */
    public record Packed(byte[] b, float[] scales, byte[] zeroPoints, int blocks, int[] zeroPointValues) {
    }

    /** Quantizes a row-major [N, K] weight (row n = output column n of the MatMul weight). */
    public static Packed pack(float[] wNK, int n, int k, int blockSize, boolean symmetric) {
        int blocks = (k + blockSize - 1) / blockSize;
        int blob = blockSize / 2;
        byte[] b = new byte[n * blocks * blob];
        float[] scales = new float[n * blocks];
        int zpBytesPerRow = (blocks + 1) / 2;
        byte[] zps = symmetric ? null : new byte[n * zpBytesPerRow];
        int[] zpValues = new int[n * blocks];
        for (int row = 0; row < n; row++) {
            for (int blk = 0; blk < blocks; blk++) {
                int start = blk * blockSize;
                int end = Math.min(k, start + blockSize);
                float scale;
                int zp;
                if (symmetric) {
                    // Map the largest-magnitude value (with its sign) exactly onto code -8, so all 16
                    // levels are used; the scale is negative when that value is positive.
                    float extreme = 0;
                    for (int i = start; i < end; i++) {
                        float v = wNK[row * k + i];
                        if (Math.abs(v) > Math.abs(extreme)) {
                            extreme = v;
                        }
                    }
                    scale = extreme == 0 ? 1f : extreme / -8f;
                    zp = 8;
                } else {
                    float mn = 0;
                    float mx = 0;
                    for (int i = start; i < end; i++) {
                        mn = Math.min(mn, wNK[row * k + i]);
                        mx = Math.max(mx, wNK[row * k + i]);
                    }
                    scale = mx == mn ? 1f : (mx - mn) / 15f;
                    zp = (int) Math.max(0, Math.min(15, Math.rint(-mn / scale)));
                }
                scales[row * blocks + blk] = scale;
                zpValues[row * blocks + blk] = zp;
                if (!symmetric) {
                    int idx = row * zpBytesPerRow + blk / 2;
                    zps[idx] = (byte) (blk % 2 == 0 ? (zps[idx] & 0xf0) | zp : (zps[idx] & 0x0f) | (zp << 4));
                }
                int base = (row * blocks + blk) * blob;
                for (int j = 0; j < blockSize; j++) {
                    int kk = start + j;
                    int code = kk < k ? (int) Math.max(0, Math.min(15, Math.rint(wNK[row * k + kk] / scale) + zp)) : zp;
                    int byteIdx = base + j / 2;
                    b[byteIdx] = (byte) (j % 2 == 0 ? (b[byteIdx] & 0xf0) | code : (b[byteIdx] & 0x0f) | (code << 4));
                }
            }
        }
        return new Packed(b, scales, zps, blocks, zpValues);
    }

    /** Reference dequantization back to row-major [N, K] (what MatMulNBits computes with). */
    public static float[] unpack(Packed p, int n, int k, int blockSize) {
        float[] out = new float[n * k];
        int blob = blockSize / 2;
        for (int row = 0; row < n; row++) {
            for (int kk = 0; kk < k; kk++) {
                int blk = kk / blockSize;
                int j = kk % blockSize;
                int v = p.b()[(row * p.blocks() + blk) * blob + j / 2] & 0xff;
                int code = j % 2 == 0 ? v & 0x0f : v >>> 4;
                out[row * k + kk] = (code - p.zeroPointValues()[row * p.blocks() + blk]) * p.scales()[row * p.blocks() + blk];
            }
        }
        return out;
    }
}
