package dev.modelforge.compress.pass.prune;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * How the channel axis of one value is made of prunable channel spaces: a list of segments in
 * order (a Concat output has several), each a run of channels of one space (or a fixed run that is
 * never pruned, space -1), each channel repeated {@code repeat} times contiguously (a Flatten of
 * [N,C,H,W] makes every channel H·W features wide).
 *
 * @param axis     the channel axis counted from the end (-1 = last); stable across batch size
 * @param segments the segments in order
 */
record ChannelLayout(int axis, List<Segment> segments) {
    ChannelLayout {
        segments = List.copyOf(segments);
    }

    /** A run of {@code size} channels of {@code space} (-1 = fixed), each {@code repeat} wide. */
    record Segment(int space, int size, int repeat) {
    }

    static ChannelLayout single(int axis, int space, int size) {
        return new ChannelLayout(axis, List.of(new Segment(space, size, 1)));
    }

    /** Width of the axis in elements. */
    int width() {
        return segments.stream().mapToInt(s -> s.size() * s.repeat()).sum();
    }

    ChannelLayout withAxis(int newAxis) {
        return new ChannelLayout(newAxis, segments);
    }

    ChannelLayout withRepeatFactor(int factor) {
        List<Segment> out = new ArrayList<>();
        segments.forEach(s -> out.add(new Segment(s.space(), s.size(), s.repeat() * factor)));
        return new ChannelLayout(axis, out);
    }

    /** Same segment sizes and repeats (so an elementwise op can pair them up). */
    boolean sameStructure(ChannelLayout o) {
        if (o.segments.size() != segments.size()) {
            return false;
        }
        for (int i = 0; i < segments.size(); i++) {
            Segment a = segments.get(i);
            Segment b = o.segments.get(i);
            if (a.size() != b.size() || a.repeat() != b.repeat()) {
                return false;
            }
        }
        return true;
    }

    /** The keep mask over the axis, given each space's channel mask (null = keep all). */
    boolean[] mask(IntFunction<boolean[]> spaceMask) {
        boolean[] out = new boolean[width()];
        int p = 0;
        for (Segment s : segments) {
            boolean[] m = s.space() < 0 ? null : spaceMask.apply(s.space());
            for (int c = 0; c < s.size(); c++) {
                boolean keep = m == null || m[c];
                for (int r = 0; r < s.repeat(); r++) {
                    out[p++] = keep;
                }
            }
        }
        return out;
    }
}
