package io.limiter.client.cli;

import io.limiter.client.LimiterClient;
import io.limiter.core.LimitPolicy;
import io.limiter.core.PolicyFields;
import io.limiter.core.redis.LettuceBackend;
import io.limiter.core.redis.LimitState;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code define}, {@code replace}, {@code get}, {@code list} and {@code delete}. */
final class PolicyCommands {
    private PolicyCommands() {
    }

    /** Policy fields as options; validated by the same rules (and messages) as the API. */
    abstract static class PolicyOptions {
        @Option(names = "--permits", paramLabel = "N", description = "Permits in use at once, cluster-wide")
        String permits;
        @Option(names = "--lease", paramLabel = "DURATION", description = "Lease of a permit (default 30s)")
        String lease;
        @Option(names = "--rate", paramLabel = "N", description = "Tokens per period")
        String rate;
        @Option(names = "--period", paramLabel = "DURATION", description = "Refill period of the rate (default 1s)")
        String period;
        @Option(names = "--burst", paramLabel = "N", description = "Bucket capacity (default: the rate)")
        String burst;
        @Option(names = "--fair", paramLabel = "true|false",
                description = "Serve waiters of every instance in arrival order (default false)")
        String fair;

        LimitPolicy policy() {
            return PolicyFields.parseText(permits, lease, rate, period, burst, fair);
        }
    }

    static String describe(LimitPolicy p) {
        return PolicyFields.of(p).toString();
    }

    @Command(name = "define", mixinStandardHelpOptions = true,
            description = "Create a limit unless it exists; print the policy now in Redis.")
    static final class Define extends PolicyOptions implements Callable<Integer> {
        @ParentCommand
        LimiterCli cli;
        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Override
        public Integer call() {
            LimitPolicy wanted = policy();
            try (LimiterClient c = cli.connect()) {
                LimitPolicy stored = c.define(name, wanted);
                System.out.println(name + " " + describe(stored)
                        + (stored.equals(wanted) ? "" : "  (already defined differently; use replace to overwrite)"));
            }
            return 0;
        }
    }

    @Command(name = "replace", mixinStandardHelpOptions = true,
            description = "Create or overwrite a limit's policy.")
    static final class Replace extends PolicyOptions implements Callable<Integer> {
        @ParentCommand
        LimiterCli cli;
        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Override
        public Integer call() {
            LimitPolicy wanted = policy();
            try (LimiterClient c = cli.connect()) {
                Optional<LimitPolicy> previous = c.replace(name, wanted);
                System.out.println(name + " " + describe(wanted)
                        + previous.map(p -> "  (was " + describe(p) + ")").orElse("  (created)"));
            }
            return 0;
        }
    }

    @Command(name = "get", mixinStandardHelpOptions = true,
            description = "Show a limit: policy, permits in use, tokens and holders.")
    static final class Get implements Callable<Integer> {
        @ParentCommand
        LimiterCli cli;
        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Override
        public Integer call() throws Exception {
            try (LettuceBackend b = LettuceBackend.create(cli.redis)) {
                Optional<LimitState> s = cli.store(b).state(name, 100).get();
                if (s.isEmpty()) {
                    System.err.println("limiter: limit '" + name + "' is not defined");
                    return LimiterCli.EXIT_NOT_FOUND;
                }
                print(s.get());
                s.get().holders().forEach(h -> System.out.printf("  %s  owner=%s weight=%d acquired=%s expires=%s%n",
                        h.permitId(), h.owner(), h.weight(), h.acquiredAt(), h.leaseExpiresAt()));
            }
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List every limit with a summary.")
    static final class ListLimits implements Callable<Integer> {
        @ParentCommand
        LimiterCli cli;

        @Override
        public Integer call() throws Exception {
            try (LettuceBackend b = LettuceBackend.create(cli.redis)) {
                for (LimitState s : cli.store(b).states(0).get()) {
                    print(s);
                }
            }
            return 0;
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true,
            description = "Remove a limit's policy and state.")
    static final class Delete implements Callable<Integer> {
        @ParentCommand
        LimiterCli cli;
        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Override
        public Integer call() {
            try (LimiterClient c = cli.connect()) {
                if (!c.delete(name)) {
                    System.err.println("limiter: limit '" + name + "' is not defined");
                    return LimiterCli.EXIT_NOT_FOUND;
                }
                System.out.println("deleted " + name);
            }
            return 0;
        }
    }

    private static void print(LimitState s) {
        LimitPolicy p = s.policy();
        StringBuilder line = new StringBuilder(s.name()).append(' ').append(describe(p));
        if (p.hasConcurrency()) {
            line.append("  in use ").append(s.permitsInUse()).append('/').append(p.permits());
        }
        if (p.hasRate()) {
            line.append(String.format("  tokens %.1f/%d", s.tokens(), p.burst()));
        }
        line.append("  holders ").append(s.holderCount());
        System.out.println(line);
    }
}
