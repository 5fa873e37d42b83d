package io.limiter.client.cli;

import io.limiter.client.DistributedLimiter;
import io.limiter.client.LimiterClient;
import io.limiter.client.LimiterListener;
import io.limiter.client.Permit;
import io.limiter.core.LimiterTimeoutException;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code limiter run --limit NAME [--weight N] [--timeout 30s] [--on-lease-lost warn|stop] -- COMMAND ARGS...}:
 * takes a permit, runs the command with this terminal (its lease renewed while it runs), releases the permit when
 * it exits, and exits with its status. On SIGTERM or SIGINT the command is stopped and the permit released before
 * exiting. If the permit's lease is lost while the command runs (force-released by an operator, expired during an
 * outage, limit deleted), {@code warn} (the default) lets it finish and warns; {@code stop} stops it (SIGTERM, then
 * SIGKILL after 10 s) and exits with 76.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run a command under a cluster-wide permit; exit with its status (75 if no permit came in "
                + "time, 76 if the lease was lost and the command stopped).")
final class RunCommand implements Callable<Integer> {
    /** What {@code run} does when the permit's lease is lost while the command runs. */
    enum OnLeaseLost {
        /** Let the command finish; print a warning. */
        WARN,
        /** Stop the command and exit with {@link LimiterCli#EXIT_LEASE_LOST}. */
        STOP
    }

    private static final Duration STOP_GRACE = Duration.ofSeconds(10);

    @ParentCommand
    LimiterCli cli;

    @Spec
    CommandSpec spec;

    @Option(names = "--limit", required = true, paramLabel = "NAME", description = "The limit to take a permit from")
    String limit;

    @Option(names = "--key", paramLabel = "KEY",
            description = "For a keyed limit: the key (tenant, user, ...) whose cap to take a permit from")
    String key;

    @Option(names = "--weight", defaultValue = "1", paramLabel = "N", description = "Permits to take (default 1)")
    int weight;

    @Option(names = "--timeout", defaultValue = "30s", paramLabel = "DURATION",
            description = "How long to wait for a permit, e.g. 500ms, 30s, 5m (default ${DEFAULT-VALUE})")
    Duration timeout;

    @Option(names = "--on-lease-lost", defaultValue = "warn", paramLabel = "warn|stop",
            description = "If the permit's lease is lost while the command runs: warn (let it finish, the default) "
                    + "or stop (stop it and exit 76)")
    OnLeaseLost onLeaseLost;

    @Parameters(arity = "1..*", paramLabel = "COMMAND", description = "The command and its arguments (after --)")
    List<String> command;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        CompletableFuture<Permit> lost = new CompletableFuture<>();
        LimiterClient client = cli.connect(new LimiterListener() {
            @Override
            public void onLeaseLost(Permit permit) {
                lost.complete(permit);
            }
        });
        Permit permit;
        try {
            DistributedLimiter limiter = key != null ? client.limiter(limit).forKey(key) : client.limiter(limit);
            permit = limiter.acquire(weight, timeout);
        } catch (LimiterTimeoutException e) {
            err.println("limiter: no permit from limit '" + limit + "'" + (key != null ? " for key '" + key + "'" : "")
                    + " within " + timeout);
            client.close();
            return LimiterCli.EXIT_NO_PERMIT;
        } catch (RuntimeException e) {
            client.close();
            throw e;
        }
        Process child;
        try {
            child = new ProcessBuilder(command).inheritIO().start();
        } catch (IOException e) {
            permit.close();
            client.close();
            err.println("limiter: cannot start " + command.get(0) + ": " + e.getMessage());
            return 127;
        }
        AtomicBoolean stoppedForLoss = new AtomicBoolean();
        if (onLeaseLost == OnLeaseLost.STOP) {
            lost.thenAcceptAsync(p -> {
                stoppedForLoss.set(true); // before the command can exit
                stop(child);
            });
        }
        // SIGTERM/SIGINT: stop the command, release the permit, then let the JVM exit.
        Thread hook = new Thread(() -> {
            stop(child);
            permit.close();
            client.close();
        }, "limiter-run-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        int status = child.waitFor();
        if (stoppedForLoss.get()) {
            err.println("limiter: the lease of permit " + permit.id() + " was lost while '" + command.get(0)
                    + "' ran; stopped it (--on-lease-lost stop)");
            status = LimiterCli.EXIT_LEASE_LOST;
        } else if (lost.isDone() || !permit.isValid()) {
            err.println("limiter: warning: the lease of permit " + permit.id() + " was lost while '"
                    + command.get(0) + "' ran; it may have run beyond the cap");
        }
        permit.close();
        client.close();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is already running
        }
        return status;
    }

    /** Stops the command: SIGTERM, then SIGKILL after {@link #STOP_GRACE}. */
    private static void stop(Process child) {
        if (!child.isAlive()) {
            return;
        }
        child.destroy();
        try {
            if (!child.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                child.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
