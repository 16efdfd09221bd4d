package dev.modelforge.compress.pass;

import dev.modelforge.compress.ir.Graph;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Detects models that are already quantized, so a pass refuses them instead of stacking a second
 * quantization (or a float16 conversion of the float remainder) on top.
 */
public final class AlreadyQuantized {
    private static final Set<String> QUANTIZED_OPS = Set.of("MatMulInteger", "ConvInteger", "DynamicQuantizeLinear",
            "QuantizeLinear", "DequantizeLinear", "QLinearConv", "QLinearMatMul", "com.microsoft:MatMulNBits",
            "com.microsoft:DynamicQuantizeMatMul", "com.microsoft:MatMulIntegerToFloat", "com.microsoft:QGemm",
            "com.microsoft:QuantizeLinear", "com.microsoft:DequantizeLinear");

    private AlreadyQuantized() {
    }

    /**
     * @throws NothingToDoException naming the quantized ops found
     */
    public static void refuse(Graph g, String pass) throws NothingToDoException {
        Map<String, Integer> found = new TreeMap<>();
        g.opHistogram().forEach((op, n) -> {
            if (QUANTIZED_OPS.contains(op)) {
                found.put(op, n);
            }
        });
        if (!found.isEmpty()) {
            throw new NothingToDoException(pass, "the model is already quantized " + found
                    + "; compress the float original instead");
        }
    }
}
