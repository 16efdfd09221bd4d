package dev.modelforge.registry.version;

import dev.modelforge.api.version.SignatureDto;
import dev.modelforge.api.version.TensorSpec;
import dev.modelforge.onnx.Dim;
import dev.modelforge.onnx.ModelSignature;
import java.util.List;

/** Maps model-io's signature to the API's record (the API must not depend on model-io). */
final class Signatures {
    private Signatures() {
    }

    static SignatureDto toDto(ModelSignature s) {
        return new SignatureDto(s.inputs().stream().map(Signatures::spec).toList(),
                s.outputs().stream().map(Signatures::spec).toList(), s.opsetImports(), s.irVersion(),
                s.producerName(), s.producerVersion(), s.nodeCount(), s.parameterCount());
    }

    private static TensorSpec spec(dev.modelforge.onnx.TensorSpec t) {
        List<String> shape = t.rankKnown() ? t.shape().stream().map(Dim::toString).toList() : null;
        return new TensorSpec(t.name(), t.elementType().name(), shape);
    }
}
