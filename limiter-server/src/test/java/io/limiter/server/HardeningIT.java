package io.limiter.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.sync.RedisCommands;
import io.limiter.server.api.Messages;
import io.limiter.server.api.SecurityHeadersFilter;
import io.limiter.server.ops.LimitSampler;
import io.limiter.testing.RedisExtension;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.json.JsonMapper;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.Deflater;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What an outside probe of the admin server found (issue #15), one test per finding: each request gets its exact
 * status and an {@code application/problem+json} body naming the field and rule, with no class, parser or script
 * names, and a rejected request changes nothing in Redis.
 */
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HardeningIT implements TestPropertyProvider {
    private static final String PREFIX = "hard" + UUID.randomUUID().toString().substring(0, 6);
    /** Nothing a client sends may come back with one of these in the answer. */
    private static final String INTERNALS = "(?s).*(Exception|io\\.micronaut|com\\.fasterxml|JsonReadFeature|"
            + "StreamReadConstraints|Failed to convert|HealthCheckType|user_script|[0-9a-f]{40}|\tat ).*";
    private static final String OBJECT_RULE = "be one JSON object such as {\"permits\": 10, \"lease\": \"30s\"}";

    private final String redisUri = RedisExtension.shared().uri();
    private final RedisClient raw = RedisClient.create(redisUri);
    private final RedisCommands<String, String> redis = raw.connect().sync();

    @Inject
    @Client("/")
    HttpClient http;

    @Inject
    JsonMapper json;

    @Inject
    EmbeddedServer server;

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
                "limiter.sample-interval", "1h");
    }

    @BeforeEach
    void setUp() {
        api = new Api(http, json);
        name = "h-" + UUID.randomUUID().toString().substring(0, 8);
        api.put("/api/limits/" + name, "{\"permits\": 1}");
    }

    @AfterAll
    void tearDown() {
        raw.shutdown();
    }

    private Map<String, Object> snapshot() {
        return RedisSnapshot.of(redis, PREFIX, name);
    }

    private Map<String, Object> map(String body) {
        try {
            @SuppressWarnings("unchecked")
            Map<String, Object> m = json.readValue(body, Map.class);
            return m;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A PUT of {@code body} is refused: 400 naming {@code field}, value and rule; Redis unchanged. */
    private void rejected(String body, String field, String value, String rule) {
        Map<String, Object> before = snapshot();
        Api.Reply r = api.put("/api/limits/" + name, body);
        assertThat(r.status()).as(r.toString()).isEqualTo(400);
        assertThat(r.contentType()).isEqualTo("application/problem+json");
        assertThat(r.map()).containsEntry("type", "urn:limiter:problem:validation").containsEntry("field", field)
                .containsEntry("value", value).containsEntry("rule", rule)
                .containsEntry("detail", field + " must " + rule + ", was " + value);
        assertThat(r.body()).doesNotMatch(INTERNALS);
        assertThat(snapshot()).isEqualTo(before);
    }

    private RawHttp.Response raw(String head, String body) {
        return RawHttp.send(server.getPort(), head, body);
    }

    private static void assertProblem(RawHttp.Response r, int status) {
        assertThat(r.status()).as(r.toString()).isEqualTo(status);
        assertThat(r.header("Content-Type")).isEqualTo("application/problem+json");
        assertThat(r.body()).contains("\"status\":" + status).doesNotMatch(INTERNALS);
    }

    // 1. Huge numbers: the field's range rule, not a 500.
    @ParameterizedTest
    @ValueSource(strings = {
        "{\"permits\": 1e400}|permits|1E+400|be between 1 and 1000000",
        "{\"permits\": -1e400}|permits|-1E+400|be between 1 and 1000000",
        "{\"rate\": 1e400}|rate|1E+400|be between 1 and 1000000000",
        "{\"rate\": 5, \"burst\": 1e400}|burst|1E+400|be between 1 and 1000000000",
    })
    void hugeNumbersBreakTheFieldsRange(String c) {
        String[] p = c.split("\\|");
        rejected(p[0], p[1], p[2], p[3]);
    }

    // 2. Trailing content after the object.
    @Test
    void trailingJunkOrASecondObjectIsInvalidJson() {
        rejected("{\"permits\": 5} xyz", "body", "invalid JSON at line 1, column 16", OBJECT_RULE);
        rejected("{\"permits\": 5}{\"permits\": 6}", "body", "more JSON after the object at line 1, column 15",
                OBJECT_RULE);
    }

    // 3. A damaged limit is listed with its error; the others are served; a repairing PUT answers 200.
    @Test
    void aCorruptLimitIsListedWithItsErrorAndAPutRepairsIt() {
        String bad = name + "-bad";
        String wrongType = name + "-str";
        redis.hset(PREFIX + ":{" + bad + "}:policy", Map.of("permits", "-5", "lease_ms", "-1"));
        redis.set(PREFIX + ":{" + wrongType + "}:policy", "foo");
        String badError = "limit '" + bad + "' cannot be read from Redis (its stored policy {lease_ms=-1, permits=-5} "
                + "breaks a rule: permits must be between 1 and 1000000, was -5); replace its policy or delete it";
        String typeError = "limit '" + wrongType + "' cannot be read from Redis (a key of it holds the wrong type of "
                + "value); replace its policy or delete it";

        Api.Reply list = api.get("/api/limits");
        assertThat(list.status()).as(list.toString()).isEqualTo(200);
        assertThat(list.list()).anySatisfy(l -> assertThat(l).containsEntry("name", name).containsKey("policy"));
        assertThat(list.list()).anySatisfy(l -> assertThat(l).containsEntry("name", bad).containsEntry("error",
                badError).doesNotContainKey("policy"));
        assertThat(list.list()).anySatisfy(l -> assertThat(l).containsEntry("name", wrongType)
                .containsEntry("error", typeError));

        Api.Reply one = api.get("/api/limits/" + wrongType);
        assertThat(one.status()).isEqualTo(409);
        assertThat(one.map()).containsEntry("type", "urn:limiter:problem:corrupt-limit")
                .containsEntry("detail", typeError);
        assertThat(one.body()).doesNotMatch(INTERNALS);

        LimitSampler.Snapshot tick = sampler.sample();
        assertThat(tick.redisUp()).isTrue();
        assertThat(tick.states()).anySatisfy(s -> assertThat(s.name()).isEqualTo(name));
        assertThat(tick.unreadable()).extracting(e -> e.limit()).contains(bad, wrongType);

        Api.Reply repaired = api.put("/api/limits/" + bad, "{\"permits\": 2}");
        assertThat(repaired.status()).as(repaired.toString()).isEqualTo(200);
        assertThat(api.put("/api/limits/" + wrongType, "{\"permits\": 3}").status()).isEqualTo(200);
        assertThat(redis.hgetall(PREFIX + ":{" + bad + "}:policy")).containsEntry("permits", "2");
        assertThat(api.get("/api/limits/" + wrongType).map()).containsEntry("permitsCap", 3);
        assertThat(api.get("/api/limits").list()).noneSatisfy(l -> assertThat(l).containsKey("error"));
        api.delete("/api/limits/" + bad);
        api.delete("/api/limits/" + wrongType);
    }

    // 4. problem+json everywhere; unused built-in endpoints are off.
    @ParameterizedTest
    @ValueSource(strings = {"/threaddump", "/beans", "/routes", "/info", "/refresh", "/metrics", "/loggers", "/env"})
    void unusedBuiltInEndpointsAreOff(String path) {
        RawHttp.Response r = raw("GET " + path + " HTTP/1.1\r\nHost: x", "");
        assertProblem(r, 404);
        assertThat(map(r.body())).containsEntry("detail", Messages.NO_ROUTE);
        assertProblem(raw("POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json", "{}"), 404);
    }

    @Test
    void errorsAreProblemJsonWhateverAcceptSays() {
        RawHttp.Response r = raw("GET /api/limits/nosuch HTTP/1.1\r\nHost: x\r\nAccept: text/html", "");
        assertThat(r.header("Content-Type")).isEqualTo("application/problem+json");
        assertThat(r.body()).doesNotContain("<html").doesNotMatch(INTERNALS);
        assertProblem(raw("GET /nosuch/page HTTP/1.1\r\nHost: x\r\nAccept: text/html", ""), 404);
    }

    // 5. Neutral messages.
    @Test
    void malformedRequestsGetNeutralMessages() {
        assertProblem(raw("GET /health/foo HTTP/1.1\r\nHost: x", ""), 400);
        assertThat(map(raw("GET /health/foo HTTP/1.1\r\nHost: x", "").body()))
                .containsEntry("detail", Messages.BAD_REQUEST);
        rejected(" ", "body", "nothing", OBJECT_RULE);
        rejected("{\"permits\": NaN}", "body", "invalid JSON at line 1, column 16", OBJECT_RULE);
        rejected("{\"permits\": " + "9".repeat(1200) + "}", "body",
                "JSON with a number, text or nesting beyond the parser's limits", OBJECT_RULE);
        rejected("{\"permits\": " + "[".repeat(1200) + "}", "body",
                "JSON with a number, text or nesting beyond the parser's limits", OBJECT_RULE);
    }

    @Test
    void aBodyThatDoesNotDecompressIs400AndChangesNothing() {
        Map<String, Object> before = snapshot();
        String head = "PUT /api/limits/" + name + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + Api.TOKEN
                + "\r\nContent-Type: application/json\r\nContent-Encoding: deflate";
        RawHttp.Response junk = raw(head, "junk that is not deflated");
        assertProblem(junk, 400);
        assertThat(snapshot()).isEqualTo(before);
        // A body that is deflated is read.
        Deflater d = new Deflater();
        d.setInput("{\"permits\": 4}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        d.finish();
        byte[] buf = new byte[256];
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(buf, 0, d.deflate(buf));
        RawHttp.Response ok = RawHttp.send(server.getPort(), head, out.toByteArray());
        assertThat(ok.status()).as(ok.toString()).isEqualTo(200);
        assertThat(redis.hget(PREFIX + ":{" + name + "}:policy", "permits")).isEqualTo("4");
    }

    // 6. Fractions are never rounded; out-of-range numbers and durations name the range.
    @ParameterizedTest
    @ValueSource(strings = {
        "{\"permits\": 0.99999999999999999}|permits|0.99999999999999999|be a whole number",
        "{\"permits\": 9223372036854775808}|permits|9223372036854775808|be between 1 and 1000000",
        "{\"permits\": 1, \"lease\": \"9223372036854775807s\"}|lease|PT2562047788015215H30M7S|be between PT1S and PT24H",
        "{\"permits\": 1, \"lease\": \"99999999999999999999s\"}|lease|'99999999999999999999s'|be between PT1S and PT24H",
        "{\"rate\": 1, \"period\": \"PT99999999999999999999S\"}|period|'PT99999999999999999999S'|be between PT0.001S "
                + "and PT24H",
    })
    void fractionsAndOutOfRangeValuesAreRejected(String c) {
        String[] p = c.split("\\|");
        rejected(p[0], p[1], p[2], p[3]);
    }

    // 7. Duplicate keys, Content-Type, NUL in durations, two Authorization headers.
    @Test
    void duplicateKeysAreRejected() {
        rejected("{\"permits\": 0, \"permits\": 5}", "permits", "given more than once", "be given only once");
        rejected("{\"permits\": null, \"permits\": 5}", "permits", "given more than once", "be given only once");
    }

    @Test
    void durationsAreNotTrimmed() {
        rejected("{\"permits\": 1, \"lease\": \"PT1S\\u0000\"}", "lease", "'PT1S\u0000'",
                "be a duration like 500ms, 30s, 2m, 1h, 1d or PT30S");
        rejected("{\"permits\": 1, \"lease\": \" 2s \"}", "lease", "' 2s '",
                "be a duration like 500ms, 30s, 2m, 1h, 1d or PT30S");
    }

    @ParameterizedTest
    @ValueSource(strings = {";;;", "", "application/json, application/json", "application/jsonx"})
    void aPutNeedsOneJsonContentType(String contentType) {
        Map<String, Object> before = snapshot();
        String header = contentType.isEmpty() ? "" : "\r\nContent-Type: " + contentType.replace(", ",
                "\r\nContent-Type: ");
        RawHttp.Response r = raw("PUT /api/limits/" + name + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                + Api.TOKEN + header, "{\"permits\": 5}");
        assertThat(r.status()).as(r.toString()).isIn(400, 415);
        assertThat(r.header("Content-Type")).isEqualTo("application/problem+json");
        if (r.status() == 400) {
            assertThat(map(r.body())).containsEntry("field", "Content-Type")
                    .containsEntry("rule", "be application/json (optionally with charset=utf-8), given once");
        }
        assertThat(snapshot()).isEqualTo(before);
        assertThat(raw("PUT /api/limits/" + name + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + Api.TOKEN
                + "\r\nContent-Type: application/json; charset=UTF-8", "{\"permits\": 5}").status()).isEqualTo(200);
    }

    @Test
    void twoAuthorizationHeadersAre400() {
        Map<String, Object> before = snapshot();
        String auth = "\r\nAuthorization: Bearer " + Api.TOKEN;
        RawHttp.Response put = raw("PUT /api/limits/" + name + " HTTP/1.1\r\nHost: x" + auth
                + "\r\nAuthorization: Bearer other\r\nContent-Type: application/json", "{\"permits\": 5}");
        assertProblem(put, 400);
        assertThat(map(put.body())).containsEntry("detail", Messages.ONE_AUTHORIZATION);
        assertProblem(raw("GET /api/limits HTTP/1.1\r\nHost: x" + auth + auth, ""), 400);
        assertThat(snapshot()).isEqualTo(before);
    }

    // 8. Too long request line or headers: 414 / 431.
    @Test
    void aLongRequestLineIs414AndLargeHeadersAre431() {
        RawHttp.Response longPath = raw("GET /api/limits/" + "a".repeat(10_000) + " HTTP/1.1\r\nHost: x", "");
        assertProblem(longPath, 414);
        assertThat(map(longPath.body())).containsEntry("type", "urn:limiter:problem:uri-too-long")
                .containsEntry("detail", Messages.URI_TOO_LONG).doesNotContainKey("instance");
        RawHttp.Response bigHeader = raw("GET /api/limits HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(20_000), "");
        assertProblem(bigHeader, 431);
        assertThat(map(bigHeader.body())).containsEntry("type", "urn:limiter:problem:headers-too-large")
                .containsEntry("detail", Messages.HEADERS_TOO_LARGE).doesNotContainKey("instance");
    }

    // 9. Names . and .. are invalid (and other dots are not).
    @ParameterizedTest
    @ValueSource(strings = {".", ".."})
    void dotNamesAre400(String dots) {
        Map<String, Object> before = snapshot();
        RawHttp.Response r = raw("PUT /api/limits/" + dots + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                + Api.TOKEN + "\r\nContent-Type: application/json", "{\"permits\": 1}");
        assertProblem(r, 400);
        assertThat(map(r.body())).containsEntry("field", "name").containsEntry("value", "'" + dots + "'")
                .containsEntry("rule", "match [A-Za-z0-9._:-]{1,128} and not be . or ..");
        assertThat(snapshot()).isEqualTo(before);
        assertThat(redis.keys(PREFIX + ":{" + dots + "}:*")).isEmpty();
        assertThat(api.put("/api/limits/" + name + "...", "{\"permits\": 1}").status()).isEqualTo(201);
        api.delete("/api/limits/" + name + "...");
    }

    // 10. /metrics is off; health details only with the token.
    @Test
    void healthShowsItsDetailsOnlyToTheAdmin() {
        Api.Reply open = api.get("/health");
        assertThat(open.status()).isEqualTo(200);
        assertThat(open.map()).isEqualTo(Map.of("status", "UP"));
        assertThat(api.get("/health/readiness").map()).isEqualTo(Map.of("status", "UP"));

        Api.Reply admin = api.call(HttpRequest.GET("/health").bearerAuth(Api.TOKEN));
        @SuppressWarnings("unchecked")
        Map<String, Object> details = (Map<String, Object>) admin.map().get("details");
        assertThat(details).containsKey("redis").doesNotContainKey("diskSpace");
        Api.Reply wrong = api.call(HttpRequest.GET("/health").bearerAuth("not-the-token"));
        assertThat(wrong.map()).isEqualTo(Map.of("status", "UP"));
        assertThat(api.get("/metrics").status()).isEqualTo(404);
    }

    // 11. Hardening headers on every page.
    @ParameterizedTest
    @ValueSource(strings = {"/", "/js/main.js", "/api/limits", "/api/limits/nosuch", "/health"})
    void everyResponseCarriesTheSecurityHeaders(String path) {
        RawHttp.Response r = raw("GET " + path + " HTTP/1.1\r\nHost: x", "");
        assertThat(r.header("Content-Security-Policy")).isEqualTo(SecurityHeadersFilter.CONTENT_SECURITY_POLICY);
        assertThat(r.header("Content-Security-Policy")).contains("frame-ancestors 'none'", "script-src 'self'");
        assertThat(r.header("X-Frame-Options")).isEqualTo("DENY");
        assertThat(r.header("X-Content-Type-Options")).isEqualTo("nosniff");
    }

    @Test
    void theDashboardLoadsNothingFromElsewhereAndSendsItsTokenOnlyWhenReadsAreProtected() {
        String page = api.get("/").body();
        Map<String, String> scripts = dashboardModules(page);
        List<String> texts = new ArrayList<>(scripts.values());
        texts.add(page);
        assertThat(texts).allSatisfy(s -> assertThat(s)
                .doesNotContainPattern("(src|href|url)\\s*[=(]\\s*[\"']?(https?:)?//")
                .doesNotContainPattern("(fetch|EventSource)\\(\\s*['\"](https?:)?//")
                .doesNotContain("<script>").doesNotContain(" onclick=").doesNotContain("style=\""));
        assertThat(scripts.get("/js/stream.js"))
                .contains("const token = view.readsProtected ? sessionStorage.getItem(TOKEN_KEY) : null;");
    }

    /**
     * The page's module scripts, found by following its {@code <script type="module">} and every module's relative
     * imports: each is served with a JavaScript content type (a browser refuses a module otherwise, and nosniff
     * forbids guessing) and the security headers. Path -> text.
     */
    private Map<String, String> dashboardModules(String page) {
        Matcher entry = Pattern.compile("<script type=\"module\" src=\"([^\"]+)\"></script>").matcher(page);
        assertThat(entry.find()).as("a module script in the page").isTrue();
        Map<String, String> modules = new LinkedHashMap<>();
        Deque<String> todo = new ArrayDeque<>(List.of(entry.group(1)));
        Pattern imports = Pattern.compile("(?m)^import [^;]*? from '(\\./[\\w-]+\\.js)';$");
        while (!todo.isEmpty()) {
            String path = todo.pop();
            if (modules.containsKey(path)) {
                continue;
            }
            RawHttp.Response r = raw("GET " + path + " HTTP/1.1\r\nHost: x", "");
            assertThat(r.status()).as(path).isEqualTo(200);
            // Either name is a JavaScript MIME type to the HTML standard; Micronaut sends application/javascript.
            assertThat(r.header("Content-Type")).as(path).matches("(text|application)/javascript(;.*)?");
            assertThat(r.header("Content-Security-Policy")).isEqualTo(SecurityHeadersFilter.CONTENT_SECURITY_POLICY);
            modules.put(path, r.body());
            Matcher m = imports.matcher(r.body());
            String dir = path.substring(0, path.lastIndexOf('/') + 1);
            while (m.find()) {
                todo.push(dir + m.group(1).substring(2));
            }
        }
        assertThat(modules).containsKeys("/js/main.js", "/js/stream.js", "/js/policy-form.js", "/js/keys.js");
        return modules;
    }
}
