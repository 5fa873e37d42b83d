package io.limiter.server;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Container health check without curl: {@code java -cp limiter-server.jar io.limiter.server.HealthCheck [url]}
 * exits 0 when {@code /health} answers 200 (default {@code http://127.0.0.1:$LIMITER_PORT/health}).
 */
public final class HealthCheck {
    private HealthCheck() {
    }

    public static void main(String[] args) {
        String url = args.length > 0 ? args[0]
                : "http://127.0.0.1:" + System.getenv().getOrDefault("LIMITER_PORT", "8080") + "/health";
        try {
            HttpResponse<String> r = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()
                    .send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(3)).build(),
                            HttpResponse.BodyHandlers.ofString());
            System.out.println(r.statusCode() + " " + r.body());
            System.exit(r.statusCode() == 200 ? 0 : 1);
        } catch (Exception e) {
            System.out.println("unhealthy: " + e);
            System.exit(1);
        }
    }
}
