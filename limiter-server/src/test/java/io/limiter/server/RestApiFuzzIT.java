package io.limiter.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.sync.RedisCommands;
import io.limiter.core.PolicySchema;
import io.limiter.testing.RedisExtension;
import io.micronaut.context.ApplicationContext;
import io.micronaut.json.JsonMapper;
import io.micronaut.runtime.server.EmbeddedServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * A property-based fuzzer over the REST API (issue #15): requests built from the policy schema, then bent (huge and
 * fractional numbers, durations with junk, repeated keys, broken JSON, odd names, headers and encodings). Whatever
 * is sent: never a 5xx, every error is {@code application/problem+json} with its status and no internals, and a
 * rejected request leaves Redis as it was. About 2,000 requests, well under a minute here.
 */
class RestApiFuzzIT {
    private static final String PREFIX = "fuzz" + UUID.randomUUID().toString().substring(0, 6);
    private static final String INTERNALS = "(?s).*(Exception|io\\.micronaut|com\\.fasterxml|io\\.netty|"
            + "JsonReadFeature|StreamReadConstraints|Failed to convert|user_script|"
            // a script's SHA1: 40 hex digits with at least one letter (a 40-digit number the fuzzer sent back is not)
            + "(?<![0-9a-zA-Z])(?=[0-9]{0,39}[a-f])[0-9a-f]{40}(?![0-9a-zA-Z])|\tat ).*";

    private static EmbeddedServer server;
    private static JsonMapper json;
    private static RedisClient raw;
    private static RedisCommands<String, String> redis;

    @BeforeContainer
    static void start() {
        String uri = RedisExtension.shared().uri();
        server = ApplicationContext.run(EmbeddedServer.class, Map.of(
                "limiter.redis-uri", uri,
                "limiter.admin-token", Api.TOKEN,
                "limiter.key-prefix", PREFIX,
                "limiter.sample-interval", "1h",
                "micronaut.server.port", "-1"));
        json = server.getApplicationContext().getBean(JsonMapper.class);
        raw = RedisClient.create(uri);
        redis = raw.connect().sync();
    }

    @AfterContainer
    static void stop() {
        server.close();
        raw.shutdown();
    }

    /** One request: method, raw path segment (the limit name), headers, body. */
    record Call(String method, String name, List<String> headers, byte[] body) {
        @Override
        public String toString() {
            return method + " /api/limits/" + name + " " + headers + " "
                    + new String(body, StandardCharsets.UTF_8);
        }
    }

    @Property(tries = 1500, shrinking = ShrinkingMode.BOUNDED)
    void writesNeverFailAndRejectionsChangeNothing(@ForAll("writes") Call call) throws IOException {
        check(call);
    }

    @Property(tries = 500, shrinking = ShrinkingMode.BOUNDED)
    void readsAndDeletesNeverFail(@ForAll("others") Call call) throws IOException {
        check(call);
    }

    private void check(Call call) throws IOException {
        String limit = java.net.URLDecoder.decode(call.name().replace("+", "%2B"), StandardCharsets.UTF_8);
        Map<String, Object> before = RedisSnapshot.of(redis, PREFIX, limit);
        StringBuilder head = new StringBuilder(call.method()).append(" /api/limits/").append(call.name())
                .append(" HTTP/1.1\r\nHost: fuzz");
        call.headers().forEach(h -> head.append("\r\n").append(h));
        RawHttp.Response r = RawHttp.send(server.getPort(), head.toString(), call.body());

        assertThat(r.status()).as(call + " -> " + r).isBetween(200, 499);
        if (r.status() >= 300) {
            assertThat(r.header("Content-Type")).as(call + " -> " + r).isEqualTo("application/problem+json");
            if (call.method().equals("HEAD")) {
                assertThat(r.body()).isEmpty();
                return;
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> problem = json.readValue(r.body(), Map.class);
            assertThat(problem).as(call + " -> " + r).containsEntry("status", r.status()).containsKeys("type",
                    "title", "detail");
            assertThat(r.body()).as(call + " -> " + r).doesNotMatch(INTERNALS);
            assertThat(RedisSnapshot.of(redis, PREFIX, limit)).as(call + " -> " + r + " changed Redis")
                    .isEqualTo(before);
        } else if (call.method().equals("PUT")) {
            assertThat(redis.exists(PREFIX + ":{" + limit + "}:policy")).as(call + " -> " + r).isEqualTo(1);
        }
    }

    // ------------------------------------------------------------------------------------------------ generators

    @Provide
    Arbitrary<Call> writes() {
        return Combinators.combine(names(), writeHeaders(), bodies())
                .as((name, headers, body) -> new Call("PUT", name, headers, body.getBytes(StandardCharsets.UTF_8)));
    }

    @Provide
    Arbitrary<Call> others() {
        return Combinators.combine(Arbitraries.of("GET", "DELETE", "POST", "PATCH", "HEAD"), names(), authorization(),
                Arbitraries.of("", "/permits/p-1", "/permits/", "/stream", "/permits/" + "x".repeat(200)))
                .as((method, name, auth, suffix) -> new Call(method, name + suffix, auth, new byte[0]));
    }

    /** Valid names (some of them the same few, so writes meet existing limits), odd names, percent-encoded junk. */
    private Arbitrary<String> names() {
        Arbitrary<String> valid = Arbitraries.strings().withChars("abcXYZ019._:-").ofMinLength(1).ofMaxLength(12);
        Arbitrary<String> few = Arbitraries.of("fz-a", "fz-b", "fz-c");
        Arbitrary<String> odd = Arbitraries.of(".", "..", "...", "%2e%2e", "a%7Bb%7D", "a*b", "a%20b", "%00",
                "x".repeat(129), "n".repeat(128), "%E2%9C%93", "a%2Fb", "-", ":", "a;b");
        Arbitrary<String> encoded = Arbitraries.strings().ofMinLength(1).ofMaxLength(20)
                .map(s -> java.net.URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20"));
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(4, valid), net.jqwik.api.Tuple.of(4, few), net.jqwik.api.Tuple.of(2, odd),
                net.jqwik.api.Tuple.of(1, encoded));
    }

    private Arbitrary<List<String>> authorization() {
        String good = "Authorization: Bearer " + Api.TOKEN;
        return Arbitraries.of(List.of(good), List.of(good), List.of(good), List.of(), List.of("Authorization: Bearer x"),
                List.of(good, good), List.of("Authorization: Basic Zm9vOmJhcg=="), List.of("Authorization: Bearer"),
                List.of("Authorization: " + Api.TOKEN));
    }

    private Arbitrary<List<String>> writeHeaders() {
        Arbitrary<List<String>> types = Arbitraries.of(List.of("Content-Type: application/json"),
                List.of("Content-Type: application/json"), List.of("Content-Type: application/json; charset=utf-8"),
                List.of(), List.of("Content-Type: ;;;"), List.of("Content-Type: text/plain"),
                List.of("Content-Type: application/json", "Content-Type: application/json"),
                List.of("Content-Type: application/x-www-form-urlencoded"));
        Arbitrary<List<String>> extra = Arbitraries.of(List.of(), List.of(), List.of(), List.of("Accept: text/html"),
                List.of("Content-Encoding: deflate"), List.of("Content-Encoding: gzip"), List.of("Accept: */*"));
        return Combinators.combine(authorization(), types, extra).as((a, t, e) -> {
            List<String> all = new ArrayList<>(a);
            all.addAll(t);
            all.addAll(e);
            return all;
        });
    }

    /** JSON objects from the policy schema (mostly), then possibly broken. */
    private Arbitrary<String> bodies() {
        Arbitrary<String> key = Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(8, Arbitraries.of(PolicySchema.NAMES)),
                net.jqwik.api.Tuple.of(1, Arbitraries.of("colour", "", "PERMITS", "permits ", "\\u0000")));
        Arbitrary<String> entry = Combinators.combine(key, values()).as((k, v) -> "\"" + k + "\": " + v);
        Arbitrary<String> object = entry.list().ofMaxSize(6).map(l -> "{" + String.join(", ", l) + "}");
        return Combinators.combine(object, mutations()).as((o, m) -> m.apply(o));
    }

    private Arbitrary<String> values() {
        Arbitrary<String> wholes = Arbitraries.longs().between(-3, 2_000_000).map(String::valueOf);
        Arbitrary<String> numbers = Arbitraries.of("1e400", "-1e400", "0.99999999999999999", "9223372036854775808",
                "-9223372036854775809", "1.0", "2.5", "1E2", "0", "-0", "1e-400", "NaN", "Infinity", "0x10", "01",
                "9".repeat(40), "1.5e3", "100000000000000000000000000");
        Arbitrary<String> durations = Arbitraries.of("30s", "PT30S", "500ms", "1s", "2m", "1h", "1d", "25h", "0s",
                "-PT1S", "PT1S\\u0000", " 1s", "1s ", "9223372036854775807s", "99999999999999999999s",
                "PT99999999999999999999S", "P1D", "pt5s", "soon", "", "5 minutes", "1.5s", "P", "PT")
                .map(d -> "\"" + d + "\"");
        Arbitrary<String> others = Arbitraries.of("true", "false", "null", "[]", "[1]", "{}", "{\"a\": 1}",
                "\"ten\"", "\"4\"", "\"\"", "[[[[[[[[[[]]]]]]]]]]");
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(5, wholes), net.jqwik.api.Tuple.of(3, numbers),
                net.jqwik.api.Tuple.of(4, durations), net.jqwik.api.Tuple.of(2, others));
    }

    private Arbitrary<java.util.function.UnaryOperator<String>> mutations() {
        List<java.util.function.UnaryOperator<String>> ops = List.of(
                s -> s, s -> s, s -> s, s -> s, s -> s, s -> s,
                s -> s + " xyz",
                s -> s + s,
                s -> s.substring(0, s.length() / 2),
                s -> s.replaceFirst("\\{", "{\"permits\": 1, "),
                s -> "[" + s + "]",
                s -> " ",
                s -> "",
                s -> s.replace(":", "="),
                s -> s.replace("\"", "'"),
                s -> "{\"permits\": " + "[".repeat(2000) + "}");
        return Arbitraries.of(ops);
    }
}
