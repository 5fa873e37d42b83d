package io.limiter.micronaut.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micronaut.context.exceptions.ConfigurationException;
import java.util.List;
import org.junit.jupiter.api.Test;

class AddressMatcherTest {

    @Test
    void blocksOfBothFamilies() {
        AddressMatcher m = AddressMatcher.of("s", List.of("10.0.0.0/8", "192.168.1.7", "fd00::/8", " ::1 "));
        assertThat(m.matches(AddressMatcher.parse("10.200.3.4"))).isTrue();
        assertThat(m.matches(AddressMatcher.parse("11.0.0.1"))).isFalse();
        assertThat(m.matches(AddressMatcher.parse("192.168.1.7"))).isTrue();
        assertThat(m.matches(AddressMatcher.parse("192.168.1.8"))).isFalse();
        assertThat(m.matches(AddressMatcher.parse("fd12:3456::1"))).isTrue();
        assertThat(m.matches(AddressMatcher.parse("fe80::1"))).isFalse();
        assertThat(m.matches(AddressMatcher.parse("::1"))).isTrue();
        assertThat(m.matches(null)).isFalse();
        AddressMatcher odd = AddressMatcher.of("s", List.of("172.16.0.0/12"));
        assertThat(odd.matches(AddressMatcher.parse("172.31.255.255"))).isTrue();
        assertThat(odd.matches(AddressMatcher.parse("172.32.0.0"))).isFalse();
    }

    @Test
    void onlyLiteralsAreAccepted() {
        assertThat(AddressMatcher.parse("example.com")).isNull(); // never a DNS lookup
        assertThat(AddressMatcher.parse("999.1.1.1")).isNull();
        assertThat(AddressMatcher.parse("unknown")).isNull();
        for (String bad : List.of("10.0.0.0/33", "localhost", "10.0.0", "::1/129", "1.2.3.4/x")) {
            assertThatThrownBy(() -> AddressMatcher.of("limiter.http.exempt-addresses", List.of(bad)))
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessage("limiter.http.exempt-addresses must be an IP address or a CIDR block like"
                            + " 10.0.0.0/8, was '" + bad + "'");
        }
    }
}
