package io.limiter.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.util.Version;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

/**
 * limiter-bom promises library users the Netty and Reactor this build tests with: its versions must be the ones on
 * this test classpath (which limiter-core's direct dependencies also carry to users who do not import the BOM).
 */
class DependencyVersionsTest {
    private static String bomProperty(String name) throws Exception {
        String pom = Files.readString(Path.of("..", "limiter-bom", "pom.xml"));
        Matcher m = Pattern.compile("<" + Pattern.quote(name) + ">([^<]+)</").matcher(pom);
        assertThat(m.find()).as("limiter-bom defines %s", name).isTrue();
        return m.group(1);
    }

    @Test
    void theBomCarriesTheNettyAndReactorVersionsTheTestsRunWith() throws Exception {
        String netty = Version.identify().get("netty-common").artifactVersion();
        assertThat(bomProperty("netty.version")).isEqualTo(netty);
        String reactorJar = Path.of(Flux.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .getFileName().toString();
        assertThat(reactorJar).isEqualTo("reactor-core-" + bomProperty("reactor.version") + ".jar");
        assertThat(io.lettuce.core.LettuceVersion.getVersion()).startsWith(bomProperty("lettuce.version"));
    }
}
