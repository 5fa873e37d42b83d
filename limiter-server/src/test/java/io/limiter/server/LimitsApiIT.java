package io.limiter.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.sync.RedisCommands;
import io.limiter.client.DistributedLimiter;
import io.limiter.client.LimiterClient;
import io.limiter.client.Permit;
import io.limiter.core.LimitPolicy;
import io.limiter.core.PolicySchema;
import io.limiter.server.ops.LimitSampler;
import io.limiter.testing.RedisExtension;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MediaType;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.json.JsonMapper;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every endpoint of the admin API against a real Redis: happy paths, each error class, auth, and no side effects. */
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LimitsApiIT implements TestPropertyProvider {
    private static final String PREFIX = "api" + UUID.randomUUID().toString().substring(0, 6);
    private final String redisUri = RedisExtension.shared().uri();
    private final RedisClient raw = RedisClient.create(redisUri);
    private final RedisCommands<String, String> redis = raw.connect().sync();

    @Inject
    @Client("/")
    HttpClient http;

    @Inject
    JsonMapper json;

    @Inject
    LimitSampler sampler;

    private Api api;
    private String name;

    @Override
    public Map<String, String> getProperties() {
        return Map.of(
                "limiter.redis-uri", redisUri,
                "limiter.admin-token", Api.TOKEN,
                "limiter.key-prefix", PREFIX,
                "limiter.sample-interval", "1h",
                "limiter.limits.declared-one.permits", "7",
                "limiter.limits.declared-one.lease", "15s");
    }

    @BeforeEach
    void setUp() {
        api = new Api(http, json);
        name = "api-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @AfterAll
    void tearDown() {
        raw.shutdown();
    }

    private Map<String, Object> snapshot() {
        return RedisSnapshot.of(redis, PREFIX, name);
    }

    @Test
    void putCreatesThenReplacesAndGetShowsIt() {
        Api.Reply created = api.put("/api/limits/" + name, "{\"permits\": 3, \"lease\": \"10s\"}");
        assertThat(created.status()).isEqualTo(201);
        assertThat(created.map()).containsEntry("permits", 3).containsEntry("lease", "PT10S");

        Api.Reply replaced = api.put("/api/limits/" + name,
                "{\"permits\": 5, \"lease\": \"PT20S\", \"rate\": 10, \"period\": \"1s\", \"burst\": 4}");
        assertThat(replaced.status()).isEqualTo(200);

        Api.Reply got = api.get("/api/limits/" + name);
        assertThat(got.status()).isEqualTo(200);
        assertThat(got.map()).containsEntry("name", name).containsEntry("permitsInUse", 0)
                .containsEntry("permitsCap", 5).containsEntry("tokensAvailable", 4.0).containsEntry("burst", 4)
                .containsEntry("saturated", false);
        assertThat((Map<String, Object>) got.map().get("policy")).containsEntry("permits", 5)
                .containsEntry("lease", "PT20S").containsEntry("rate", 10).containsEntry("period", "PT1S");
        assertThat(redis.hgetall(PREFIX + ":{" + name + "}:policy")).containsEntry("permits", "5")
                .containsEntry("burst", "4");

        Api.Reply list = api.get("/api/limits");
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.list()).anySatisfy(l -> {
            assertThat(l).containsEntry("name", name).containsEntry("permitsCap", 5).containsEntry("holders", 0);
        });
    }

    @Test
    void theSchemaListsEveryFieldTheServerAcceptsAndNothingElse() {
        Api.Reply schema = api.get("/api/schema");
        assertThat(schema.status()).isEqualTo(200);
        List<Map<String, Object>> fields = (List<Map<String, Object>>) schema.map().get("fields");
        assertThat(fields).extracting(f -> f.get("name")).containsExactlyElementsOf(PolicySchema.NAMES);
        assertThat(fields).filteredOn(f -> f.get("name").equals("fair")).singleElement()
                .satisfies(f -> assertThat(f).containsEntry("type", "boolean").containsEntry("part", "policy")
                        .containsEntry("default", false));
        assertThat(fields).filteredOn(f -> f.get("name").equals("window")).singleElement()
                .satisfies(f -> assertThat(f).containsEntry("type", "enum").containsEntry("default", "day")
                        .containsEntry("values", List.of("minute", "hour", "day", "week", "month")));
        assertThat(fields).filteredOn(f -> f.get("name").equals("permits")).singleElement()
                .satisfies(f -> assertThat(f).containsEntry("minimum", 1).containsEntry("maximum", 1000000)
                        .containsEntry("rule", "be between 1 and 1000000"));
        assertThat((List<Map<String, Object>>) schema.map().get("parts")).extracting(p -> p.get("name"))
                .containsExactly("concurrency", "rate", "quota", "policy");
        // Every field of the schema is accepted by PUT (and a field outside it is not).
        for (Map<String, Object> f : fields) {
            String body = switch ((String) f.get("type")) {
                case "boolean" -> "{\"permits\": 1, \"" + f.get("name") + "\": true}";
                case "enum", "zone" -> "{\"quota\": 1, \"" + f.get("name") + "\": \"" + f.get("default") + "\"}";
                case "duration" -> "{\"permits\": 1, \"rate\": 1, \"" + f.get("name") + "\": \"2s\"}";
                default -> "{\"" + f.get("name") + "\": 1" + (f.get("name").equals("burst") ? ", \"rate\": 1" : "")
                        + "}";
            };
            assertThat(api.put("/api/limits/" + name, body).status()).as(body).isIn(200, 201);
        }
        assertThat(api.put("/api/limits/" + name, "{\"permits\": 1, \"size\": 2}").status()).isEqualTo(400);
    }

    @Test
    void aQuotaShowsItsRemainingUnitsAndWhenItResets() {
        Api.Reply created = api.put("/api/limits/" + name,
                "{\"permits\": 2, \"quota\": 1000, \"window\": \"month\", \"zone\": \"Europe/Berlin\"}");
        assertThat(created.status()).isEqualTo(201);
        assertThat(created.map()).containsEntry("quota", 1000).containsEntry("window", "month")
                .containsEntry("zone", "Europe/Berlin");
        Api.Reply got = api.get("/api/limits/" + name);
        java.time.Instant readAt = java.time.Instant.parse((String) got.map().get("readAt"));
        java.time.Instant reset = io.limiter.core.CalendarWindow.MONTH.spanAt(readAt,
                java.time.ZoneId.of("Europe/Berlin")).end();
        assertThat(got.map()).containsEntry("quotaUsed", 0).containsEntry("quotaRemaining", 1000)
                .containsEntry("quotaResetAt", reset.toString());
        assertThat((List<Map<String, Object>>) got.map().get("gauges")).extracting(g -> g.get("part"))
                .containsExactly("concurrency", "quota");
        Api.Reply bad = api.put("/api/limits/" + name, "{\"quota\": 10, \"zone\": \"Mars/Olympus\"}");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.map().get("detail").toString()).contains("zone must be a time zone ID");
        assertThat(api.put("/api/limits/" + name, "{\"quota\": 10, \"window\": \"fortnight\"}").map()
                .get("detail").toString()).contains("window must be one of minute, hour, day, week, month");
    }

    @Test
    void declaredLimitsAreAppliedAtStart() {
        Api.Reply got = api.get("/api/limits/declared-one");
        assertThat(got.status()).isEqualTo(200);
        assertThat((Map<String, Object>) got.map().get("policy")).containsEntry("permits", 7)
                .containsEntry("lease", "PT15S");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"permits\": 0}|permits|0|be between 1 and 1000000",
        "{\"permits\": \"ten\"}|permits|'ten'|be a whole number",
        "{\"permits\": 2.5}|permits|2.5|be a whole number",
        "{\"permits\": 99999999999}|permits|99999999999|be between 1 and 1000000",
        "{\"permits\": 2, \"lease\": \"soon\"}|lease|'soon'|be a duration like 500ms, 30s, 2m, 1h, 1d or PT30S",
        "{\"permits\": 2, \"lease\": \"500ms\"}|lease|PT0.5S|be between PT1S and PT24H",
        "{\"rate\": 10, \"period\": \"0s\"}|period|PT0S|be between PT0.001S and PT24H",
        "{\"rate\": 10, \"burst\": -1}|burst|-1|be between 1 and 1000000000",
        "{\"permits\": 2, \"burst\": 5}|burst|5|be set only together with rate",
        "{\"lease\": \"5s\", \"rate\": 1}|lease|PT5S|be set only together with concurrency (permits)",
        "{}|policy|'empty'|have a concurrency part (permits), a rate part (rate) or a quota",
        "{\"permits\": 2, \"colour\": \"red\"}|colour|'red'|not be given: a policy has only the fields permits, lease, rate, period, burst, quota, window, zone, fair, keyed",
        "{\"permits\": [1]}|permits|an array|be a whole number",
        "[1, 2]|body|an array|be one JSON object such as {\"permits\": 10, \"lease\": \"30s\"}",
    })
    void badPoliciesAre400WithFieldValueAndRuleAndChangeNothing(String testCase) {
        String[] c = testCase.split("\\|");
        api.put("/api/limits/" + name, "{\"permits\": 1}");
        Map<String, Object> before = snapshot();
        Api.Reply r = api.put("/api/limits/" + name, c[0]);
        assertThat(r.status()).as(r.toString()).isEqualTo(400);
        assertThat(r.contentType()).isEqualTo("application/problem+json");
        assertThat(r.map()).containsEntry("type", "urn:limiter:problem:validation").containsEntry("status", 400)
                .containsEntry("field", c[1]).containsEntry("value", c[2]).containsEntry("rule", c[3])
                .containsEntry("detail", c[1] + " must " + c[3] + ", was " + c[2])
                .containsEntry("instance", "/api/limits/" + name);
        assertThat(snapshot()).isEqualTo(before);
    }

    @Test
    void badJsonIs400ProblemAndChangesNothing() {
        Map<String, Object> before = snapshot();
        Api.Reply r = api.put("/api/limits/" + name, "{\"permits\": 3");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.contentType()).isEqualTo("application/problem+json");
        assertThat(r.map()).containsEntry("field", "body").containsEntry("detail", "body must be one JSON object "
                + "such as {\"permits\": 10, \"lease\": \"30s\"}, was invalid JSON at line 1, column 14");
        assertThat(r.body()).doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(snapshot()).isEqualTo(before);
    }

    @ParameterizedTest
    @ValueSource(strings = {"a%7Bb%7D", "a*b", "a%20b", "a%0Ab", "x%3F", "%7B%7D", "a%5Cb"})
    void namesWithRedisSpecialCharactersAre400AndChangeNothing(String encoded) {
        Map<String, Object> before = snapshot();
        Api.Reply put = api.put("/api/limits/" + encoded, "{\"permits\": 1}");
        assertThat(put.status()).as(put.toString()).isEqualTo(400);
        assertThat(put.map()).containsEntry("field", "name")
                .containsEntry("rule", "match [A-Za-z0-9._:-]{1,128} and not be . or ..");
        assertThat(api.get("/api/limits/" + encoded).status()).isEqualTo(400);
        assertThat(api.delete("/api/limits/" + encoded).status()).isEqualTo(400);
        assertThat(snapshot()).isEqualTo(before);
    }

    @Test
    void aTooLongNameIs400() {
        Api.Reply r = api.put("/api/limits/" + "n".repeat(129), "{\"permits\": 1}");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.map()).containsEntry("field", "name");
    }

    @Test
    void writesNeedTheTokenAndReadsDoNot() {
        Map<String, Object> before = snapshot();
        Api.Reply missing = api.call(HttpRequest.PUT("/api/limits/" + name, "{\"permits\": 1}")
                .contentType(MediaType.APPLICATION_JSON_TYPE));
        assertThat(missing.status()).isEqualTo(401);
        assertThat(missing.contentType()).isEqualTo("application/problem+json");
        assertThat(missing.map()).containsEntry("type", "urn:limiter:problem:unauthorized");

        Api.Reply wrong = api.call(HttpRequest.PUT("/api/limits/" + name, "{\"permits\": 1}")
                .contentType(MediaType.APPLICATION_JSON_TYPE).bearerAuth("not-the-token"));
        assertThat(wrong.status()).isEqualTo(403);
        assertThat(wrong.map()).containsEntry("type", "urn:limiter:problem:forbidden");

        Api.Reply deleteWithout = api.call(HttpRequest.DELETE("/api/limits/declared-one"));
        assertThat(deleteWithout.status()).isEqualTo(401);
        assertThat(snapshot()).isEqualTo(before);

        assertThat(api.get("/api/limits").status()).isEqualTo(200);
        assertThat(api.put("/api/limits/" + name, "{\"permits\": 1}").status()).isEqualTo(201);
    }

    @Test
    void anOversizedBodyIs413AndChangesNothing() {
        Map<String, Object> before = snapshot();
        String big = "{\"permits\": 1, \"pad\": \"" + "x".repeat(20_000) + "\"}";
        Api.Reply r = api.put("/api/limits/" + name, big);
        assertThat(r.status()).as(r.toString()).isEqualTo(413);
        assertThat(snapshot()).isEqualTo(before);
    }

    @Test
    void unknownLimitsAre404() {
        Api.Reply get = api.get("/api/limits/" + name);
        assertThat(get.status()).isEqualTo(404);
        assertThat(get.contentType()).isEqualTo("application/problem+json");
        assertThat(get.map()).containsEntry("type", "urn:limiter:problem:not-found")
                .containsEntry("detail", "limit '" + name + "' is not defined");
        assertThat(api.delete("/api/limits/" + name).status()).isEqualTo(404);
        assertThat(api.delete("/api/limits/" + name + "/permits/abc").status()).isEqualTo(404);
    }

    @Test
    void deleteRemovesPolicyAndStateLeavingOnlyATombstone() {
        api.put("/api/limits/" + name, "{\"permits\": 2, \"rate\": 5}");
        assertThat(redis.keys(PREFIX + ":{" + name + "}:*")).isNotEmpty();
        assertThat(api.delete("/api/limits/" + name).status()).isEqualTo(204);
        // Only the tombstone that tells clients the limit was deleted (not lost) is left, and it expires.
        assertThat(redis.keys(PREFIX + ":{" + name + "}:*")).containsExactly(PREFIX + ":{" + name + "}:stats");
        assertThat(redis.hgetall(PREFIX + ":{" + name + "}:stats")).containsOnlyKeys("deleted");
        assertThat(redis.pttl(PREFIX + ":{" + name + "}:stats")).isPositive();
        assertThat(api.get("/api/limits/" + name).status()).isEqualTo(404);
        assertThat(api.get("/api/limits").body()).doesNotContain(name);
        // An explicit PUT brings it back.
        assertThat(api.put("/api/limits/" + name, "{\"permits\": 2}").status()).isEqualTo(201);
    }

    @Test
    void aClientHoldersPermitIsListedWithItsOwnerUntilReleasedOrForceReleased() throws Exception {
        api.put("/api/limits/" + name, "{\"permits\": 3, \"lease\": \"2s\"}");
        try (LimiterClient client = LimiterClient.builder().redisUri(redisUri).keyPrefix(PREFIX)
                .instanceId("worker-7").heartbeatInterval(Duration.ofMillis(200)).build()) {
            DistributedLimiter limiter = client.limiter(name);
            Permit released = limiter.acquire(2, Duration.ofSeconds(1));
            Thread.sleep(5); // holders are listed oldest first, by millisecond
            Permit forced = limiter.acquire(Duration.ofSeconds(1));

            Map<String, Object> detail = api.get("/api/limits/" + name).map();
            assertThat(detail).containsEntry("permitsInUse", 3).containsEntry("saturated", true)
                    .containsEntry("holderCount", 2);
            List<Map<String, Object>> holders = (List<Map<String, Object>>) detail.get("holders");
            assertThat(holders).extracting(h -> h.get("permitId")).containsExactly(released.id(), forced.id());
            assertThat(holders).allSatisfy(h -> {
                assertThat(h).containsEntry("owner", "worker-7");
                assertThat(h).containsKeys("acquiredAt", "leaseExpiresAt");
            });
            assertThat(holders.get(0)).containsEntry("weight", 2);

            await().atMost(Duration.ofSeconds(3)).untilAsserted(() -> assertThat(api.get("/api/instances").list())
                    .anySatisfy(i -> assertThat(i).containsEntry("id", "worker-7").containsEntry("permitsHeld", 3) // weights 2 + 1
                            .containsKeys("host", "pid", "lastSeen", "startedAt")));

            released.releaseAsync().join(); // close() would not wait for Redis's answer
            assertThat((List<?>) api.get("/api/limits/" + name).map().get("holders")).hasSize(1);

            assertThat(api.delete("/api/limits/" + name + "/permits/" + forced.id()).status()).isEqualTo(204);
            assertThat((List<?>) api.get("/api/limits/" + name).map().get("holders")).isEmpty();
            Api.Reply again = api.delete("/api/limits/" + name + "/permits/" + forced.id());
            assertThat(again.status()).isEqualTo(404);
            assertThat(again.map()).containsEntry("detail",
                    "permit '" + forced.id() + "' is not held on limit '" + name + "'");
            await().atMost(Duration.ofSeconds(3)).until(() -> !forced.isValid());
            assertThat(api.get("/api/limits/" + name).map().get("counters"))
                    .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
                    .containsEntry("forced", 1).containsEntry("released", 1).containsEntry("grants", 2);
        }
        await().atMost(Duration.ofSeconds(3)).untilAsserted(() -> assertThat(api.get("/api/instances").list())
                .noneSatisfy(i -> assertThat(i).containsEntry("id", "worker-7")));
    }

    @Test
    void healthIncludesRedis() {
        Api.Reply r = api.call(HttpRequest.GET("/health").bearerAuth(Api.TOKEN)); // details only for the admin
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.map()).containsEntry("status", "UP");
        Map<String, Object> redisHealth = (Map<String, Object>) ((Map<String, Object>) r.map().get("details"))
                .get("redis");
        assertThat(redisHealth).containsEntry("status", "UP");
        assertThat((Map<String, Object>) redisHealth.get("details")).containsEntry("embedded", false)
                .containsKey("latencyMs");
    }

    @Test
    void prometheusShowsRedisSideStatePerLimit() {
        api.put("/api/limits/" + name, "{\"permits\": 4, \"rate\": 10, \"burst\": 6}");
        try (LimiterClient client = LimiterClient.builder().redisUri(redisUri).keyPrefix(PREFIX).build()) {
            Permit p = client.limiter(name).acquire(Duration.ofSeconds(1));
            sampler.sample();
            String metrics = api.get("/prometheus").body();
            String tag = "limit=\"" + name + "\"";
            assertThat(metrics).contains("limiter_permits_in_use{" + tag + "} 1.0")
                    .contains("limiter_permits_cap{" + tag + "} 4.0")
                    .contains("limiter_holders{" + tag + "} 1.0")
                    .contains("limiter_grants_total{" + tag + "} 1.0")
                    .contains("limiter_tokens_burst{" + tag + "} 6.0")
                    .containsPattern("limiter_tokens_available\\{" + java.util.regex.Pattern.quote(tag) + "} 5\\.")
                    .contains("limiter_denials_total{" + tag + "} 0.0");
            p.close();
        }
    }

    @Test
    void theOpenApiDocumentListsEveryEndpoint() {
        Api.Reply r = api.get("/swagger/distributed-limiter-admin-api-0.1.yml");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).contains("/api/limits:", "/api/limits/{name}:", "/api/limits/{name}/permits/{permitId}:",
                "/api/instances:", "bearer");
    }
}
