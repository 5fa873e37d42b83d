package io.limiter.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.sync.RedisCommands;
import io.limiter.testing.RedisExtension;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The README's admin API curl commands, run as written (with curl) against a real server and Redis. */
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReadmeCurlIT implements TestPropertyProvider {
    private static final String PREFIX = "curl" + UUID.randomUUID().toString().substring(0, 6);
    private final String redisUri = RedisExtension.shared().uri();
    private final RedisClient raw = RedisClient.create(redisUri);
    private final RedisCommands<String, String> redis = raw.connect().sync();

    @Inject
    EmbeddedServer server;

    @Override
    public Map<String, String> getProperties() {
        return Map.of("limiter.redis-uri", redisUri, "limiter.admin-token", Api.TOKEN, "limiter.key-prefix", PREFIX,
                "limiter.sample-interval", "1h");
    }

    @AfterAll
    void tearDown() {
        raw.shutdown();
    }

    /** The lines of the README's curl block, with the server's address and token in place of the examples. */
    private List<String> commands() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        Matcher m = Pattern.compile("<!-- admin-api-curl -->\\n```bash\\n(.*?)```", Pattern.DOTALL).matcher(readme);
        assertThat(m.find()).as("the README's admin API curl block").isTrue();
        List<String> lines = new ArrayList<>();
        for (String line : m.group(1).replace("\\\n", "").split("\n")) {
            lines.add(line.replace("B=http://localhost:8080", "B=" + server.getURL())
                    .replace("T=your-admin-token", "T=" + Api.TOKEN));
        }
        return lines;
    }

    private record Run(int status, String output) {
    }

    private static Run sh(String script) throws Exception {
        Process p = new ProcessBuilder("sh", "-c", script).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), out);
    }

    private String policyKey() {
        return PREFIX + ":{payments}:policy";
    }

    @Test
    void theReadmesCurlCommandsWorkAsWritten() throws Exception {
        List<String> lines = commands();
        String setup = lines.get(0);
        assertThat(lines).hasSize(5);

        Run put = sh(setup + "\n" + lines.get(1));
        assertThat(put.status()).isZero();
        assertThat(put.output()).contains("\"permits\":10");
        assertThat(redis.hgetall(policyKey())).containsEntry("permits", "10").containsEntry("burst", "20");

        assertThat(sh(setup + "\n" + lines.get(2)).output()).contains("\"name\":\"payments\"");
        Run release = sh(setup + "\ncurl -sS -o /dev/null -w '%{http_code}' " + lines.get(3)
                .substring("curl -sS ".length()).replaceAll("\\s+#.*", ""));
        assertThat(release.output()).as("force-release of a permit nobody holds").isEqualTo("404");

        Run delete = sh(setup + "\ncurl -sS -o /dev/null -w '%{http_code}' " + lines.get(4)
                .substring("curl -sS ".length()));
        assertThat(delete.output()).isEqualTo("204");
        assertThat(redis.exists(policyKey())).isZero();
    }

    @Test
    void plainCurlDashDSendsAFormTypeAndGets415ChangingNothing() throws Exception {
        Run r = sh(commands().get(0) + "\ncurl -sS -X PUT \"$B/api/limits/payments\" -H \"Authorization: Bearer $T\""
                + " -d '{\"permits\": 10}' -w '\\n%{http_code} %{content_type}'");
        assertThat(r.output()).endsWith("415 application/problem+json");
        assertThat(redis.exists(policyKey())).isZero();
    }
}
