package dev.modelforge.compress.testing;

import dev.modelforge.onnx.data.NdArray;
import dev.modelforge.onnx.data.Npz;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Rendered images of printed text (random words in the JDK's logical fonts, dark on light or light on dark,
 * on a noisy background), normalised as an OCR model is fed, written as an {@code .npz} under input name
 * {@code x}. A text detector sees text in them, so its probability map is not empty and comparing float
 * and quantized maps means something — unlike on abstract patterns, where the map is ~0 everywhere and the
 * cosine hangs on a handful of pixels.
 */
public final class TextImages {

    private static final String LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    private static final String[] FONTS = {Font.SANS_SERIF, Font.SERIF, Font.MONOSPACED, Font.DIALOG};

    private TextImages() {
    }

    /**
     * Writes {@code count} images of {@code h}×{@code w} with {@code lines} lines of text each.
     *
     * @param mean per-channel mean subtracted after scaling to [0, 1]
     * @param std  per-channel divisor after that
     */
    public static Path write(Path file, long seed, int count, int h, int w, int lines, double[] mean, double[] std) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[count * 3 * h * w];
        for (int s = 0; s < count; s++) {
            BufferedImage im = render(r, h, w, lines);
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int rgb = im.getRGB(x, y);
                    int[] ch = {(rgb >> 16) & 0xff, (rgb >> 8) & 0xff, rgb & 0xff};
                    for (int c = 0; c < 3; c++) {
                        double px = Math.min(255, Math.max(0, ch[c] + (r.nextDouble() - 0.5) * 12)) / 255.0;
                        v[((s * 3 + c) * h + y) * w + x] = (float) ((px - mean[c]) / std[c]);
                    }
                }
            }
        }
        Npz.write(file, Map.of("x", NdArray.ofFloats(v, count, 3, h, w)));
        return file;
    }

    /** ImageNet normalisation (PaddleOCR's detector). */
    public static Path imagenet(Path file, long seed, int count, int h, int w, int lines) {
        return write(file, seed, count, h, w, lines, new double[] {0.485, 0.456, 0.406},
                new double[] {0.229, 0.224, 0.225});
    }

    /** (x − 0.5) / 0.5 normalisation (PaddleOCR's classifier and recogniser). */
    public static Path symmetric(Path file, long seed, int count, int h, int w, int lines) {
        return write(file, seed, count, h, w, lines, new double[] {0.5, 0.5, 0.5}, new double[] {0.5, 0.5, 0.5});
    }

    private static BufferedImage render(SplittableRandom r, int h, int w, int lines) {
        BufferedImage im = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = im.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        boolean dark = r.nextDouble() < 0.8;
        int bg = dark ? 190 + r.nextInt(60) : 10 + r.nextInt(60);
        g.setColor(new Color(tint(r, bg), tint(r, bg), tint(r, bg)));
        g.fillRect(0, 0, w, h);
        int lineHeight = Math.max(8, h / Math.max(1, lines));
        for (int l = 0; l < lines; l++) {
            int size = Math.max(8, (int) (lineHeight * (0.45 + r.nextDouble() * 0.35)));
            g.setFont(new Font(FONTS[r.nextInt(FONTS.length)], r.nextBoolean() ? Font.BOLD : Font.PLAIN, size));
            int fg = dark ? r.nextInt(70) : 200 + r.nextInt(55);
            g.setColor(new Color(tint(r, fg), tint(r, fg), tint(r, fg)));
            StringBuilder text = new StringBuilder();
            int words = 1 + r.nextInt(4);
            for (int k = 0; k < words; k++) {
                for (int c = 3 + r.nextInt(6); c > 0; c--) {
                    text.append(LETTERS.charAt(r.nextInt(LETTERS.length())));
                }
                text.append(' ');
            }
            int x = r.nextInt(Math.max(1, w / 4));
            int y = l * lineHeight + (int) (lineHeight * 0.75);
            g.drawString(text.toString().trim(), x, y);
        }
        g.dispose();
        return im;
    }

    private static int tint(SplittableRandom r, int base) {
        return Math.max(0, Math.min(255, base + r.nextInt(21) - 10));
    }
}
