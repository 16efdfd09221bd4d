package dev.modelforge.api.benchmark;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

class LatencyComparisonJsonTest {

    // the registry's and the worker's mappers ignore unknown properties (Quarkus default)
    private final ObjectMapper json = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    @Test
    void aResultStoredBeforeThePredictionIntervalStillReads() throws Exception {
        String old = """
                {"baselineVariantId":"b","processes":3,"rounds":90,"ratio":0.77,"ciLow":0.76,"ciHigh":0.78,
                 "confidenceLevel":0.95,"baselineLatency":null,"variantLatency":null}""";
        LatencyComparison c = json.readValue(old, LatencyComparison.class);
        assertThat(c.ratio()).isEqualTo(0.77);
        assertThat(c.ciHigh()).isEqualTo(0.78);
        assertThat(c.processRatios()).isNull();
        assertThat(c.predictionLow()).isNull();
        assertThat(c.predictionHigh()).isNull();
    }

    @Test
    void theNewFieldsRoundTripAndAnOldReaderIgnoresThem() throws Exception {
        LatencyComparison c = new LatencyComparison("b", 2, 30, 0.8, 0.79, 0.81, 0.95, null, null,
                List.of(0.795, 0.805), 0.78, 0.82);
        String text = json.writeValueAsString(c);
        assertThat(json.readValue(text, LatencyComparison.class)).isEqualTo(c);
        // what a registry built before this change deserializes the body into
        OldShape old = json.readValue(text, OldShape.class);
        assertThat(old.ratio()).isEqualTo(0.8);
        assertThat(old.ciLow()).isEqualTo(0.79);
    }

    record OldShape(String baselineVariantId, int processes, int rounds, double ratio, double ciLow, double ciHigh,
                    double confidenceLevel, LatencyStats baselineLatency, LatencyStats variantLatency) {
    }
}
