package dev.modelforge.compress.pass.qdq;

import dev.modelforge.compress.calibrate.ActivationType;
import dev.modelforge.compress.calibrate.CalibrationSettings;
import java.util.Set;

/**
 * The resolved options of static QDQ quantization.
 *
 * @param activationType uint8 asymmetric (default, what ORT's x86 kernels prefer) or int8 symmetric
 * @param perChannel     one weight scale per output channel (true) or one per tensor
 * @param reduceRange    7-bit weights ([-63, 63]) so U8S8 products cannot saturate on CPUs without VNNI
 * @param calibration    calibration method, percentile, batch size and sample cap
 * @param excludeNodes   node names left in float
 * @param excludeOpTypes op types left in float
 * @param minConvInputChannels a dense Conv with fewer input channels per group keeps float compute
 *                       (int8 weights, restored by Cast → Mul); 1 quantizes every Conv
 * @param quantizeUnprovenPools a Conv behind a float MaxPool whose input is not shown non-negative is quantized
 *                       anyway (ORT then runs that MaxPool on uint8 in NCHW) instead of keeping float compute; which
 *                       is faster depends on the model and device, so {@code auto} measures both
 */
public record StaticQuantOptions(ActivationType activationType, boolean perChannel, boolean reduceRange,
                                 CalibrationSettings calibration, Set<String> excludeNodes,
                                 Set<String> excludeOpTypes, int minConvInputChannels, boolean quantizeUnprovenPools) {

    /**
     * Default of {@link #minConvInputChannels()}. ORT's int8 conv kernels want a long reduction
     * (K = C_in/group·kh·kw); measured on single 3×3 Convs (64×C×16×16 → 16 channels, ORT 1.23,
     * AVX-512 VNNI) int8/float latency is 4.5x at C=1, 3.0x at 2, 1.1x at 4, 0.69x at 8, 0.47x at 16:
     * below 8 input channels the integer kernel is slower than float.
     */
    public static final int DEFAULT_MIN_CONV_INPUT_CHANNELS = 8;

    /** Options that keep float compute behind a MaxPool not shown non-negative (the default). */
    public StaticQuantOptions(ActivationType activationType, boolean perChannel, boolean reduceRange,
                              CalibrationSettings calibration, Set<String> excludeNodes, Set<String> excludeOpTypes,
                              int minConvInputChannels) {
        this(activationType, perChannel, reduceRange, calibration, excludeNodes, excludeOpTypes, minConvInputChannels,
                false);
    }

    public StaticQuantOptions {
        excludeNodes = Set.copyOf(excludeNodes);
        excludeOpTypes = Set.copyOf(excludeOpTypes);
        if (minConvInputChannels < 1) {
            throw new IllegalArgumentException("minConvInputChannels must be >= 1, got " + minConvInputChannels);
        }
    }

    /** Largest weight level: 127, or 63 with {@link #reduceRange()}. */
    public int weightQmax() {
        return reduceRange ? 63 : 127;
    }

    /** Whether a ReLU/Clip after a quantized op can be dropped in favour of the output quantizer's clamp. */
    boolean foldsActivations() {
        // With uint8 the post-ReLU range starts at zero point 0 = qmin, so Q clamps exactly like ReLU.
        // Symmetric int8 has qmin = -127 < zero point 0: the ReLU must stay (as ORT's quantizer does).
        return activationType == ActivationType.UINT8;
    }
}
