package io.limiter.micronaut;

import static io.limiter.micronaut.TestSupport.body;
import static io.limiter.micronaut.TestSupport.fetch;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.limiter.core.LimiterTimeoutException;
import io.limiter.core.LimiterValidationException;
import io.limiter.micronaut.app.KeyedService;
import io.limiter.testing.RedisExtension;
import io.micronaut.context.ApplicationContext;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MutableHttpRequest;
import io.micronaut.http.client.BlockingHttpClient;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/** Keyed limits through routes and {@code @Limited}: a cap per key, against a real Redis. */
@ExtendWith(RedisExtension.class)
@MicronautTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KeyedLimitsIT implements TestPropertyProvider {
    private static final String PREFIX = TestSupport.uniquePrefix("keyed");
    private static final String PROBLEM = "application/problem+json";

    @Inject
    @Client("/")
    HttpClient http;

    @Inject
    KeyedService service;

    @Override
    public Map<String, String> getProperties() {
        Map<String, Object> p = TestSupport.clientProperties(PREFIX);
        p.putAll(addressRoute());
        p.put("limiter.http.trusted-proxies", "127.0.0.1, ::1");
        keyed(p, "per-key", "2");
        p.put("limiter.http.routes.per-key.paths", "/api/per-key");
        p.put("limiter.http.routes.per-key.key", "header:X-Api-Key");
        keyed(p, "shared-key", "1");
        p.put("limiter.http.routes.shared-key.paths", "/api/shared-key");
        p.put("limiter.http.routes.shared-key.key", "header:X-Api-Key");
        p.put("limiter.http.routes.shared-key.missing-key", "shared");
        keyed(p, "by-tenant", "1");
        p.put("limiter.http.routes.by-tenant.paths", "/api/tenants/**");
        p.put("limiter.http.routes.by-tenant.key", "path-variable:tenant");
        keyed(p, "by-user", "1");
        p.put("limiter.http.routes.by-user.paths", "/api/by-user");
        p.put("limiter.http.routes.by-user.key", "principal");
        p.put("test.principal-filter", "true");
        p.put("limiter.client.limits.plain-one.rate", "10");
        p.put("limiter.http.routes.wrong-key.paths", "/api/wrong-key");
        p.put("limiter.http.routes.wrong-key.limit", "plain-one");
        p.put("limiter.http.routes.wrong-key.key", "header:X-Api-Key");
        p.put("limiter.http.routes.no-key.paths", "/api/no-key");
        p.put("limiter.http.routes.no-key.limit", "per-key");
        keyed(p, "m-tenant", "1");
        keyed(p, "m-header", "1");
        Map<String, String> text = new HashMap<>();
        p.forEach((k, v) -> text.put(k, String.valueOf(v)));
        return text;
    }

    /** A keyed limit of {@code rate} per hour. */
    private static void keyed(Map<String, Object> p, String limit, String rate) {
        p.put("limiter.client.limits." + limit + ".rate", rate);
        p.put("limiter.client.limits." + limit + ".period", "1h");
        p.put("limiter.client.limits." + limit + ".keyed", "true");
    }

    private static Map<String, Object> addressRoute() {
        Map<String, Object> p = new HashMap<>();
        keyed(p, "by-address", "1");
        p.put("limiter.http.routes.by-address.paths", "/api/by-address");
        p.put("limiter.http.routes.by-address.key", "client-address");
        return p;
    }

    private static HttpResponse<String> get(BlockingHttpClient c, String path, String header, String value) {
        MutableHttpRequest<?> request = HttpRequest.GET(path);
        if (value != null) {
            request.header(header, value);
        }
        try {
            return c.exchange(request, String.class);
        } catch (HttpClientResponseException e) {
            @SuppressWarnings("unchecked")
            HttpResponse<String> r = (HttpResponse<String>) e.getResponse();
            return r;
        }
    }

    @Test
    void eachHeaderValueGetsACapOfItsOwn() {
        BlockingHttpClient c = http.toBlocking();
        HttpResponse<String> first = get(c, "/api/per-key", "X-Api-Key", "alpha");
        assertThat(first.code()).isEqualTo(200);
        assertThat(first.header("RateLimit-Policy")).isEqualTo("\"per-key\";q=2;w=3600");
        assertThat(first.header("RateLimit")).isEqualTo("\"per-key\";r=1;t=1800");
        assertThat(get(c, "/api/per-key", "X-Api-Key", "alpha").code()).isEqualTo(200);
        HttpResponse<String> denied = get(c, "/api/per-key", "X-Api-Key", "alpha");
        assertThat(denied.code()).isEqualTo(429);
        assertThat(denied.header("Retry-After")).isEqualTo("1800");
        assertThat(denied.header("RateLimit")).isEqualTo("\"per-key\";r=0;t=1800");
        assertThat(body(denied)).contains("\"limit\":\"per-key\"").doesNotContain("alpha"); // the key is not echoed
        // Another key still has its whole cap, while alpha stays denied.
        HttpResponse<String> other = get(c, "/api/per-key", "X-Api-Key", "beta");
        assertThat(other.code()).isEqualTo(200);
        assertThat(other.header("RateLimit")).isEqualTo("\"per-key\";r=1;t=1800");
        assertThat(get(c, "/api/per-key", "X-Api-Key", "alpha").code()).isEqualTo(429);
        assertThat(TestSupport.keyState(PREFIX, "per-key", "alpha").tokens()).isLessThan(1);
        assertThat(TestSupport.keyState(PREFIX, "per-key", "beta").tokens()).isGreaterThanOrEqualTo(1);
    }

    @Test
    void aRequestWithoutTheKeyIsRejectedOrSharesOneKey() {
        BlockingHttpClient c = http.toBlocking();
        HttpResponse<String> missing = get(c, "/api/per-key", "X-Api-Key", null);
        assertThat(missing.code()).isEqualTo(400);
        assertThat(missing.header("Content-Type")).isEqualTo(PROBLEM);
        assertThat(body(missing)).isEqualTo("{\"type\":\"urn:limiter:problem:bad-key\",\"title\":\"Bad Request\","
                + "\"status\":400,\"detail\":\"route 'per-key' limits each header:X-Api-Key on its own: the request"
                + " has no X-Api-Key header\",\"instance\":\"/api/per-key\",\"route\":\"per-key\"}");
        HttpResponse<String> tooLong = get(c, "/api/per-key", "X-Api-Key", "k".repeat(257));
        assertThat(tooLong.code()).isEqualTo(400);
        assertThat(body(tooLong)).contains("\"detail\":\"route 'per-key' limits each header:X-Api-Key on its own:"
                + " its value must be 1 to 256 bytes of UTF-8 without control characters\"");
        // missing-key: shared puts every request without the header under the key "-": one cap among them.
        assertThat(get(c, "/api/shared-key", "X-Api-Key", null).code()).isEqualTo(200);
        assertThat(get(c, "/api/shared-key", "X-Api-Key", null).code()).isEqualTo(429);
        assertThat(get(c, "/api/shared-key", "X-Api-Key", "gamma").code()).isEqualTo(200);
        assertThat(TestSupport.keyState(PREFIX, "shared-key", "-").counters()).containsEntry("denials", 1L);
    }

    @Test
    void pathVariableAndPrincipalKeys() {
        BlockingHttpClient c = http.toBlocking();
        assertThat(body(fetch(c, "/api/tenants/acme/items"))).isEqualTo("items of acme");
        assertThat(fetch(c, "/api/tenants/acme/items").code()).isEqualTo(429);
        assertThat(fetch(c, "/api/tenants/globex/items").code()).isEqualTo(200);
        assertThat(get(c, "/api/by-user", "X-Test-User", "ann").code()).isEqualTo(200);
        assertThat(get(c, "/api/by-user", "X-Test-User", "ann").code()).isEqualTo(429);
        assertThat(get(c, "/api/by-user", "X-Test-User", "bob").code()).isEqualTo(200);
        assertThat(body(get(c, "/api/by-user", "X-Test-User", null))).contains("the request has no principal");
    }

    @Test
    void aKeyOnAPlainLimitOrNoKeyOnAKeyedOneAnswers503() {
        BlockingHttpClient c = http.toBlocking();
        assertThat(get(c, "/api/wrong-key", "X-Api-Key", "alpha").code()).isEqualTo(503);
        assertThat(fetch(c, "/api/no-key").code()).isEqualTo(503);
    }

    @Test
    void clientAddressBehindATrustedProxyIsTheRightMostUntrustedHop() {
        BlockingHttpClient c = http.toBlocking();
        assertThat(get(c, "/api/by-address", "X-Forwarded-For", "198.51.100.1").code()).isEqualTo(200);
        assertThat(get(c, "/api/by-address", "X-Forwarded-For", "198.51.100.1").code()).isEqualTo(429);
        assertThat(get(c, "/api/by-address", "X-Forwarded-For", "198.51.100.2").code()).isEqualTo(200);
        // A forged entry in front changes nothing: the client is the last hop that is not a trusted proxy.
        assertThat(get(c, "/api/by-address", "X-Forwarded-For", "198.51.100.1, 198.51.100.3, 127.0.0.1").code())
                .isEqualTo(200);
        assertThat(get(c, "/api/by-address", "X-Forwarded-For", "198.51.100.3").code()).isEqualTo(429);
        assertThat(TestSupport.keyState(PREFIX, "by-address", "198.51.100.3").counters())
                .containsEntry("grants", 1L).containsEntry("denials", 1L);
    }

    @Test
    void clientAddressWithoutTrustedProxiesIgnoresForwardedFor() {
        String prefix = TestSupport.uniquePrefix("keyed-addr");
        Map<String, Object> p = TestSupport.clientProperties(prefix);
        p.putAll(addressRoute());
        try (EmbeddedServer s = ApplicationContext.run(EmbeddedServer.class, p);
                HttpClient h = HttpClient.create(s.getURL())) {
            BlockingHttpClient c = h.toBlocking();
            assertThat(get(c, "/api/by-address", "X-Forwarded-For", "198.51.100.1").code()).isEqualTo(200);
            // A different claimed address is the same peer: the same key, so no second cap.
            assertThat(get(c, "/api/by-address", "X-Forwarded-For", "198.51.100.2").code()).isEqualTo(429);
        }
    }

    @Test
    void aLimitedMethodTakesThePermitOfItsArgument() throws Exception {
        assertThat(service.byArg("t1")).isEqualTo("tenant t1");
        assertThatThrownBy(() -> service.byArg("t1")).isInstanceOf(LimiterTimeoutException.class)
                .hasMessage("no permit of weight 1 from limit 'm-tenant' within PT0S");
        assertThat(service.byArg("t2")).isEqualTo("tenant t2"); // another tenant, its own cap
        assertThat(TestSupport.keyState(PREFIX, "m-tenant", "t2").counters()).containsEntry("grants", 1L);
        String message = "key must be the value of arg:tenant in a call to io.limiter.micronaut.app.KeyedService"
                + ".%s (the argument tenant is null), was null";
        assertThatThrownBy(() -> service.byArg(null)).isInstanceOf(LimiterValidationException.class)
                .hasMessage(message, "byArg");
        assertThatThrownBy(() -> service.byArgAsync(null).get()).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(LimiterValidationException.class).hasMessage(message, "byArgAsync");
        assertThat(service.byArgAsync("t3").get()).isEqualTo("tenant t3");
    }

    @Test
    void aLimitedMethodKeyedByAHeaderReadsTheCurrentRequest() {
        BlockingHttpClient c = http.toBlocking();
        assertThat(body(get(c, "/api/keyed-method", "X-Tenant", "north"))).isEqualTo("header");
        assertThat(body(get(c, "/api/keyed-method", "X-Tenant", "north")))
                .isEqualTo("refused LimiterTimeoutException: no permit of weight 1 from limit 'm-header' within PT0S");
        assertThat(body(get(c, "/api/keyed-method", "X-Tenant", "south"))).isEqualTo("header");
        assertThat(body(get(c, "/api/keyed-method", "X-Tenant", null))).isEqualTo("refused"
                + " LimiterValidationException: key must be the value of header:X-Tenant in a call to"
                + " io.limiter.micronaut.app.KeyedService.byHeader (the request has no X-Tenant header), was null");
        assertThatThrownBy(service::byHeader).isInstanceOf(LimiterValidationException.class).hasMessage("key must be"
                + " the value of header:X-Tenant in a call to io.limiter.micronaut.app.KeyedService.byHeader"
                + " (no HTTP request is in progress), was null");
    }
}
