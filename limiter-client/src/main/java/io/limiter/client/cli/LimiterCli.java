package io.limiter.client.cli;

import io.limiter.client.LimiterClient;
import io.limiter.core.Durations;
import io.limiter.core.LimiterException;
import io.limiter.core.LimiterUnavailableException;
import io.limiter.core.LimiterValidationException;
import java.io.PrintWriter;
import java.time.Duration;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code limiter} command: run a shell command under a cluster-wide permit, and manage limits.
 *
 * <pre>
 * java -jar limiter.jar run --limit nightly-export --timeout 5m -- ./export.sh --all
 * java -jar limiter.jar define nightly-export --permits 2 --lease 30s
 * java -jar limiter.jar get|list|delete ...
 * </pre>
 *
 * Exit codes: the command's own status for {@code run}; 0 success; 1 not found; 2 bad usage or input;
 * 69 Redis unavailable; 75 no permit within the timeout.
 */
@Command(name = "limiter", mixinStandardHelpOptions = true, version = "limiter 0.1.0",
        description = "Cluster-wide permits and limits kept in Redis.",
        subcommands = {RunCommand.class, PolicyCommands.Define.class, PolicyCommands.Replace.class,
            PolicyCommands.Get.class, PolicyCommands.ListLimits.class, PolicyCommands.Delete.class})
public final class LimiterCli {
    public static final int EXIT_NOT_FOUND = 1;
    public static final int EXIT_USAGE = 2;
    public static final int EXIT_UNAVAILABLE = 69;
    public static final int EXIT_NO_PERMIT = 75;

    @Option(names = "--redis", paramLabel = "URI", scope = CommandLine.ScopeType.INHERIT,
            defaultValue = "${env:LIMITER_REDIS_URI:-redis://127.0.0.1:6379}",
            description = "Redis URI: redis://, rediss://, redis-sentinel://host:26379,...#master or "
                    + "redis-cluster://host:7000,... (default: $LIMITER_REDIS_URI or ${DEFAULT-VALUE})")
    String redis;

    @Option(names = "--key-prefix", paramLabel = "PREFIX", scope = CommandLine.ScopeType.INHERIT,
            defaultValue = "${env:LIMITER_KEY_PREFIX:-limiter}", description = "Key prefix (default: ${DEFAULT-VALUE})")
    String keyPrefix;

    /** Direct script access for the read-only commands (state with holders, listing). */
    io.limiter.core.redis.LimitStore store(io.limiter.core.redis.RedisBackend backend) {
        return new io.limiter.core.redis.LimitStore(backend, new io.limiter.core.redis.KeySchema(keyPrefix));
    }

    LimiterClient connect() {
        return LimiterClient.builder().redisUri(redis).keyPrefix(keyPrefix).build();
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns the exit code (for tests and embedding). */
    public static int run(String... args) {
        CommandLine cli = new CommandLine(new LimiterCli());
        cli.registerConverter(Duration.class, text -> Durations.parse("duration", text));
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            PrintWriter err = cmd.getErr();
            err.println("limiter: " + e.getMessage());
            err.flush();
            if (e instanceof LimiterValidationException) {
                return EXIT_USAGE;
            }
            if (e instanceof LimiterUnavailableException) {
                return EXIT_UNAVAILABLE;
            }
            return e instanceof LimiterException ? 1 : 70;
        });
        return cli.execute(args);
    }
}
