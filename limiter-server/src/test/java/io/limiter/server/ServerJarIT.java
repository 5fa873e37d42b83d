package io.limiter.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.limiter.testing.RedisProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The runnable jar built by the package phase starts with no configuration (development mode) and is healthy. */
class ServerJarIT {

    @Test
    void theJarStartsWithNoConfigurationOnAnEmbeddedRedis() throws Exception {
        Path jar = Path.of("target", "limiter-server.jar");
        assertThat(jar).exists();
        int port = RedisProcess.freePort();
        Path log = Files.createTempFile("limiter-server", ".log");
        ProcessBuilder pb = new ProcessBuilder(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m", "-jar",
                jar.toString(), "--demo"))
                .redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().remove("LIMITER_REDIS_URI");
        pb.environment().put("LIMITER_PORT", Integer.toString(port));
        Process server = pb.start();
        try {
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> health = null;
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < deadline && server.isAlive()) {
                try {
                    health = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
                            .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                    if (health.statusCode() == 200) {
                        break;
                    }
                } catch (java.io.IOException notYet) {
                    // starting
                }
                Thread.sleep(200);
            }
            String output = Files.readString(log);
            assertThat(health).as(output).isNotNull();
            assertThat(health.statusCode()).as(output).isEqualTo(200);
            assertThat(health.body()).isEqualTo("{\"status\":\"UP\"}"); // details only with the admin token
            assertThat(output).contains("development mode").contains("Generated one for this run");

            // Demo mode: simulated workers hold permits of the demo limit within a few seconds.
            long until = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            String demo = "";
            while (System.nanoTime() < until) {
                demo = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/instances"))
                        .build(), HttpResponse.BodyHandlers.ofString()).body();
                if (demo.contains("demo-worker-3")) {
                    break;
                }
                Thread.sleep(300);
            }
            assertThat(demo).contains("demo-worker-1", "demo-worker-2", "demo-worker-3");
        } finally {
            server.destroy();
            server.waitFor();
        }
    }
}
