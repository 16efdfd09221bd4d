package dev.modelforge.registry.benchmark;

import dev.modelforge.api.promotion.PromotionProblemTypes;
import dev.modelforge.registry.error.ProblemException;

/** The problem+json answers of the benchmark endpoints. */
final class BenchmarkProblems {

    private BenchmarkProblems() {
    }

    static ProblemException jobNotFound(String id) {
        return new ProblemException(404, PromotionProblemTypes.BENCHMARK_JOB_NOT_FOUND, "Benchmark job not found",
                "no benchmark job with id '" + id + "'");
    }

    static ProblemException finished(String id, Object status) {
        return new ProblemException(409, PromotionProblemTypes.BENCHMARK_JOB_FINISHED, "Benchmark job finished",
                "benchmark job " + id + " is already " + status + "; drop the message");
    }

    static ProblemException mismatch(String detail) {
        return new ProblemException(409, PromotionProblemTypes.BENCHMARK_JOB_MISMATCH, "Result does not match the job",
                detail);
    }

    static ProblemException invalid(String detail) {
        return new ProblemException(422, PromotionProblemTypes.BENCHMARK_RESULT_INVALID, "Invalid benchmark result",
                detail);
    }
}
