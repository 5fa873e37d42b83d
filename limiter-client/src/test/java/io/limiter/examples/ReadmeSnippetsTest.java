package io.limiter.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every Java block of the README is compiled example code: the block after {@code <!-- example: Name -->} must
 * equal the imports of {@code io/limiter/examples/Name.java} (this module's test sources, or limiter-micronaut's), a blank line, and the lines between its
 * {@code // README:begin} and {@code // README:end} markers (indentation removed). Edit the example, then the README.
 */
class ReadmeSnippetsTest {
    static final Path README = Path.of("..", "README.md");
    static final Path EXAMPLES = Path.of("src", "test", "java", "io", "limiter", "examples");
    /** Examples that need another module's classpath (the Micronaut integration) live in its test sources. */
    static final List<Path> OTHER_EXAMPLES = List.of(
            Path.of("..", "limiter-micronaut", "src", "test", "java", "io", "limiter", "examples"));
    private static final Pattern BLOCK = Pattern.compile("(?:<!-- example: (\\w+) -->\\n)?```java\\n(.*?)```",
            Pattern.DOTALL);

    /** What the README must show for example {@code name}. */
    static String snippet(String name) throws IOException {
        Path file = EXAMPLES.resolve(name + ".java");
        for (Path dir : OTHER_EXAMPLES) {
            if (!Files.exists(file) && Files.exists(dir.resolve(name + ".java"))) {
                file = dir.resolve(name + ".java");
            }
        }
        List<String> lines = Files.readAllLines(file);
        List<String> imports = lines.stream().filter(l -> l.startsWith("import ")).toList();
        int begin = indexOf(lines, "// README:begin", name);
        int end = indexOf(lines, "// README:end", name);
        List<String> body = lines.subList(begin + 1, end);
        int indent = body.stream().filter(l -> !l.isBlank()).mapToInt(l -> l.length() - l.stripLeading().length())
                .min().orElse(0);
        List<String> out = new ArrayList<>(imports);
        out.add("");
        body.forEach(l -> out.add(l.isBlank() ? "" : l.substring(indent)));
        return String.join("\n", out) + "\n";
    }

    private static int indexOf(List<String> lines, String marker, String name) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).strip().equals(marker)) {
                return i;
            }
        }
        throw new AssertionError(name + ".java has no " + marker + " line");
    }

    @Test
    void everyJavaBlockOfTheReadmeIsAnExampleThatCompiles() throws IOException {
        Matcher m = BLOCK.matcher(Files.readString(README));
        List<String> names = new ArrayList<>();
        while (m.find()) {
            assertThat(m.group(1)).as("a ```java block of the README without an <!-- example: Name --> line:%n%s",
                    m.group(2)).isNotNull();
            assertThat(m.group(2)).as("README block of example %s (from %s.java)", m.group(1), m.group(1))
                    .isEqualTo(snippet(m.group(1)));
            names.add(m.group(1));
        }
        assertThat(names).contains("QuickStart", "TaskPool", "Listeners");
    }
}
