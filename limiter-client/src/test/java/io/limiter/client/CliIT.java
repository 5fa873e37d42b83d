package io.limiter.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.limiter.core.LimitPolicy;
import io.limiter.core.internal.redis.KeySchema;
import io.limiter.core.internal.redis.LimitStore;
import io.limiter.core.redis.LettuceBackend;
import io.limiter.testing.RedisExtension;
import io.limiter.testing.TestRedis;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The packaged command-line tool (target/limiter.jar) against a real Redis. */
@ExtendWith(RedisExtension.class)
class CliIT {
    private static final String PREFIX = "cli" + UUID.randomUUID().toString().substring(0, 6);
    private final TestRedis redis;
    private LettuceBackend backend;
    private LimitStore store;
    private String name;

    CliIT(TestRedis redis) {
        this.redis = redis;
    }

    @BeforeEach
    void open() {
        backend = LettuceBackend.create(redis.uri());
        store = new LimitStore(backend, new KeySchema(PREFIX));
        name = "cli-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @AfterEach
    void close() {
        backend.close();
    }

    private Process start(Path out, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-jar", Path.of("target", "limiter.jar").toString(),
                "--redis", redis.uri(), "--key-prefix", PREFIX));
        Collections.addAll(cmd, args);
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
    }

    private record Result(int status, String output) {
    }

    private Result run(String... args) throws Exception {
        Path out = Files.createTempFile("limiter-cli", ".out");
        Process p = start(out, args);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
    }

    @Test
    void twoConcurrentRunsOnACapOfOneNeverOverlap() throws Exception {
        store.define(name, LimitPolicy.builder().concurrency(1).build()).join();
        Path dir = Files.createTempDirectory("limiter-cli-runs");
        List<Process> runs = new ArrayList<>();
        for (String who : List.of("a", "b")) {
            String script = "date +%s%N > " + dir.resolve(who + ".start") + "; sleep 0.7; date +%s%N > "
                    + dir.resolve(who + ".end");
            runs.add(start(dir.resolve(who + ".log"), "run", "--limit", name, "--timeout", "20s", "--", "sh", "-c",
                    script));
        }
        for (Process p : runs) {
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).isZero();
        }
        long aStart = Long.parseLong(Files.readString(dir.resolve("a.start")).trim());
        long aEnd = Long.parseLong(Files.readString(dir.resolve("a.end")).trim());
        long bStart = Long.parseLong(Files.readString(dir.resolve("b.start")).trim());
        long bEnd = Long.parseLong(Files.readString(dir.resolve("b.end")).trim());
        assertThat(aEnd <= bStart || bEnd <= aStart).as("a=[%d,%d] b=[%d,%d]", aStart, aEnd, bStart, bEnd).isTrue();
    }

    @Test
    void theCommandsExitStatusPassesThroughAnd75MeansNoPermit() throws Exception {
        store.define(name, LimitPolicy.builder().concurrency(1).build()).join();
        Result r = run("run", "--limit", name, "--", "sh", "-c", "echo working; exit 7");
        assertThat(r.status()).isEqualTo(7);
        assertThat(r.output()).contains("working");
        assertThat(store.state(name, 0).join().orElseThrow().permitsInUse()).isZero();

        assertThat(store.acquire(name, "blocker", 1, "test").join().granted()).isTrue();
        Result busy = run("run", "--limit", name, "--timeout", "300ms", "--", "sh", "-c", "echo must-not-run");
        assertThat(busy.status()).isEqualTo(75);
        assertThat(busy.output()).doesNotContain("must-not-run")
                .contains("no permit from limit '" + name + "' within PT0.3S");
    }

    @Test
    void runTakesAPermitOfOneKeyOfAKeyedLimit() throws Exception {
        assertThat(run("define", name, "--permits", "1", "--keyed", "true").status()).isZero();
        String key = io.limiter.core.LimitKeys.nameOf(name, "tenant-42");
        assertThat(store.exchange(new io.limiter.core.internal.redis.ExchangeRequest(key, "test", Duration.ZERO, List.of(),
                false, List.of(new io.limiter.core.internal.redis.AcquireRequest("blocker", 1, "")), false)).join()
                .acquired(0).granted()).isTrue();
        Result busy = run("run", "--limit", name, "--key", "tenant-42", "--timeout", "300ms", "--", "sh", "-c",
                "echo must-not-run");
        assertThat(busy.status()).isEqualTo(75);
        assertThat(busy.output()).doesNotContain("must-not-run")
                .contains("no permit from limit '" + name + "' for key 'tenant-42' within PT0.3S");
        Result other = run("run", "--limit", name, "--key", "tenant-7", "--", "sh", "-c", "echo other-key-ran");
        assertThat(other.status()).isZero();
        assertThat(other.output()).contains("other-key-ran");
        Result unkeyed = run("run", "--limit", name, "--", "sh", "-c", "echo must-not-run");
        assertThat(unkeyed.status()).isNotZero();
        assertThat(unkeyed.output()).doesNotContain("must-not-run").contains("is keyed");
        assertThat(run("get", name, "--key", "tenant-42").output()).contains("key 'tenant-42' of " + name)
                .contains("in use 1/1").contains("blocker");
        assertThat(run("get", name, "--key", "tenant-9").output()).contains("key 'tenant-9' of limit '" + name
                + "': idle");
    }

    @Test
    void overridesAreSetListedInPagesAndRemoved() throws Exception {
        assertThat(run("define", name, "--permits", "1", "--keyed", "true").status()).isZero();
        Result set = run("override", "set", name, "premium", "--permits", "5");
        assertThat(set.status()).as(set.output()).isZero();
        assertThat(set.output()).contains("override of key 'premium' of " + name).contains("permits=5")
                .contains("(created)");
        assertThat(run("override", "set", name, "premium", "--permits", "6").output()).contains("(replaced)");
        assertThat(run("override", "set", name, "basic", "--rate", "50").status()).isZero();
        Result page = run("override", "list", name, "--limit", "1");
        assertThat(page.status()).isZero();
        assertThat(page.output()).contains("basic ").doesNotContain("premium ")
                .contains("1 of 2 overrides; next page: --after basic");
        assertThat(run("override", "list", name, "--after", "basic").output()).contains("premium ")
                .contains("permits=6").contains("1 of 2 overrides").doesNotContain("next page");
        assertThat(store.overrides().get(name, "premium").join().orElseThrow().permits()).isEqualTo(6);
        assertThat(run("override", "remove", name, "premium").status()).isZero();
        assertThat(store.overrides().get(name, "premium").join()).isEmpty();
        Result again = run("override", "remove", name, "premium");
        assertThat(again.status()).isEqualTo(1);
        assertThat(again.output()).contains("key 'premium' of limit '" + name + "' has no override");
        Result bad = run("override", "set", name, "premium", "--permits", "0");
        assertThat(bad.status()).isEqualTo(2);
        assertThat(bad.output()).contains("permits must be between 1 and 1000000, was 0");
        assertThat(run("override", "set", name + "-none", "k", "--permits", "2").status()).isEqualTo(1);
        assertThat(run("define", name + "-plain", "--permits", "1").status()).isZero();
        Result plain = run("override", "set", name + "-plain", "k", "--permits", "2");
        assertThat(plain.status()).isEqualTo(2);
        assertThat(plain.output()).contains("key must not be given: limit '" + name + "-plain' is not keyed");
    }

    @Test
    void sigtermStopsTheCommandAndReleasesThePermit() throws Exception {
        store.define(name, LimitPolicy.builder().concurrency(1).lease(Duration.ofSeconds(60)).build()).join();
        Path dir = Files.createTempDirectory("limiter-cli-term");
        Path pidFile = dir.resolve("child.pid");
        Process cli = start(dir.resolve("log"), "run", "--limit", name, "--", "sh", "-c",
                "echo $$ > " + pidFile + "; exec sleep 60");
        await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(pidFile)
                && !Files.readString(pidFile).isBlank());
        long childPid = Long.parseLong(Files.readString(pidFile).trim());
        assertThat(store.state(name, 0).join().orElseThrow().permitsInUse()).isEqualTo(1);

        cli.destroy(); // SIGTERM
        assertThat(cli.waitFor(20, TimeUnit.SECONDS)).isTrue();
        // Released by the CLI, not by the 60 s lease.
        assertThat(store.state(name, 0).join().orElseThrow().permitsInUse()).isZero();
        await().atMost(Duration.ofSeconds(5)).until(() -> ProcessHandle.of(childPid).map(h -> !h.isAlive())
                .orElse(true));
    }

    @Test
    void limitsAreManagedWithTheApisValidationMessages() throws Exception {
        Result bad = run("define", name, "--permits", "0");
        assertThat(bad.status()).isEqualTo(2);
        assertThat(bad.output()).contains("limiter: permits must be between 1 and 1000000, was 0");
        Result badDuration = run("define", name, "--permits", "2", "--lease", "soon");
        assertThat(badDuration.status()).isEqualTo(2);
        assertThat(badDuration.output())
                .contains("lease must be a duration like 500ms, 30s, 2m, 1h, 1d or PT30S, was 'soon'");
        assertThat(store.state(name, 0).join()).isEmpty();

        Result defined = run("define", name, "--permits", "2", "--lease", "10s");
        assertThat(defined.status()).isZero();
        assertThat(defined.output()).contains(name + " {permits=2, lease=PT10S}");
        Result replaced = run("replace", name, "--rate", "5", "--period", "1s");
        assertThat(replaced.status()).isZero();
        assertThat(replaced.output()).contains("(was {permits=2, lease=PT10S})");
        assertThat(run("get", name).output()).contains("{rate=5, period=PT1S, burst=5}");
        assertThat(run("list").output()).contains(name);
        Result fair = run("replace", name, "--permits", "4", "--fair", "true");
        assertThat(fair.status()).isZero();
        assertThat(store.state(name, 0).join().orElseThrow().policy().fair()).isTrue();
        assertThat(run("replace", name, "--permits", "4", "--fair", "maybe").output())
                .contains("fair must be true or false, was 'maybe'");
        // Every field of the schema is an option: the quota's too.
        Result quota = run("replace", name, "--quota", "500", "--window", "week", "--zone", "Asia/Tokyo");
        assertThat(quota.status()).isZero();
        assertThat(quota.output()).contains("{quota=500, window=week, zone=Asia/Tokyo}");
        assertThat(run("get", name).output()).contains("quota left 500/500 until ");
        assertThat(run("replace", name, "--quota", "5", "--window", "fortnight").output())
                .contains("window must be one of minute, hour, day, week, month, was 'fortnight'");
        assertThat(run("define", "--help").output()).contains("--quota=N", "--window=minute|hour|day|week|month",
                "--zone=ZONE", "--fair=true|false");
        assertThat(run("delete", name).status()).isZero();
        Result gone = run("delete", name);
        assertThat(gone.status()).isEqualTo(1);
        assertThat(gone.output()).contains("limit '" + name + "' is not defined");
        assertThat(run("get", name).status()).isEqualTo(1);
    }

    private Process runUntilHeld(Path log, String... args) throws Exception {
        Process cli = start(log, args);
        await().atMost(Duration.ofSeconds(20)).until(() -> store.state(name, 1).join()
                .map(st -> st.permitsInUse() == 1).orElse(false));
        return cli;
    }

    private void forceReleaseTheHolder() {
        String permitId = store.state(name, 1).join().orElseThrow().holders().get(0).permitId();
        assertThat(store.release(name, permitId, true).join()).isTrue();
    }

    @Test
    void onLeaseLostStopStopsTheCommandAndExits76() throws Exception {
        store.define(name, LimitPolicy.builder().concurrency(1).lease(Duration.ofSeconds(3)).build()).join();
        Path log = Files.createTempFile("limiter-cli-lost", ".log");
        Process cli = runUntilHeld(log, "run", "--limit", name, "--on-lease-lost", "stop", "--", "sh", "-c",
                "exec sleep 60");
        forceReleaseTheHolder(); // as an operator does from the dashboard
        // Noticed at the next renewal (every second with a 3 s lease), then SIGTERM to the command.
        assertThat(cli.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(cli.exitValue()).isEqualTo(76);
        assertThat(Files.readString(log)).contains("was lost while 'sh' ran; stopped it (--on-lease-lost stop)");
    }

    @Test
    void byDefaultALostLeaseOnlyWarnsAndTheCommandFinishes() throws Exception {
        store.define(name, LimitPolicy.builder().concurrency(1).lease(Duration.ofSeconds(3)).build()).join();
        Path dir = Files.createTempDirectory("limiter-cli-warn");
        Path go = dir.resolve("go");
        Path log = dir.resolve("log");
        // The command finishes by itself once the test lets it (after the loss was noticed).
        Process cli = runUntilHeld(log, "run", "--limit", name, "--", "sh", "-c",
                "while [ ! -f " + go + " ]; do sleep 0.1; done; echo finished");
        forceReleaseTheHolder();
        Thread.sleep(2_500); // more than one renewal interval: the loss is known, the command still runs
        assertThat(cli.isAlive()).isTrue();
        Files.createFile(go);
        assertThat(cli.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(cli.exitValue()).isZero();
        assertThat(Files.readString(log)).contains("finished")
                .contains("limiter: warning: the lease of permit ").contains("it may have run beyond the cap");
    }

    @Test
    void theLauncherScriptRunsTheJarFromAnyDirectory() throws Exception {
        Path launcher = Path.of("..", "bin", "limiter").toAbsolutePath().normalize();
        Path out = Files.createTempFile("limiter-launcher", ".out");
        ProcessBuilder pb = new ProcessBuilder(launcher.toString(), "--redis", redis.uri(), "--key-prefix", PREFIX,
                "define", name, "--permits", "3").directory(Files.createTempDirectory("elsewhere").toFile())
                .redirectErrorStream(true).redirectOutput(out.toFile());
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().put("LIMITER_JAR", Path.of("target", "limiter.jar").toAbsolutePath().toString());
        Process p = pb.start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(Files.readString(out)).isZero();
        assertThat(store.state(name, 0).join().orElseThrow().policy().permits()).isEqualTo(3);
        Process help = new ProcessBuilder(launcher.toString(), "help").redirectErrorStream(true).start();
        String text = new String(help.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(help.waitFor()).isZero();
        assertThat(text).startsWith("Usage: limiter");
    }
}
