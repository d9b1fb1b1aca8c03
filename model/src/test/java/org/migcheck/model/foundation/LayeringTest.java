package org.migcheck.model.foundation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The layers only depend downwards: model knows neither properties nor checker, properties does not
 * know checker. Checked on the sources, imports and fully qualified references alike.
 */
class LayeringTest {

    /** Walks up from the working directory to the repository root (the directory with model and checker). */
    static Path root() {
        Path p = Paths.get(System.getProperty("user.dir")).toAbsolutePath();
        while (p != null) {
            if (Files.isDirectory(p.resolve("model")) && Files.isDirectory(p.resolve("checker"))) {
                return p;
            }
            p = p.getParent();
        }
        return null;
    }

    static List<Path> sources(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(f -> f.toString().endsWith(".java")).sorted().toList();
        }
    }

    /** Lines of the sources under {@code dir} that mention any of {@code forbidden} packages. */
    static List<String> offences(Path root, String dir, String... forbidden) throws IOException {
        Path main = root.resolve(dir);
        assertTrue(Files.isDirectory(main), main + " exists");
        List<Path> files = sources(main);
        assertTrue(files.size() > 0, "no sources under " + main);
        List<String> out = new ArrayList<>();
        for (Path f : files) {
            List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
            for (int i = 0; i < lines.size(); i++) {
                for (String pkg : forbidden) {
                    Matcher m = Pattern.compile("\\b" + Pattern.quote(pkg) + "\\b").matcher(lines.get(i));
                    if (m.find()) {
                        out.add(root.relativize(f) + ":" + (i + 1) + ": " + lines.get(i).strip());
                    }
                }
            }
        }
        return out;
    }

    @Test
    void modelDependsOnNothingAbove() throws IOException {
        Path root = root();
        assertNotNull(root, "repository root above " + System.getProperty("user.dir"));
        assertEquals(List.of(), offences(root, "model/src/main", "org.migcheck.properties", "org.migcheck.checker"));
    }

    @Test
    void propertiesDoesNotDependOnChecker() throws IOException {
        Path root = root();
        assertNotNull(root);
        assertEquals(List.of(), offences(root, "properties/src/main", "org.migcheck.checker"));
    }

    @Test
    void theScanWouldSeeAnOffence() throws IOException {
        // the checker does use properties: the same scan finds it there, so it is not vacuous
        Path root = root();
        assertNotNull(root);
        assertTrue(offences(root, "checker/src/main", "org.migcheck.properties").size() > 0);
    }
}
