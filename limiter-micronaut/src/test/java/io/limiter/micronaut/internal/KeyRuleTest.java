package io.limiter.micronaut.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.core.type.Argument;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which key expressions are accepted where, without Redis or an application. */
class KeyRuleTest {
    private static final Argument<?>[] ARGS = {Argument.of(String.class, "tenant"), Argument.of(int.class, "n")};

    @Test
    void methodKeys() {
        assertThat(KeyRule.forMethod("arg:n", ARGS)).contains(new KeyRule("arg:n", KeyRule.Kind.ARG, "n", 1));
        assertThat(KeyRule.forMethod("header:X-Tenant", ARGS))
                .contains(new KeyRule("header:X-Tenant", KeyRule.Kind.HEADER, "X-Tenant", -1));
        assertThat(KeyRule.forMethod("principal", ARGS)).map(KeyRule::kind).contains(KeyRule.Kind.PRINCIPAL);
        for (String bad : List.of("arg:nope", "arg:", "header:", "header:a b", "client-address",
                "path-variable:tenant", "${tenant}", "Principal", "")) {
            assertThat(KeyRule.forMethod(bad, ARGS)).as(bad).isEmpty();
        }
        assertThat(KeyRule.unknownParameter("arg:nope", ARGS)).isTrue();
        assertThat(KeyRule.unknownParameter("arg:tenant", ARGS)).isFalse();
        assertThat(KeyRule.unknownParameter("arg:", ARGS)).isFalse(); // no name at all: the general rule applies
        assertThat(KeyRule.parameterNames(ARGS)).containsExactly("tenant", "n");
    }

    @Test
    void routeKeys() {
        assertThat(KeyRule.forRoute("client-address")).map(KeyRule::kind).contains(KeyRule.Kind.CLIENT_ADDRESS);
        assertThat(KeyRule.forRoute("path-variable:tenant"))
                .contains(new KeyRule("path-variable:tenant", KeyRule.Kind.PATH_VARIABLE, "tenant", -1));
        assertThat(KeyRule.forRoute("header:X-Api-Key")).map(KeyRule::name).contains("X-Api-Key");
        assertThat(KeyRule.forRoute("principal")).isPresent();
        for (String bad : List.of("arg:tenant", "path-variable:", "path-variable:a/b", "cookie:session", "header:")) {
            assertThat(KeyRule.forRoute(bad)).as(bad).isEmpty();
        }
    }
}
