package dev.modelforge.api.version;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/**
 * Where a version came from; sent as the {@code metadata} multipart part or as headers on a raw upload.
 *
 * @param gitSha      commit the model was trained from
 * @param pipelineUrl URL of the pipeline run
 * @param framework   training framework, e.g. {@code pytorch 2.5}
 * @param labels      free-form key/value labels
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record SourceMetadata(String gitSha, String pipelineUrl, String framework, Map<String, String> labels) {

    /** @return metadata with every field empty */
    public static SourceMetadata empty() {
        return new SourceMetadata(null, null, null, null);
    }
}
