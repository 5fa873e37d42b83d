package io.limiter.client.cli;

import io.limiter.client.LimiterClient;
import io.limiter.client.LimiterListener;
import io.limiter.core.Durations;
import io.limiter.core.LimiterException;
import io.limiter.core.LimiterUnavailableException;
import io.limiter.core.LimiterValidationException;
import io.limiter.core.internal.redis.KeySchema;
import io.limiter.core.internal.redis.LimitStore;
import io.limiter.core.redis.RedisBackend;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code limiter} command: run a shell command under a cluster-wide permit, and manage limits.
 *
 * <pre>
 * limiter run --limit nightly-export --timeout 5m -- ./export.sh --all
 * limiter define nightly-export --permits 2 --lease 30s
 * limiter get|list|delete ...
 * limiter override set|remove|list NAME [KEY] ...
 * limiter help [COMMAND]          (or -h/--help on any command)
 * </pre>
 *
 * Exit codes: the command's own status for {@code run}; 0 success; 1 not found; 2 bad usage or input;
 * 69 Redis unavailable; 75 no permit within the timeout; 76 the permit's lease was lost and the command was
 * stopped ({@code run --on-lease-lost stop}).
 */
@Command(name = "limiter", mixinStandardHelpOptions = true, version = "limiter 0.1.0",
        description = "Cluster-wide permits and limits kept in Redis.",
        subcommands = {RunCommand.class, PolicyCommands.Define.class, PolicyCommands.Replace.class,
            PolicyCommands.Get.class, PolicyCommands.ListLimits.class, PolicyCommands.Delete.class, OverrideCommands.class,
            CommandLine.HelpCommand.class},
        footer = {"", "Exit codes: 0 done; 1 unknown limit; 2 bad input; 69 Redis unreachable; run: the command's "
                + "status, 75 no permit in time, 76 lease lost and command stopped."})
public final class LimiterCli {
    public static final int EXIT_NOT_FOUND = 1;
    public static final int EXIT_USAGE = 2;
    public static final int EXIT_UNAVAILABLE = 69;
    public static final int EXIT_SOFTWARE = 70;
    public static final int EXIT_NO_PERMIT = 75;
    public static final int EXIT_LEASE_LOST = 76;

    @Option(names = "--redis", paramLabel = "URI", scope = CommandLine.ScopeType.INHERIT,
            defaultValue = "${env:LIMITER_REDIS_URI:-redis://127.0.0.1:6379}",
            description = "Redis URI: redis://, rediss://, redis-sentinel://host:26379,...#master or "
                    + "redis-cluster://host:7000,... (default: $LIMITER_REDIS_URI or ${DEFAULT-VALUE})")
    String redis;

    @Option(names = "--key-prefix", paramLabel = "PREFIX", scope = CommandLine.ScopeType.INHERIT,
            defaultValue = "${env:LIMITER_KEY_PREFIX:-limiter}", description = "Key prefix (default: ${DEFAULT-VALUE})")
    String keyPrefix;

    /** Direct script access for the read-only commands (state with holders, listing). */
    LimitStore store(RedisBackend backend) {
        return new LimitStore(backend, new KeySchema(keyPrefix));
    }

    LimiterClient connect() {
        return connect(new LimiterListener() { });
    }

    LimiterClient connect(LimiterListener listener) {
        return LimiterClient.builder().redisUri(redis).keyPrefix(keyPrefix).listener(listener).build();
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns the exit code (for tests and embedding). */
    public static int run(String... args) {
        return run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
    }

    /** Like {@link #run(String...)}, printing help and errors to {@code out} and {@code err}. */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cli = new CommandLine(new LimiterCli());
        for (String command : List.of("define", "replace")) {
            PolicyCommands.PolicyOptions.addOptions(cli.getSubcommands().get(command).getCommandSpec());
        }
        PolicyCommands.PolicyOptions.addOptions(cli.getSubcommands().get("override").getSubcommands().get("set")
                .getCommandSpec());
        cli.setOut(out);
        cli.setErr(err);
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        // picocli names the option: "Invalid value for option '--timeout': must be a duration like ..., was '-5s'".
        cli.registerConverter(Duration.class, LimiterCli::duration);
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            Throwable cause = unwrap(e);
            err.println("limiter: " + cause.getMessage());
            err.flush();
            if (cause instanceof LimiterValidationException) {
                return EXIT_USAGE;
            }
            if (cause instanceof LimiterUnavailableException) {
                return EXIT_UNAVAILABLE;
            }
            return cause instanceof LimiterException ? EXIT_NOT_FOUND : EXIT_SOFTWARE;
        });
        return cli.execute(args);
    }

    /** A duration option's value: the project's duration syntax, never negative. */
    static Duration duration(String text) {
        Duration d;
        try {
            d = Durations.parse("value", text);
        } catch (LimiterValidationException e) {
            throw new CommandLine.TypeConversionException("must " + Durations.RULE + ", was '" + text + "'");
        }
        if (d.isNegative()) {
            throw new CommandLine.TypeConversionException("must not be negative, was '" + text + "'");
        }
        return d;
    }

    /** The failure itself, not the future's wrapper around it. */
    private static Throwable unwrap(Throwable e) {
        Throwable t = e;
        while ((t instanceof ExecutionException || t instanceof CompletionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
