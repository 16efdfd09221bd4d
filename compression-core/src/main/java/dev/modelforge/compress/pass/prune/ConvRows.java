package dev.modelforge.compress.pass.prune;

import dev.modelforge.compress.ir.Node;
import dev.modelforge.compress.ir.Tensor;

import java.util.List;

/**
 * im2col for a 2-D Conv (group 1, explicit pads, strides, dilations): one regression row per
 * output position, holding the receptive field of every input channel, so a Conv's weights can be
 * refitted by least squares like a dense layer's.
 */
final class ConvRows implements Recovery.RowBuilder {
    private final int kh;
    private final int kw;
    private final int padTop;
    private final int padLeft;
    private final int strideH;
    private final int strideW;
    private final int dilH;
    private final int dilW;

    ConvRows(Node n, Tensor w) {
        kh = (int) w.dim(2);
        kw = (int) w.dim(3);
        List<Long> pads = n.attrInts("pads");
        List<Long> strides = n.attrInts("strides");
        List<Long> dil = n.attrInts("dilations");
        padTop = pads.isEmpty() ? 0 : pads.get(0).intValue();
        padLeft = pads.isEmpty() ? 0 : pads.get(1).intValue();
        strideH = strides.isEmpty() ? 1 : strides.get(0).intValue();
        strideW = strides.isEmpty() ? 1 : strides.get(1).intValue();
        dilH = dil.isEmpty() ? 1 : dil.get(0).intValue();
        dilW = dil.isEmpty() ? 1 : dil.get(1).intValue();
    }

    @Override
    public void add(Activations.Value x, Activations.Value y, int[] keptOut, boolean intercept, NormalEquations ne,
                    int maxRows) {
        int b = x.dim(0);
        int c = x.dim(1);
        int h = x.dim(2);
        int wd = x.dim(3);
        int m = y.dim(1);
        int oh = y.dim(2);
        int ow = y.dim(3);
        int k = c * kh * kw;
        int total = b * oh * ow;
        int stride = Math.max(1, (int) Math.ceil(total / (double) maxRows));
        float[] xr = new float[ne.k()];
        float[] yr = new float[keptOut.length];
        float[] xd = x.data();
        float[] yd = y.data();
        for (int r = 0; r < total; r += stride) {
            int s = r / (oh * ow);
            int py = (r / ow) % oh;
            int px = r % ow;
            int p = 0;
            for (int ci = 0; ci < c; ci++) {
                int base = (s * c + ci) * h * wd;
                for (int i = 0; i < kh; i++) {
                    int iy = py * strideH - padTop + i * dilH;
                    for (int j = 0; j < kw; j++) {
                        int ix = px * strideW - padLeft + j * dilW;
                        xr[p++] = iy < 0 || iy >= h || ix < 0 || ix >= wd ? 0f : xd[base + iy * wd + ix];
                    }
                }
            }
            if (intercept) {
                xr[k] = 1f;
            }
            for (int j = 0; j < keptOut.length; j++) {
                yr[j] = yd[((s * m) + keptOut[j]) * oh * ow + py * ow + px];
            }
            ne.add(xr, 0, yr, 0);
        }
    }
}
