package dev.modelforge.registry.version;

import dev.modelforge.api.version.SignatureDto;
import dev.modelforge.api.version.TensorSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a caller of a model would notice between two signatures: inputs or outputs added or removed (by name), and for
 * a tensor in both, its element type, its rank and its fixed dimensions. Symbolic or unknown dimensions match
 * anything on the other side except a different fixed size vs fixed size; a symbolic dimension that became fixed (or
 * the reverse) is a difference, since a caller using another size breaks. Opsets, producer and weights are not part
 * of the contract.
 */
public final class SignatureDiff {

    private SignatureDiff() {
    }

    /** Each difference as a sentence, in a stable order; empty when {@code next} can serve callers of {@code previous}. */
    public static List<String> between(SignatureDto previous, SignatureDto next) {
        List<String> out = new ArrayList<>();
        compare("input", previous.inputs(), next.inputs(), out);
        compare("output", previous.outputs(), next.outputs(), out);
        return out;
    }

    private static void compare(String kind, List<TensorSpec> before, List<TensorSpec> after, List<String> out) {
        Map<String, TensorSpec> old = byName(before);
        Map<String, TensorSpec> now = byName(after);
        for (TensorSpec o : old.values()) {
            TensorSpec n = now.get(o.name());
            if (n == null) {
                out.add(kind + " '" + o.name() + "' " + describe(o) + " was removed");
                continue;
            }
            if (!o.elementType().equals(n.elementType())) {
                out.add(kind + " '" + o.name() + "' element type " + o.elementType() + " -> " + n.elementType());
            }
            if (o.shape() != null && n.shape() != null) {
                if (o.shape().size() != n.shape().size()) {
                    out.add(kind + " '" + o.name() + "' rank " + o.shape().size() + " -> " + n.shape().size()
                            + " (" + o.shape() + " -> " + n.shape() + ")");
                } else {
                    for (int d = 0; d < o.shape().size(); d++) {
                        String a = o.shape().get(d);
                        String b = n.shape().get(d);
                        if ((fixed(a) || fixed(b)) && !a.equals(b)) {
                            out.add(kind + " '" + o.name() + "' dimension " + d + " " + a + " -> " + b
                                    + " (" + o.shape() + " -> " + n.shape() + ")");
                        }
                    }
                }
            }
        }
        for (TensorSpec n : now.values()) {
            if (!old.containsKey(n.name())) {
                out.add(kind + " '" + n.name() + "' " + describe(n) + " was added");
            }
        }
    }

    private static boolean fixed(String dim) {
        return !dim.isEmpty() && dim.chars().allMatch(Character::isDigit);
    }

    private static String describe(TensorSpec t) {
        return t.elementType() + (t.shape() == null ? "" : t.shape().toString());
    }

    private static Map<String, TensorSpec> byName(List<TensorSpec> specs) {
        Map<String, TensorSpec> m = new LinkedHashMap<>();
        for (TensorSpec t : specs == null ? List.<TensorSpec>of() : specs) {
            m.put(t.name(), t);
        }
        return m;
    }
}
