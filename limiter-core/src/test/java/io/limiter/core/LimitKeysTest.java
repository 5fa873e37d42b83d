package io.limiter.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LimitKeysTest {
    @Test
    void safeKeysStayReadableAndEverythingElseIsEscaped() {
        assertThat(LimitKeys.nameOf("api", "tenant-42")).isEqualTo("api/tenant-42");
        assertThat(LimitKeys.nameOf("api", "org:7.user_1")).isEqualTo("api/org:7.user_1");
        assertThat(LimitKeys.nameOf("api", "a}{b")).isEqualTo("api/a%7D%7Bb");
        assertThat(LimitKeys.nameOf("api", "a/b%c d")).isEqualTo("api/a%2Fb%25c%20d");
        assertThat(LimitKeys.nameOf("api", "é")).isEqualTo("api/%C3%A9");
    }

    @Test
    void everyKeyComesBackAsGiven() {
        Random random = new Random(42);
        for (int i = 0; i < 2_000; i++) {
            StringBuilder key = new StringBuilder();
            int length = 1 + random.nextInt(40);
            while (key.length() < length) {
                int cp = switch (random.nextInt(4)) {
                    case 0 -> 0x20 + random.nextInt(0x5f);
                    case 1 -> 0xa0 + random.nextInt(0x700);
                    case 2 -> 0x3040 + random.nextInt(0x100);
                    default -> 0x1f600 + random.nextInt(0x40);
                };
                key.appendCodePoint(cp);
            }
            String k = key.toString();
            String name = LimitKeys.nameOf("fam.ily", k);
            assertThat(name).startsWith("fam.ily/").matches("[A-Za-z0-9._:%/-]+");
            assertThat(LimitKeys.isKeyName(name)).isTrue();
            assertThat(LimitKeys.familyOf(name)).isEqualTo("fam.ily");
            assertThat(LimitKeys.keyOf(name)).isEqualTo(k);
            assertThat(LimitKeys.requireValidName(name)).isEqualTo(name);
        }
    }

    @Test
    void badKeysAreRefusedByFieldAndRule() {
        for (String bad : List.of("", "x".repeat(257), "é".repeat(129), "tab\there", "line\nbreak", "\u0000",
                "lone \ud800 surrogate")) {
            assertThatThrownBy(() -> LimitKeys.nameOf("api", bad)).as(bad)
                    .isInstanceOfSatisfying(LimiterValidationException.class,
                            e -> assertThat(e.field()).isEqualTo("key"))
                    .hasMessageContaining("1 to 256 bytes of UTF-8");
        }
        assertThat(LimitKeys.nameOf("api", "x".repeat(256))).hasSize(4 + 256);
        assertThatThrownBy(() -> LimitKeys.nameOf("bad name", "k")).isInstanceOf(LimiterValidationException.class)
                .hasMessageContaining("name");
    }

    @Test
    void namesThatAreNotAsTheLimiterWritesThemAreRefused() {
        assertThat(LimitKeys.requireValidName("plain")).isEqualTo("plain");
        for (String bad : List.of("api/a b", "api/a{b", "api/%zz", "api/%c3%a9", "api/", "/k", "a b/k")) {
            assertThatThrownBy(() -> LimitKeys.requireValidName(bad)).as(bad)
                    .isInstanceOf(LimiterValidationException.class);
        }
        assertThat(LimitKeys.describe("api/t%2F1")).isEqualTo("'api' (key 't/1')");
        assertThat(LimitKeys.describe("api")).isEqualTo("'api'");
    }
}
