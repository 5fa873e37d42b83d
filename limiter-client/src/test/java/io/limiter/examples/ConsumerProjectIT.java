package io.limiter.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.limiter.core.LimitPolicy;
import io.limiter.core.internal.redis.KeySchema;
import io.limiter.core.internal.redis.LimitStore;
import io.limiter.core.redis.LettuceBackend;
import io.limiter.testing.RedisProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/**
 * A new user's project: a pom that imports {@code limiter-bom} and depends on {@code limiter-client} only, and the
 * README's quick start ({@link QuickStart}, copied as is), built by Maven against the artifacts of this build
 * placed in a private local repository under {@code target/} (never {@code ~/.m2}; other dependencies are read
 * from it as a read-only tail), then run against a real Redis. Proves the snippet compiles with only the published
 * poms, and that the user's build resolves the Netty and Reactor this project is tested with.
 */
class ConsumerProjectIT {
    private static final String VERSION = "0.1.0-SNAPSHOT";
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Path WORK = Path.of("target", "consumer-project").toAbsolutePath();
    private static final Path REPO = WORK.resolve("repository");

    /** Places one artifact (pom and, unless a pom module, its jar) in the private repository. */
    private static void place(String artifactId, Path pom, Path jar) throws IOException {
        Path dir = REPO.resolve("io/limiter/" + artifactId + "/" + VERSION);
        Files.createDirectories(dir);
        Files.copy(pom, dir.resolve(artifactId + "-" + VERSION + ".pom"), StandardCopyOption.REPLACE_EXISTING);
        if (jar != null) {
            Files.copy(jar, dir.resolve(artifactId + "-" + VERSION + ".jar"), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static String run(Path dir, List<String> cmd) throws Exception {
        Path out = Files.createTempFile("consumer", ".log");
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(out.toFile()).start();
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).as("%s finished", cmd).isTrue();
        String log = Files.readString(out, StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as("%s:%n%s", cmd, log).isZero();
        return log;
    }

    @Test
    void aProjectWithOnlyThePublishedArtifactsCompilesAndRunsTheQuickStart() throws Exception {
        place("limiter-parent", ROOT.resolve("pom.xml"), null);
        place("limiter-bom", ROOT.resolve("limiter-bom/pom.xml"), null);
        place("limiter-core", ROOT.resolve("limiter-core/pom.xml"),
                ROOT.resolve("limiter-core/target/limiter-core-" + VERSION + ".jar"));
        place("limiter-client", ROOT.resolve("limiter-client/pom.xml"),
                ROOT.resolve("limiter-client/target/limiter-client-" + VERSION + ".jar"));

        Path project = WORK.resolve("app");
        Path src = project.resolve("src/main/java/io/limiter/examples");
        Files.createDirectories(src);
        Files.copy(Path.of("src/test/java/io/limiter/examples/QuickStart.java"), src.resolve("QuickStart.java"),
                StandardCopyOption.REPLACE_EXISTING);
        Files.writeString(project.resolve("pom.xml"), """
                <project xmlns="http://maven.apache.org/POM/4.0.0">
                  <modelVersion>4.0.0</modelVersion>
                  <groupId>com.example</groupId>
                  <artifactId>newcomer</artifactId>
                  <version>1</version>
                  <properties>
                    <maven.compiler.release>17</maven.compiler.release>
                    <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
                  </properties>
                  <dependencyManagement>
                    <dependencies>
                      <dependency>
                        <groupId>io.limiter</groupId>
                        <artifactId>limiter-bom</artifactId>
                        <version>%s</version>
                        <type>pom</type>
                        <scope>import</scope>
                      </dependency>
                    </dependencies>
                  </dependencyManagement>
                  <dependencies>
                    <dependency>
                      <groupId>io.limiter</groupId>
                      <artifactId>limiter-client</artifactId>
                    </dependency>
                  </dependencies>
                  <build>
                    <plugins>
                      <plugin>
                        <groupId>org.apache.maven.plugins</groupId>
                        <artifactId>maven-compiler-plugin</artifactId>
                        <version>3.14.1</version>
                      </plugin>
                      <plugin>
                        <groupId>org.apache.maven.plugins</groupId>
                        <artifactId>maven-resources-plugin</artifactId>
                        <version>3.3.1</version>
                      </plugin>
                      <plugin>
                        <groupId>org.apache.maven.plugins</groupId>
                        <artifactId>maven-surefire-plugin</artifactId>
                        <version>3.5.4</version>
                      </plugin>
                      <plugin>
                        <groupId>org.apache.maven.plugins</groupId>
                        <artifactId>maven-jar-plugin</artifactId>
                        <version>3.4.2</version>
                      </plugin>
                      <plugin>
                        <groupId>org.apache.maven.plugins</groupId>
                        <artifactId>maven-shade-plugin</artifactId>
                        <version>3.6.1</version>
                        <executions>
                          <execution>
                            <phase>package</phase>
                            <goals><goal>shade</goal></goals>
                            <configuration>
                              <outputFile>${project.build.directory}/app.jar</outputFile>
                              <createDependencyReducedPom>false</createDependencyReducedPom>
                              <transformers>
                                <transformer implementation="org.apache.maven.plugins.shade.resource.ServicesResourceTransformer"/>
                              </transformers>
                            </configuration>
                          </execution>
                        </executions>
                      </plugin>
                    </plugins>
                  </build>
                </project>
                """.formatted(VERSION));

        List<String> mvn = new ArrayList<>(List.of(ROOT.resolve("mvnw").toString(), "-B", "-q", "-o",
                "-Dmaven.repo.local=" + REPO,
                "-Dmaven.repo.local.tail=" + Path.of(System.getProperty("user.home"), ".m2", "repository"),
                "-f", project.resolve("pom.xml").toString()));
        // Only plugins this build itself uses (so they are in ~/.m2 after it, also on a fresh CI machine).
        List<String> build = new ArrayList<>(mvn);
        build.add("package");
        run(project, build);
        Path app = project.resolve("target/app.jar");
        try (JarFile jar = new JarFile(app.toFile())) {
            Properties netty = new Properties();
            netty.load(jar.getInputStream(jar.getEntry("META-INF/io.netty.versions.properties")));
            assertThat(netty.getProperty("netty-common.version")).as("the Netty the user's build resolved")
                    .isEqualTo("4.2.16.Final");
            assertThat(jar.getEntry("reactor/core/publisher/Flux.class")).isNotNull();
        }
        String classpath = app.toString();

        try (RedisProcess redis = RedisProcess.start()) {
            run(project, List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                    classpath,
                    "io.limiter.examples.QuickStart", redis.uri()));
            try (LettuceBackend backend = LettuceBackend.create(redis.uri())) {
                LimitStore store = new LimitStore(backend, new KeySchema("limiter"));
                assertThat(store.state("payments", 0).join().orElseThrow().policy())
                        .isEqualTo(LimitPolicy.builder().concurrency(20).build());
            }
        }
    }
}
