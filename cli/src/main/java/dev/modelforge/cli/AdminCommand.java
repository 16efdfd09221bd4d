package dev.modelforge.cli;

import dev.modelforge.api.job.DeadLetterReplay;
import dev.modelforge.api.job.DeadLetteredJob;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code modelforge admin dlq list|replay TOPIC}: operator commands (need an admin key). */
@Command(name = "admin", mixinStandardHelpOptions = true,
        description = "Operator commands (admin key): dlq list|replay compression-jobs|benchmark-jobs.",
        subcommands = {AdminCommand.Dlq.class})
final class AdminCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "name a subcommand: dlq");
    }

    /** The workers' job dead-letter topics. */
    @Command(name = "dlq", mixinStandardHelpOptions = true,
            description = "Job dead-letter topics: list TOPIC shows the dead-lettered jobs and their status now;"
                    + " replay TOPIC re-queues those that have not succeeded. TOPIC: compression-jobs or"
                    + " benchmark-jobs.",
            subcommands = {Dlq.ListDeadLetters.class, Dlq.Replay.class})
    static final class Dlq implements Runnable {

        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "name a subcommand: list or replay");
        }

        @Command(name = "list", mixinStandardHelpOptions = true,
                description = "The newest dead-lettered jobs, oldest first, with why and their status now.")
        static final class ListDeadLetters extends RegistryCommand {
            @Parameters(index = "0", paramLabel = "TOPIC", description = "compression-jobs or benchmark-jobs.")
            String topic;

            @Option(names = "--limit", paramLabel = "N", defaultValue = "100", description = "At most N records.")
            int limit;

            @Override
            public Integer call() {
                if (limit < 1) {
                    throw new IllegalArgumentException("--limit must be 1 or more, got " + limit);
                }
                List<DeadLetteredJob> records = registry.client().listDeadLetters(topic, limit);
                return print(records, () -> {
                    var table = new Output.Table("OFFSET", "JOB", "STATUS NOW", "DEAD-LETTERED", "REASON");
                    for (DeadLetteredJob d : records) {
                        table.row(d.partition() + "@" + d.offset(), d.jobId() == null ? "(unreadable)" : d.jobId(),
                                d.jobStatus() == null ? "-" : d.jobStatus().wireName(), d.deadLetteredAt(),
                                d.reason());
                    }
                    table.print(out());
                });
            }
        }

        @Command(name = "replay", mixinStandardHelpOptions = true,
                description = "Re-queue every dead-lettered job that has not succeeded and is not leased to a live"
                        + " worker (fresh lease attempts); safe to repeat.")
        static final class Replay extends RegistryCommand {
            @Parameters(index = "0", paramLabel = "TOPIC", description = "compression-jobs or benchmark-jobs.")
            String topic;

            @Override
            public Integer call() {
                DeadLetterReplay replay = registry.client().replayDeadLetters(topic);
                return print(replay, () -> {
                    var table = new Output.Table("JOB", "OUTCOME", "DETAIL");
                    for (DeadLetterReplay.JobReplay j : replay.jobs()) {
                        table.row(j.jobId() == null ? "(unreadable)" : j.jobId(), j.outcome().wireName(), j.detail());
                    }
                    table.print(out());
                    out().println(replay.requeued() + " job(s) re-queued from " + replay.records() + " record(s) of "
                            + replay.topic());
                });
            }
        }
    }
}
