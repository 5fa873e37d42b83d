package io.limiter.client.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.limiter.testing.RedisProcess;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The command line's help, usage errors and Redis-down exits, in-process (no Redis needed). */
class LimiterCliTest {
    private record Result(int status, String out, String err) {
    }

    private static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = LimiterCli.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Result(status, out.toString(), err.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"run", "define", "replace", "get", "list", "delete"})
    void everyCommandPrintsItsHelpWithDashDashHelpAndDashH(String command) {
        for (String flag : List.of("--help", "-h")) {
            Result r = run(command, flag);
            assertThat(r.status()).as(command + " " + flag).isZero();
            assertThat(r.out()).startsWith("Usage: limiter " + command);
            assertThat(r.err()).isEmpty();
        }
    }

    @Test
    void runHelpNeedsNoRequiredOptionAndShowsTheLeaseLostChoice() {
        Result r = run("run", "--help");
        assertThat(r.out()).contains("--limit=NAME", "--on-lease-lost=warn|stop", "warn (let it finish, the default)")
                .doesNotContain("Missing required");
    }

    @Test
    void aHelpCommandListsTheCommandsAndExplainsEachOne() {
        Result top = run("help");
        assertThat(top.status()).isZero();
        assertThat(top.out()).startsWith("Usage: limiter").contains("run", "define", "replace", "get", "list",
                "delete", "help", "Exit codes:");
        Result one = run("help", "run");
        assertThat(one.status()).isZero();
        assertThat(one.out()).startsWith("Usage: limiter run");
    }

    @Test
    void aBadTimeoutNamesTheOptionAndTheRuleWithoutAnExceptionClass() {
        Result r = run("run", "--limit", "x", "--timeout", "-5s", "--", "true");
        assertThat(r.status()).isEqualTo(LimiterCli.EXIT_USAGE);
        assertThat(r.err()).startsWith("Invalid value for option '--timeout': must be a duration like 500ms, 30s, "
                + "2m, 1h, 1d or PT30S, was '-5s'").doesNotContain("Exception", "io.limiter");
        Result negative = run("run", "--limit", "x", "--timeout", "PT-5S", "--", "true");
        assertThat(negative.status()).isEqualTo(LimiterCli.EXIT_USAGE);
        assertThat(negative.err()).startsWith("Invalid value for option '--timeout': must not be negative, "
                + "was 'PT-5S'");
    }

    @Test
    void aLoneLeaseIsToldTheLeaseRule() {
        Result r = run("--redis", "redis://127.0.0.1:1", "define", "x", "--lease", "30s");
        assertThat(r.status()).isEqualTo(LimiterCli.EXIT_USAGE);
        assertThat(r.err().strip()).isEqualTo("limiter: lease must be set only together with concurrency (permits), "
                + "was PT30S");
    }

    @ParameterizedTest
    @ValueSource(strings = {"get x", "list", "delete x", "define x --permits 1"})
    void unreachableRedisExits69WithACleanMessage(String command) {
        String uri = "redis://127.0.0.1:" + RedisProcess.freePort();
        List<String> args = new java.util.ArrayList<>(List.of("--redis", uri));
        args.addAll(List.of(command.split(" ")));
        Result r = run(args.toArray(String[]::new));
        assertThat(r.status()).as(r.err()).isEqualTo(LimiterCli.EXIT_UNAVAILABLE);
        assertThat(r.err()).startsWith("limiter: ").doesNotContain("Exception", "io.limiter", "io.lettuce");
    }
}
