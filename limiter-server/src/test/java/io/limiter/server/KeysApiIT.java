package io.limiter.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lettuce.core.RedisClient;
import io.lettuce.core.ScoredValue;
import io.lettuce.core.api.sync.RedisCommands;
import io.limiter.client.DistributedLimiter;
import io.limiter.client.LimiterClient;
import io.limiter.client.Permit;
import io.limiter.core.LimitKeys;
import io.limiter.core.internal.redis.KeyOverrides;
import io.limiter.core.internal.redis.KeySchema;
import io.limiter.testing.RedisExtension;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MediaType;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.json.JsonMapper;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The keys of keyed limits over REST against a real Redis: a key's state (idle and live), force release per key,
 * overrides (set, replace, page, remove, the bound), and every error: bad key, a limit that is not keyed, an unknown
 * limit, a missing token; none of them changes anything.
 */
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@SuppressWarnings("unchecked")
class KeysApiIT implements TestPropertyProvider {
    private static final String PREFIX = "keys" + UUID.randomUUID().toString().substring(0, 6);
    private final String redisUri = RedisExtension.shared().uri();
    private final RedisClient raw = RedisClient.create(redisUri);
    private final RedisCommands<String, String> redis = raw.connect().sync();

    @Inject
    @Client("/")
    HttpClient http;

    @Inject
    JsonMapper json;

    private Api api;
    private String name;

    @Override
    public Map<String, String> getProperties() {
        return Map.of(
                "limiter.redis-uri", redisUri,
                "limiter.admin-token", Api.TOKEN,
                "limiter.key-prefix", PREFIX,
                "limiter.sample-interval", "1h");
    }

    @BeforeEach
    void setUp() {
        api = new Api(http, json);
        name = "fam-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @AfterAll
    void tearDown() {
        raw.shutdown();
    }

    /** A key as one path segment: percent-encoded UTF-8, a space as %20 and a slash as %2F. */
    private static String segment(String key) {
        return URLEncoder.encode(key, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private String keyPath(String key) {
        return "/api/limits/" + name + "/keys/" + segment(key);
    }

    private Map<String, Object> snapshot() {
        Map<String, Object> all = new java.util.TreeMap<>(RedisSnapshot.of(redis, PREFIX, name));
        for (String k : redis.keys(PREFIX + ":{" + name + "/*")) {
            all.put(k, redis.type(k).equals("hash") ? redis.hgetall(k) : redis.type(k));
        }
        return all;
    }

    private void defineKeyed(String policy) {
        assertThat(api.put("/api/limits/" + name, policy).status()).isEqualTo(201);
    }

    @Test
    void theListingAndTheLimitShowThatItIsKeyed() {
        defineKeyed("{\"permits\": 2, \"keyed\": true}");
        assertThat(api.get("/api/limits").list()).anySatisfy(l -> {
            assertThat(l).containsEntry("name", name);
            assertThat((Map<String, Object>) l.get("policy")).containsEntry("keyed", true);
        });
        assertThat((Map<String, Object>) api.get("/api/limits/" + name).map().get("policy"))
                .containsEntry("keyed", true);
    }

    @Test
    void anIdleKeyIsFullThenItsHoldersAreListedAndForceReleasedLeavingOtherKeysAlone() throws Exception {
        defineKeyed("{\"permits\": 2, \"lease\": \"5s\", \"rate\": 10, \"burst\": 5, \"keyed\": true}");
        Api.Reply idle = api.get(keyPath("tenant-a"));
        assertThat(idle.status()).as(idle.toString()).isEqualTo(200);
        assertThat(idle.map()).containsEntry("name", name).containsEntry("key", "tenant-a")
                .containsEntry("idle", true).containsEntry("overridden", false).containsEntry("permitsInUse", 0)
                .containsEntry("permitsCap", 2).containsEntry("tokensAvailable", 5.0).containsEntry("burst", 5)
                .containsEntry("holderCount", 0).containsEntry("saturated", false).containsKey("readAt");
        assertThat((List<?>) idle.map().get("holders")).isEmpty();
        assertThat((Map<String, Object>) idle.map().get("policy")).containsEntry("permits", 2)
                .containsEntry("keyed", true);

        try (LimiterClient client = LimiterClient.builder().redisUri(redisUri).keyPrefix(PREFIX)
                .instanceId("worker-k").build()) {
            DistributedLimiter a = client.limiter(name).forKey("tenant-a");
            Permit first = a.acquire(Duration.ofSeconds(1));
            Thread.sleep(5); // holders are listed oldest first, by millisecond
            Permit second = a.acquire(Duration.ofSeconds(1));
            Permit other = client.limiter(name).forKey("tenant-b").acquire(Duration.ofSeconds(1));

            Map<String, Object> live = api.get(keyPath("tenant-a")).map();
            assertThat(live).containsEntry("idle", false).containsEntry("permitsInUse", 2)
                    .containsEntry("saturated", true).containsEntry("holderCount", 2);
            assertThat((double) live.get("tokensAvailable")).isBetween(3.0, 3.5);
            List<Map<String, Object>> holders = (List<Map<String, Object>>) live.get("holders");
            assertThat(holders).extracting(h -> h.get("permitId")).containsExactly(first.id(), second.id());
            assertThat(holders).allSatisfy(h -> assertThat(h).containsEntry("owner", "worker-k")
                    .containsKeys("acquiredAt", "leaseExpiresAt", "weight"));

            // The permit of another key is not this key's.
            Api.Reply notThisKeys = api.delete(keyPath("tenant-a") + "/permits/" + other.id());
            assertThat(notThisKeys.status()).isEqualTo(404);
            assertThat(notThisKeys.map()).containsEntry("detail",
                    "permit '" + other.id() + "' is not held on key 'tenant-a' of limit '" + name + "'");
            assertThat(other.isValid()).isTrue();

            Api.Reply forced = api.delete(keyPath("tenant-a") + "/permits/" + first.id());
            assertThat(forced.status()).as(forced.toString()).isEqualTo(204);
            assertThat((List<Map<String, Object>>) api.get(keyPath("tenant-a")).map().get("holders"))
                    .extracting(h -> h.get("permitId")).containsExactly(second.id());
            assertThat(api.delete(keyPath("tenant-a") + "/permits/" + first.id()).status()).isEqualTo(404);
            await().atMost(Duration.ofSeconds(8)).until(() -> !first.isValid());
            assertThat(second.isValid()).isTrue();
            assertThat((Map<String, Object>) api.get(keyPath("tenant-a")).map().get("counters"))
                    .containsEntry("forced", 1);
            assertThat(api.get(keyPath("tenant-b")).map()).containsEntry("permitsInUse", 1);
            second.close();
            other.close();
        }
    }

    @Test
    void aKeyWithASlashAndAnyUnicodeIsOnePathSegmentSentWithPercent2F() throws Exception {
        defineKeyed("{\"permits\": 3, \"lease\": \"2s\", \"keyed\": true}");
        String key = "org/team ü 🚀?#%";
        try (LimiterClient client = LimiterClient.builder().redisUri(redisUri).keyPrefix(PREFIX).build()) {
            Permit p = client.limiter(name).forKey(key).acquire(Duration.ofSeconds(1));
            Api.Reply got = api.get(keyPath(key));
            assertThat(got.status()).as(got.toString()).isEqualTo(200);
            assertThat(got.map()).containsEntry("key", key).containsEntry("idle", false)
                    .containsEntry("permitsInUse", 1);
            assertThat(api.get("/api/limits/" + name + "/keys/org/team").status())
                    .as("an unencoded slash is not part of the key").isEqualTo(404);
            assertThat(api.get(keyPath("org")).map()).containsEntry("idle", true);
            assertThat(api.delete(keyPath(key) + "/permits/" + p.id()).status()).isEqualTo(204);
            await().atMost(Duration.ofSeconds(3)).until(() -> !p.isValid());
        }
    }

    @Test
    void overridesAreSetReplacedPagedAndRemovedAndTheKeyShowsWhichPolicyItIsUnder() {
        defineKeyed("{\"permits\": 1, \"keyed\": true}");
        Api.Reply created = api.put(keyPath("premium") + "/override", "{\"permits\": 5, \"lease\": \"10s\"}");
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        assertThat(created.map()).containsEntry("key", "premium");
        assertThat((Map<String, Object>) created.map().get("policy")).containsEntry("permits", 5)
                .containsEntry("lease", "PT10S");
        assertThat(api.put(keyPath("premium") + "/override", "{\"permits\": 6}").status()).isEqualTo(200);

        Map<String, Object> key = api.get(keyPath("premium")).map();
        assertThat(key).containsEntry("overridden", true).containsEntry("idle", true).containsEntry("permitsCap", 6);
        assertThat(api.get(keyPath("basic")).map()).containsEntry("overridden", false).containsEntry("permitsCap", 1);

        for (String k : List.of("c/1", "a", "b")) {
            assertThat(api.put(keyPath(k) + "/override", "{\"rate\": 50}").status()).isEqualTo(201);
        }
        Api.Reply first = api.get("/api/limits/" + name + "/overrides?limit=2");
        assertThat(first.status()).as(first.toString()).isEqualTo(200);
        assertThat(first.map()).containsEntry("total", 4).containsEntry("next", "b");
        assertThat((List<Map<String, Object>>) first.map().get("overrides")).extracting(o -> o.get("key"))
                .containsExactly("a", "b");
        Api.Reply second = api.get("/api/limits/" + name + "/overrides?limit=2&after=b");
        assertThat((List<Map<String, Object>>) second.map().get("overrides")).extracting(o -> o.get("key"))
                .containsExactly("c/1", "premium");
        Api.Reply last = api.get("/api/limits/" + name + "/overrides?limit=2&after=premium");
        assertThat(last.map()).containsEntry("total", 4).doesNotContainKey("next");
        assertThat((List<?>) last.map().get("overrides")).isEmpty();
        Map<String, Object> all = api.get("/api/limits/" + name + "/overrides").map();
        assertThat((List<Map<String, Object>>) all.get("overrides")).extracting(o -> o.get("key"))
                .containsExactly("a", "b", "c/1", "premium");
        assertThat(all).doesNotContainKey("next");
        assertThat((Map<String, Object>) ((List<Map<String, Object>>) all.get("overrides")).get(3).get("policy"))
                .containsEntry("permits", 6);

        assertThat(api.delete(keyPath("premium") + "/override").status()).isEqualTo(204);
        Api.Reply again = api.delete(keyPath("premium") + "/override");
        assertThat(again.status()).isEqualTo(404);
        assertThat(again.map()).containsEntry("detail", "key 'premium' of limit '" + name + "' has no override");
        assertThat(api.get(keyPath("premium")).map()).containsEntry("overridden", false).containsEntry("permitsCap", 1);
        assertThat(api.get("/api/limits/" + name + "/overrides").map()).containsEntry("total", 3);
    }

    @Test
    void anOverrideReachesTheKeysNextAcquire() throws Exception {
        defineKeyed("{\"permits\": 1, \"keyed\": true}");
        assertThat(api.put(keyPath("big") + "/override", "{\"permits\": 2}").status()).isEqualTo(201);
        try (LimiterClient client = LimiterClient.builder().redisUri(redisUri).keyPrefix(PREFIX).build()) {
            DistributedLimiter big = client.limiter(name).forKey("big");
            try (Permit a = big.acquire(Duration.ofSeconds(1)); Permit b = big.acquire(Duration.ofSeconds(1))) {
                assertThat(api.get(keyPath("big")).map()).containsEntry("permitsInUse", 2)
                        .containsEntry("permitsCap", 2).containsEntry("overridden", true);
                assertThat(client.limiter(name).forKey("small").tryAcquire()).isPresent();
            }
        }
    }

    @Test
    void aBadKeyIs400NamingTheKeyEverywhereAndChangesNothing() {
        defineKeyed("{\"permits\": 1, \"keyed\": true}");
        Map<String, Object> before = snapshot();
        for (String bad : List.of("a%0Ab", "%7F", "x".repeat(LimitKeys.MAX_KEY_BYTES + 1),
                "%C3%A9".repeat(LimitKeys.MAX_KEY_BYTES / 2 + 1))) {
            String path = "/api/limits/" + name + "/keys/" + bad;
            List<Api.Reply> replies = List.of(api.get(path), api.delete(path + "/permits/p1"),
                    api.put(path + "/override", "{\"permits\": 2}"), api.delete(path + "/override"),
                    api.get("/api/limits/" + name + "/overrides?after=" + bad));
            for (Api.Reply r : replies) {
                assertThat(r.status()).as(bad + " " + r).isEqualTo(400);
                assertThat(r.contentType()).isEqualTo("application/problem+json");
                assertThat(r.map()).containsEntry("type", "urn:limiter:problem:validation")
                        .containsEntry("field", "key").containsEntry("rule", LimitKeys.KEY_RULE);
            }
        }
        assertThat(snapshot()).isEqualTo(before);
    }

    @Test
    void aLimitThatIsNotKeyedIs400NamingTheKey() {
        assertThat(api.put("/api/limits/" + name, "{\"permits\": 1}").status()).isEqualTo(201);
        Map<String, Object> before = snapshot();
        String rule = "not be given: limit '" + name + "' is not keyed";
        List<Api.Reply> replies = List.of(api.get(keyPath("k")), api.delete(keyPath("k") + "/permits/p1"),
                api.put(keyPath("k") + "/override", "{\"permits\": 2}"), api.delete(keyPath("k") + "/override"));
        for (Api.Reply r : replies) {
            assertThat(r.status()).as(r.toString()).isEqualTo(400);
            assertThat(r.map()).containsEntry("field", "key").containsEntry("value", "'k'")
                    .containsEntry("rule", rule).containsEntry("detail", "key must " + rule + ", was 'k'");
        }
        Api.Reply list = api.get("/api/limits/" + name + "/overrides");
        assertThat(list.status()).isEqualTo(400);
        assertThat(list.map()).containsEntry("field", "name")
                .containsEntry("rule", "name a keyed limit (one whose policy has keyed: true)");
        assertThat(snapshot()).isEqualTo(before);
    }

    @Test
    void anUnknownLimitIs404AndABadNameIs400() {
        String detail = "limit '" + name + "' is not defined";
        List<Api.Reply> replies = List.of(api.get(keyPath("k")), api.delete(keyPath("k") + "/permits/p1"),
                api.put(keyPath("k") + "/override", "{\"permits\": 2}"), api.delete(keyPath("k") + "/override"),
                api.get("/api/limits/" + name + "/overrides"));
        for (Api.Reply r : replies) {
            assertThat(r.status()).as(r.toString()).isEqualTo(404);
            assertThat(r.contentType()).isEqualTo("application/problem+json");
            assertThat(r.map()).containsEntry("type", "urn:limiter:problem:not-found").containsEntry("detail", detail);
        }
        assertThat(redis.keys(PREFIX + ":{" + name + "*")).as("nothing written for an unknown limit").isEmpty();
        Api.Reply badName = api.get("/api/limits/a*b/keys/k");
        assertThat(badName.status()).isEqualTo(400);
        assertThat(badName.map()).containsEntry("field", "name");
    }

    @Test
    void badOverridesAndPagesAre400AndChangeNothing() {
        defineKeyed("{\"permits\": 1, \"keyed\": true}");
        Map<String, Object> before = snapshot();
        Api.Reply zero = api.put(keyPath("k") + "/override", "{\"permits\": 0}");
        assertThat(zero.status()).isEqualTo(400);
        assertThat(zero.map()).containsEntry("field", "permits").containsEntry("rule", "be between 1 and 1000000");
        Api.Reply notJson = api.put(keyPath("k") + "/override", "{\"permits\": 2");
        assertThat(notJson.map()).containsEntry("field", "body");
        Api.Reply wrongType = api.call(HttpRequest.PUT(keyPath("k") + "/override", "permits=2")
                .contentType(MediaType.TEXT_PLAIN_TYPE).bearerAuth(Api.TOKEN));
        assertThat(wrongType.status()).isIn(400, 415);
        for (String limit : List.of("0", "501", "ten", "-1")) {
            Api.Reply r = api.get("/api/limits/" + name + "/overrides?limit=" + limit);
            assertThat(r.status()).as(limit).isEqualTo(400);
            assertThat(r.map()).containsEntry("field", "limit");
        }
        assertThat(snapshot()).isEqualTo(before);
    }

    @Test
    void writesNeedTheTokenAndReadsDoNot() throws Exception {
        defineKeyed("{\"permits\": 1, \"keyed\": true}");
        assertThat(api.put(keyPath("k") + "/override", "{\"permits\": 2}").status()).isEqualTo(201);
        try (LimiterClient client = LimiterClient.builder().redisUri(redisUri).keyPrefix(PREFIX).build()) {
            Permit p = client.limiter(name).forKey("k").acquire(Duration.ofSeconds(1));
            Map<String, Object> before = snapshot();
            List<Api.Reply> without = List.of(
                    api.call(HttpRequest.PUT(keyPath("k") + "/override", "{\"permits\": 3}")
                            .contentType(MediaType.APPLICATION_JSON_TYPE)),
                    api.call(HttpRequest.DELETE(keyPath("k") + "/override")),
                    api.call(HttpRequest.DELETE(keyPath("k") + "/permits/" + p.id())));
            for (Api.Reply r : without) {
                assertThat(r.status()).as(r.toString()).isEqualTo(401);
                assertThat(r.map()).containsEntry("type", "urn:limiter:problem:unauthorized");
            }
            Api.Reply wrong = api.call(HttpRequest.DELETE(keyPath("k") + "/override").bearerAuth("nope"));
            assertThat(wrong.status()).isEqualTo(403);
            // The lease and the bucket move with time: compare what the writes would change.
            assertThat(snapshot().keySet()).isEqualTo(before.keySet());
            assertThat(p.isValid()).isTrue();
            assertThat(api.get(keyPath("k")).map()).containsEntry("permitsCap", 2).containsEntry("permitsInUse", 1);
            assertThat(api.get("/api/limits/" + name + "/overrides").map()).containsEntry("total", 1);
            p.close();
        }
    }

    @Test
    void aLimitWithTheMostOverridesRefusesOneMoreNamingTheKey() {
        defineKeyed("{\"permits\": 1, \"keyed\": true}");
        // Fill the index to its bound directly (10,000 PUTs would take long); the next new key is refused.
        String index = new KeySchema(PREFIX).keys(name).get(KeySchema.ROLES.indexOf("overrides"));
        List<ScoredValue<String>> members = new ArrayList<>();
        for (int i = 0; i < KeyOverrides.MAX_PER_LIMIT; i++) {
            members.add(ScoredValue.just(0, LimitKeys.nameOf(name, "filler-" + i)));
        }
        redis.zadd(index, members.toArray(ScoredValue[]::new));
        Api.Reply refused = api.put(keyPath("one-more") + "/override", "{\"permits\": 2}");
        assertThat(refused.status()).as(refused.toString()).isEqualTo(400);
        assertThat(refused.map()).containsEntry("field", "key").containsEntry("value", "'one-more'")
                .containsEntry("rule", "be one of at most 10000 overridden keys of limit '" + name
                        + "' (remove one first)");
        assertThat(api.get(keyPath("one-more")).map()).containsEntry("overridden", false);
        assertThat(redis.zcard(index)).isEqualTo(KeyOverrides.MAX_PER_LIMIT);
        redis.del(index);
    }

    @Test
    void theOpenApiDocumentListsTheKeyEndpoints() {
        Api.Reply r = api.get("/swagger/distributed-limiter-admin-api-0.1.yml");
        assertThat(r.body()).contains("/api/limits/{name}/keys/{key}:", "/api/limits/{name}/keys/{key}/override:",
                "/api/limits/{name}/keys/{key}/permits/{permitId}:", "/api/limits/{name}/overrides:");
    }
}
