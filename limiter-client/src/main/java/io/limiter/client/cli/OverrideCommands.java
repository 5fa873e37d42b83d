package io.limiter.client.cli;

import io.limiter.core.LimitPolicy;
import io.limiter.core.LimiterValidationException;
import io.limiter.core.internal.redis.KeyOverrides;
import io.limiter.core.internal.redis.LimitStore;
import io.limiter.core.redis.LettuceBackend;
import io.limiter.core.redis.LimitState;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code override set|remove|list}: a key's own policy in place of its keyed limit's. */
@Command(name = "override", mixinStandardHelpOptions = true,
        description = "Give one key of a keyed limit its own policy (set), take it back (remove), or list them.",
        subcommands = {OverrideCommands.Set.class, OverrideCommands.Remove.class, OverrideCommands.ListOverrides.class})
final class OverrideCommands {
    @ParentCommand
    LimiterCli cli;

    /** The keyed limit's state, or empty (after printing why) when it is not defined; fails if it is not keyed. */
    static Optional<LimitState> family(LimitStore store, String name, String key) throws Exception {
        Optional<LimitState> f = store.state(name, 0).get();
        if (f.isEmpty()) {
            System.err.println("limiter: limit '" + name + "' is not defined");
        } else if (!f.get().policy().keyed()) {
            throw key == null ? new LimiterValidationException("name", name,
                    "name a keyed limit (one whose policy has keyed: true)")
                    : new LimiterValidationException("key", key, "not be given: limit '" + name + "' is not keyed");
        }
        return f;
    }

    @Command(name = "set", mixinStandardHelpOptions = true,
            description = "Set a key's override (policy options as for define); applied by the key's next call.")
    static final class Set extends PolicyCommands.PolicyOptions implements Callable<Integer> {
        @ParentCommand
        OverrideCommands parent;
        @Parameters(index = "0", paramLabel = "NAME")
        String name;
        @Parameters(index = "1", paramLabel = "KEY")
        String key;

        @Override
        public Integer call() throws Exception {
            LimitPolicy policy = policy();
            try (LettuceBackend b = LettuceBackend.create(parent.cli.redis)) {
                LimitStore store = parent.cli.store(b);
                if (family(store, name, key).isEmpty()) {
                    return LimiterCli.EXIT_NOT_FOUND;
                }
                boolean replaced = store.overrides().set(name, key, policy).get();
                System.out.println("override of key '" + key + "' of " + name + " " + PolicyCommands.describe(policy)
                        + (replaced ? "  (replaced)" : "  (created)"));
            }
            return 0;
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true,
            description = "Remove a key's override: it is under its limit's policy again from its next call.")
    static final class Remove implements Callable<Integer> {
        @ParentCommand
        OverrideCommands parent;
        @Parameters(index = "0", paramLabel = "NAME")
        String name;
        @Parameters(index = "1", paramLabel = "KEY")
        String key;

        @Override
        public Integer call() throws Exception {
            try (LettuceBackend b = LettuceBackend.create(parent.cli.redis)) {
                LimitStore store = parent.cli.store(b);
                if (family(store, name, key).isEmpty()) {
                    return LimiterCli.EXIT_NOT_FOUND;
                }
                if (!store.overrides().remove(name, key).get()) {
                    System.err.println("limiter: key '" + key + "' of limit '" + name + "' has no override");
                    return LimiterCli.EXIT_NOT_FOUND;
                }
                System.out.println("removed the override of key '" + key + "' of " + name);
            }
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List a keyed limit's overrides in key order, a page at a time.")
    static final class ListOverrides implements Callable<Integer> {
        @ParentCommand
        OverrideCommands parent;
        @Parameters(index = "0", paramLabel = "NAME")
        String name;
        @Option(names = "--after", paramLabel = "KEY", description = "Start after this key (the previous page's next)")
        String after;
        @Option(names = "--limit", paramLabel = "N", defaultValue = "100",
                description = "How many, 1 to " + KeyOverrides.MAX_PAGE + " (default ${DEFAULT-VALUE})")
        int limit;

        @Override
        public Integer call() throws Exception {
            try (LettuceBackend b = LettuceBackend.create(parent.cli.redis)) {
                LimitStore store = parent.cli.store(b);
                if (family(store, name, null).isEmpty()) {
                    return LimiterCli.EXIT_NOT_FOUND;
                }
                KeyOverrides.Page page = store.overrides().page(name, after, limit).get();
                page.overrides().forEach(o -> System.out.println(o.key() + " " + PolicyCommands.describe(o.policy())));
                System.out.println(page.overrides().size() + " of " + page.total() + " overrides"
                        + page.next().map(n -> "; next page: --after " + n).orElse(""));
            }
            return 0;
        }
    }
}
