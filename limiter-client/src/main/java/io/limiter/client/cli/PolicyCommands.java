package io.limiter.client.cli;

import io.limiter.client.LimiterClient;
import io.limiter.core.LimitKeys;
import io.limiter.core.LimitPolicy;
import io.limiter.core.PolicySchema;
import io.limiter.core.redis.LettuceBackend;
import io.limiter.core.redis.LimitState;
import io.limiter.core.PolicyField;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code define}, {@code replace}, {@code get}, {@code list} and {@code delete}. */
final class PolicyCommands {
    private PolicyCommands() {
    }

    /**
     * Policy fields as options, one {@code --<field>} per field of {@link PolicySchema} (added when the command line
     * is built, see {@link #addOptions}); validated by the same rules (and messages) as the API.
     */
    abstract static class PolicyOptions {
        @Spec
        CommandSpec spec;

        /** Adds the policy's options to {@code command}. */
        static void addOptions(CommandSpec command) {
            for (PolicyField f : PolicySchema.FIELDS) {
                command.addOption(OptionSpec.builder("--" + f.name()).paramLabel(label(f)).type(String.class)
                        .description(f.description() + hint(f)).build());
            }
        }

        private static String label(PolicyField f) {
            switch (f.type()) {
                case DURATION:
                    return "DURATION";
                case BOOLEAN:
                    return "true|false";
                case ENUM:
                    return String.join("|", f.values());
                case ZONE:
                    return "ZONE";
                default:
                    return "N";
            }
        }

        private static String hint(PolicyField f) {
            return f.defaultValue() == null ? "" : " (default " + f.defaultValue() + ")";
        }

        LimitPolicy policy() {
            Map<String, Object> fields = new LinkedHashMap<>();
            for (PolicyField f : PolicySchema.FIELDS) {
                String v = spec.findOption("--" + f.name()).getValue();
                if (v != null) {
                    fields.put(f.name(), v);
                }
            }
            return PolicySchema.parse(fields, true);
        }
    }

    static String describe(LimitPolicy p) {
        return PolicySchema.of(p).toString();
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
        @Option(names = "--key", paramLabel = "KEY", description = "For a keyed limit: show this key's state")
        String key;

        @Override
        public Integer call() throws Exception {
            try (LettuceBackend b = LettuceBackend.create(cli.redis)) {
                if (key != null) {
                    String keyName = LimitKeys.nameOf(name, key);
                    Optional<LimitState> family = cli.store(b).state(name, 0).get();
                    if (family.isEmpty()) {
                        System.err.println("limiter: limit '" + name + "' is not defined");
                        return LimiterCli.EXIT_NOT_FOUND;
                    }
                    Optional<LimitState> k = cli.store(b).state(keyName, 100).get();
                    if (k.isEmpty()) {
                        System.out.println("key '" + key + "' of limit '" + name + "': idle (nothing held or used; "
                                + "no state in Redis) under " + describe(family.get().policy()));
                        return 0;
                    }
                    System.out.print("key '" + key + "' of ");
                    print(k.get());
                    k.get().holders().forEach(h -> System.out.printf(
                            "  %s  owner=%s weight=%d acquired=%s expires=%s%n", h.permitId(), h.owner(), h.weight(),
                            h.acquiredAt(), h.leaseExpiresAt()));
                    return 0;
                }
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
        String shown = LimitKeys.isKeyName(s.name()) ? LimitKeys.familyOf(s.name()) : s.name();
        StringBuilder line = new StringBuilder(shown).append(" ").append(describe(p));
        if (p.hasConcurrency()) {
            line.append("  in use ").append(s.permitsInUse()).append('/').append(p.permits());
        }
        if (p.hasRate()) {
            line.append(String.format("  tokens %.1f/%d", s.tokens(), p.burst()));
        }
        if (p.hasQuota()) {
            line.append("  quota left ").append(s.quotaRemaining()).append('/').append(p.quota()).append(" until ")
                    .append(s.quotaResetAt());
        }
        line.append("  holders ").append(s.holderCount());
        System.out.println(line);
    }
}
