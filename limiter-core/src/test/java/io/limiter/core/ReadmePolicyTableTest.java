package io.limiter.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The README's table of policy fields is the schema's: between {@code <!-- policy-fields:begin -->} and
 * {@code <!-- policy-fields:end -->} it must read exactly as {@link #table()} renders {@link PolicySchema#FIELDS}.
 * When a field changes, paste the expected table this test prints.
 */
class ReadmePolicyTableTest {
    private static final String BEGIN = "<!-- policy-fields:begin -->\n";
    private static final String END = "<!-- policy-fields:end -->";

    static String table() {
        StringBuilder s = new StringBuilder("| Field | Part | Type | Rule | Default | What it does |\n"
                + "| --- | --- | --- | --- | --- | --- |\n");
        for (PolicyField f : PolicySchema.FIELDS) {
            String type = f.type() == PolicyField.Type.ENUM ? String.join(" / ", f.values())
                    : f.type().name().toLowerCase(java.util.Locale.ROOT);
            s.append("| `").append(f.name()).append("` | ").append(f.part()).append(" | ").append(type)
                    .append(" | must ").append(f.rule()).append(" | ")
                    .append(f.defaultValue() == null ? "" : "`" + f.defaultValue() + "`").append(" | ")
                    .append(f.description()).append(" |\n");
        }
        return s.toString();
    }

    @Test
    void theReadmeListsEveryPolicyFieldAsTheSchemaDoes() throws IOException {
        String readme = Files.readString(Path.of("..", "README.md"));
        int begin = readme.indexOf(BEGIN);
        int end = readme.indexOf(END);
        assertThat(begin).as("README marker " + BEGIN.trim()).isNotNegative();
        assertThat(end).as("README marker " + END).isGreaterThan(begin);
        assertThat(readme.substring(begin + BEGIN.length(), end)).as("README policy table; expected:%n%s", table())
                .isEqualTo(table());
    }
}
