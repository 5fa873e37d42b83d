package io.limiter.client.cli;

import io.limiter.client.LimiterClient;
import io.limiter.client.Permit;
import io.limiter.core.LimiterTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code limiter run --limit NAME [--weight N] [--timeout 30s] -- COMMAND ARGS...}: takes a permit, runs the command
 * with this terminal (its lease renewed while it runs), releases the permit when it exits, and exits with its
 * status. On SIGTERM or SIGINT the command is stopped and the permit released before exiting.
 */
@Command(name = "run", description = "Run a command under a cluster-wide permit; exit with its status "
        + "(75 if no permit came in time).")
final class RunCommand implements Callable<Integer> {
    @ParentCommand
    LimiterCli cli;

    @Option(names = "--limit", required = true, paramLabel = "NAME", description = "The limit to take a permit from")
    String limit;

    @Option(names = "--weight", defaultValue = "1", paramLabel = "N", description = "Permits to take (default 1)")
    int weight;

    @Option(names = "--timeout", defaultValue = "30s", paramLabel = "DURATION",
            description = "How long to wait for a permit, e.g. 500ms, 30s, 5m (default ${DEFAULT-VALUE})")
    Duration timeout;

    @Parameters(arity = "1..*", paramLabel = "COMMAND", description = "The command and its arguments (after --)")
    List<String> command;

    @Override
    public Integer call() throws Exception {
        LimiterClient client = cli.connect();
        Permit permit;
        try {
            permit = client.limiter(limit).acquire(weight, timeout);
        } catch (LimiterTimeoutException e) {
            System.err.println("limiter: no permit from limit '" + limit + "' within " + timeout);
            client.close();
            return LimiterCli.EXIT_NO_PERMIT;
        } catch (RuntimeException e) {
            client.close();
            throw e;
        }
        Process child;
        try {
            child = new ProcessBuilder(command).inheritIO().start();
        } catch (java.io.IOException e) {
            permit.close();
            client.close();
            System.err.println("limiter: cannot start " + command.get(0) + ": " + e.getMessage());
            return 127;
        }
        // SIGTERM/SIGINT: stop the command, release the permit, then let the JVM exit.
        Thread hook = new Thread(() -> {
            if (child.isAlive()) {
                child.destroy();
                try {
                    if (!child.waitFor(10, TimeUnit.SECONDS)) {
                        child.destroyForcibly();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            permit.close();
            client.close();
        }, "limiter-run-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        int status = child.waitFor();
        if (!permit.isValid()) {
            System.err.println("limiter: warning: the lease of permit " + permit.id() + " was lost while '"
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
}
