package io.limiter.micronaut;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.limiter.testing.RedisExtension;
import io.micronaut.context.ApplicationContext;
import io.micronaut.context.exceptions.ConfigurationException;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A bad setting or annotation stops the application's start with a message naming it. */
@ExtendWith(RedisExtension.class)
class StartupFailureIT {

    private static String failure(Map<String, Object> extra, String... environments) {
        Map<String, Object> p = TestSupport.clientProperties(TestSupport.uniquePrefix("bad"));
        p.putAll(extra);
        p.values().removeIf(v -> v == null);
        Throwable t = catchThrowable(() -> {
            try (ApplicationContext ctx = ApplicationContext.builder().properties(p).environments(environments)
                    .start()) {
                ctx.getBean(io.limiter.client.LimiterClient.class);
            }
        });
        assertThat(t).as("the start must fail").isNotNull();
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof ConfigurationException && !(c.getCause() instanceof ConfigurationException)) {
                return c.getMessage();
            }
        }
        throw new AssertionError("no ConfigurationException in", t);
    }

    private static Map<String, Object> props(Object... kv) {
        Map<String, Object> m = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    @Test
    void clientSettings() {
        assertThat(failure(props("limiter.client.redis-uri", null)))
                .isEqualTo("limiter.client.redis-uri must be set (e.g. redis://127.0.0.1:6379), was null");
        assertThat(failure(props("limiter.client.command-timeout", "soon"))).isEqualTo(
                "limiter.client.command-timeout must be a duration like 500ms, 30s, 2m, 1h, 1d or PT30S, was 'soon'");
        assertThat(failure(props("limiter.client.redis-down-policy", "ignore"))).isEqualTo(
                "limiter.client.redis-down-policy must be one of fail-closed, fail-open, local-fallback, was 'ignore'");
        assertThat(failure(props("limiter.client.limits.pay.permits", "0")))
                .isEqualTo("limiter.client.limits.pay.permits must be between 1 and 1000000, was 0");
        assertThat(failure(props("limiter.client.limits.pay.burst", "5")))
                .isEqualTo("limiter.client.limits.pay.burst must be set only together with rate, was 5");
    }

    @Test
    void httpSettings() {
        Map<String, Object> route = props("limiter.http.routes.api.paths", "/api/**");
        Map<String, Object> p = new HashMap<>(route);
        p.put("limiter.http.routes.api.key", "cookie:session");
        assertThat(failure(p)).isEqualTo("limiter.http.routes.api.key must be one of header:<name>, principal,"
                + " client-address, path-variable:<name>, was 'cookie:session'");
        p.put("limiter.http.routes.api.key", "path-variable:");
        assertThat(failure(p)).isEqualTo("limiter.http.routes.api.key must be one of header:<name>, principal,"
                + " client-address, path-variable:<name>, was 'path-variable:'");
        p.put("limiter.http.routes.api.key", "header:X-Api-Key");
        p.put("limiter.http.routes.api.missing-key", "skip");
        assertThat(failure(p))
                .isEqualTo("limiter.http.routes.api.missing-key must be one of reject, shared, was 'skip'");
        assertThat(failure(props("limiter.http.routes.api.limit", "api")))
                .isEqualTo("limiter.http.routes.api.paths must list at least one path pattern, was '[]'");
        p = new HashMap<>(route);
        p.put("limiter.http.routes.api.methods", "FETCH");
        assertThat(failure(p))
                .isEqualTo("limiter.http.routes.api.methods must be an HTTP method like GET or POST, was 'FETCH'");
        p = new HashMap<>(route);
        p.put("limiter.http.routes.api.timeout", "-1s");
        assertThat(failure(p)).startsWith("limiter.http.routes.api.timeout must be a duration like");
        assertThat(failure(props("limiter.http.headers", "draft-99")))
                .isEqualTo("limiter.http.headers must be one of draft-10, draft-03, none, was 'draft-99'");
        assertThat(failure(props("limiter.http.exempt-addresses", "10.0.0.0/33"))).isEqualTo(
                "limiter.http.exempt-addresses must be an IP address or a CIDR block like 10.0.0.0/8, was '10.0.0.0/33'");
    }

    @Test
    void annotations() {
        String bean = "io.limiter.micronaut.app.KeyedServices$";
        assertThat(failure(Map.of(), "bad-key")).isEqualTo("@Limited(\"m-key\") on " + bean + "BadKey.work: key must"
                + " name a parameter of the method (tenant), was 'arg:nope'");
        assertThat(failure(Map.of(), "bad-kind")).isEqualTo("@Limited(\"m-key\") on " + bean + "BadKind.work: key"
                + " must be one of arg:<parameter of the method>, header:<name>, principal, was 'cookie:session'");
        assertThat(failure(Map.of(), "bad-timeout")).isEqualTo("@Limited(\"m-key\") on " + bean + "BadTimeout.work:"
                + " timeout must be a duration like 500ms, 30s, 2m, 1h, 1d or PT30S, was 'soon'");
    }
}
