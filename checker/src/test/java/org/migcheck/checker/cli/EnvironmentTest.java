package org.migcheck.checker.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.migcheck.checker.testing.CliRun;
import org.migcheck.model.lang.Lock;
import org.migcheck.model.lang.Model;
import org.migcheck.model.scenarios.BaseScenario;
import org.migcheck.model.scenarios.Expect;

/**
 * Reports do not depend on the machine's locale: a Turkish default turned "violated" into "vıolated" in JSON, SARIF and
 * JUnit (toLowerCase without a locale), a German one printed "0,05 s" and an Arabic one Arabic-Indic digits beside ASCII
 * ones; documents are UTF-8 where the locale's charset is ASCII (a C locale wrote '?' for every other character); and
 * input from another platform (a token pasted with a CRLF line end, a services file with a byte-order mark) is taken or
 * named for what it is.
 */
class EnvironmentTest {

    /** Runs {@code args} in this JVM with {@code locale} as the default. */
    private static CliRun under(Locale locale, String... args) {
        Locale before = Locale.getDefault();
        Locale.setDefault(locale);
        try {
            return CliRun.run(args);
        } finally {
            Locale.setDefault(before);
        }
    }

    private static final Pattern NON_ASCII_DIGIT_OR_DOTLESS_I = Pattern.compile("[\\u0660-\\u0669\\u06F0-\\u06F9\\u0131\\u0130]");

    @Test
    void reportsReadTheSameInEveryLocale() {
        for (Locale l : List.of(Locale.forLanguageTag("tr-TR"), Locale.GERMANY, Locale.forLanguageTag("ar-EG"), Locale.ROOT)) {
            CliRun json = under(l, "check", "counter", "--variant", "racy", "--format", "json");
            assertEquals(1, json.code(), l + ": " + json.err());
            assertTrue(json.out().contains("\"verdict\" : \"violated\""), l + ": " + json.out());
            assertFalse(NON_ASCII_DIGIT_OR_DOTLESS_I.matcher(json.out()).find(), l + ": " + json.out());

            CliRun text = under(l, "check", "counter", "--variant", "racy");
            assertEquals(1, text.code(), l + ": " + text.err());
            assertTrue(text.out().contains("(expected: violated "), l + ": " + text.out());
            assertTrue(Pattern.compile("states \\d+, depth \\d+, \\d+\\.\\d\\d s").matcher(text.out()).find(), l + ": " + text.out());
            assertFalse(NON_ASCII_DIGIT_OR_DOTLESS_I.matcher(text.out()).find(), l + ": " + text.out());

            for (String format : List.of("sarif", "junit")) {
                CliRun doc = under(l, "check", "counter", "--variant", "racy", "--format", format);
                assertEquals(1, doc.code(), l + " " + format + ": " + doc.err());
                assertTrue(doc.out().contains("violated"), l + " " + format + ": " + doc.out());
                assertFalse(NON_ASCII_DIGIT_OR_DOTLESS_I.matcher(doc.out()).find(), l + " " + format + ": " + doc.out());
            }
            // the fates of mutants and the answers of goals, lower-cased enum names as well
            CliRun mutate = under(l, "mutate", "abba-ordered", "--format", "json");
            assertTrue(mutate.out().contains("\"fate\" : \"survived\"") || mutate.out().contains("\"fate\" : \"killed\""),
                    l + ": " + mutate.out());
            assertFalse(NON_ASCII_DIGIT_OR_DOTLESS_I.matcher(mutate.out()).find(), l + ": " + mutate.out());
            CliRun list = under(l, "list", "--format", "json");
            assertTrue(list.out().contains("\"expect\" : \"violated "), l + ": " + list.out().substring(0, 400));
            assertFalse(NON_ASCII_DIGIT_OR_DOTLESS_I.matcher(list.out()).find(), l.toString());
        }
    }

    /** Lower- and upper-casing without a locale (the dotless i) and formatting numbers with the machine's: not in the main sources. */
    @Test
    void noLocaleDependentCallsInTheMainSources() throws IOException {
        Pattern bare = Pattern.compile("\\.to(Lower|Upper)Case\\(\\)|String\\.format\\((?!(java\\.util\\.)?Locale\\.ROOT)"
                + "|\\.printf\\((?!(java\\.util\\.)?Locale\\.ROOT)|\\.formatted\\(");
        List<String> found = new ArrayList<>();
        Path root = Path.of(System.getProperty("user.dir")).getParent();
        for (String module : List.of("model", "properties", "checker")) {
            try (Stream<Path> files = Files.walk(root.resolve(module).resolve("src/main/java"))) {
                for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                    List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
                    for (int i = 0; i < lines.size(); i++) {
                        if (bare.matcher(lines.get(i)).find()) {
                            found.add(root.relativize(f) + ":" + (i + 1) + ": " + lines.get(i).strip());
                        }
                    }
                }
            }
        }
        assertTrue(found.size() == 0, "give Locale.ROOT:\n" + String.join("\n", found));
    }

    /** A user's scenario whose words are not ASCII: its variant's doc, and its threads, which take two mutexes in opposite order. */
    public static final class AccentPlugin extends org.migcheck.model.scenarios.DelegatingScenario {
        public AccentPlugin() {
            super(BaseScenario.builder("accent-plugin")
                    .title("un modèle d'utilisateur")
                    .reference("test plugin")
                    .model(k -> {
                        Model.Builder m = Model.builder("accent-plugin");
                        Lock a = m.mutex("a");
                        Lock b = m.mutex("b");
                        m.thread("écrivain", body -> org.migcheck.checker.testing.Nested.locks(body, a, b));
                        m.thread("lecteur", body -> org.migcheck.checker.testing.Nested.locks(body, b, a));
                        return m.build();
                    })
                    .variant("abba", Map.of(), Expect.deadlock(), "hypothétique: deux verrous → une étreinte fatale")
                    .build());
        }
    }

    /**
     * Text goes out in the charset System.out would use: Java 19 and later name it stdout.encoding and no longer set
     * sun.stdout.encoding, and their default charset is UTF-8 whatever the locale (a Latin-1 locale's replay line was
     * written in UTF-8 on Java 25, naming a path that does not exist); Java 17 has native.encoding.
     */
    @Test
    void textGoesOutInTheCharsetOfTheTerminalOrLocale() {
        java.util.Properties java25 = new java.util.Properties();
        java25.setProperty("stdout.encoding", "ISO-8859-1");
        java25.setProperty("native.encoding", "ISO-8859-1");
        java25.setProperty("file.encoding", "UTF-8");
        assertEquals(StandardCharsets.ISO_8859_1, Main.textCharset(java25));
        java.util.Properties java17 = new java.util.Properties();
        java17.setProperty("native.encoding", "ISO-8859-1");
        assertEquals(StandardCharsets.ISO_8859_1, Main.textCharset(java17));
        java.util.Properties console = new java.util.Properties();
        console.setProperty("stdout.encoding", "no such charset");
        console.setProperty("sun.stdout.encoding", "US-ASCII");
        console.setProperty("native.encoding", "ISO-8859-1");
        assertEquals(StandardCharsets.US_ASCII, Main.textCharset(console));
        console.setProperty("sun.stdout.encoding", "bad name!");
        assertEquals(StandardCharsets.ISO_8859_1, Main.textCharset(console));
        assertEquals(java.nio.charset.Charset.defaultCharset(), Main.textCharset(new java.util.Properties()));
    }

    /** $COLUMNS narrower than --width allows gives the narrowest text (a terminal of 20 columns got 120), wider the widest. */
    @Test
    void columnsOfTheTerminalAreKeptToWhatWidthTakes() {
        assertEquals(40, OutputOptions.columns("20"));
        assertEquals(40, OutputOptions.columns("1"));
        assertEquals(80, OutputOptions.columns(" 80 "));
        assertEquals(10_000, OutputOptions.columns("20000"));
        assertEquals(10_000, OutputOptions.columns("99999999999"));
        for (String none : new String[] {null, "", "0", "-5", "abc", "80x"}) {
            assertEquals(120, OutputOptions.columns(none), String.valueOf(none));
        }
    }

    @Test
    void documentsAreUtf8WhereTheLocaleIsAscii(@TempDir Path dir) throws Exception {
        String cp = PluginTest.services(dir, AccentPlugin.class.getName()).toString();
        for (String format : List.of("json", "sarif", "junit", "html")) {
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Dfile.encoding=US-ASCII", "-Dsun.stdout.encoding=US-ASCII", "-XX:TieredStopAtLevel=1",
                    "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                    "--classpath", cp, "check", "accent-plugin", "--format", format));
            Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            byte[] out = p.getInputStream().readAllBytes();
            assertEquals(2, p.waitFor(), format + ": " + new String(out, StandardCharsets.UTF_8));
            String doc = new String(out, StandardCharsets.UTF_8);
            // the variant's doc (SARIF has none of it) and the thread's name, in every format
            assertTrue(format.equals("sarif") || doc.contains("hypothétique: deux verrous → une étreinte fatale"), format + ": " + doc);
            assertTrue(doc.contains("écrivain"), format + ": " + doc);
        }
    }

    @Test
    void inputFromAnotherPlatformIsTakenOrNamed(@TempDir Path dir) throws IOException {
        CliRun check = CliRun.run("check", "counter", "--variant", "racy");
        java.util.regex.Matcher m = Pattern.compile("replay: \\./migcheck replay (\\S+)").matcher(check.out());
        assertTrue(m.find(), check.out());
        // a token copied with the line's end of a CRLF file, or with spaces around it, replays as itself
        for (String pasted : List.of(m.group(1) + "\r", m.group(1) + "\r\n", " " + m.group(1) + " ", "\uFEFF" + m.group(1))) {
            CliRun replay = CliRun.run("replay", pasted);
            assertEquals(1, replay.code(), replay.err());
            assertTrue(replay.out().contains("VIOLATED"), replay.out());
        }
        // a control character in an argument is shown, not sent to the terminal
        CliRun variant = CliRun.run("check", "counter", "--variant", "racy\r");
        assertEquals(64, variant.code(), variant.err());
        assertTrue(variant.err().contains("racy\\r"), variant.err());
        assertFalse(variant.err().contains("\r"), variant.err());
        // and an invisible one (a byte-order mark, a bidirectional override)
        CliRun invisible = CliRun.run("check", "counter", "--variant", "\u202Eracy");
        assertEquals(64, invisible.code(), invisible.err());
        assertTrue(invisible.err().contains("\\u202e"), invisible.err());
        assertFalse(invisible.err().contains("\u202E"), invisible.err());
        CliRun tag = CliRun.run("check", "counter", "--variant", "racy" + new String(Character.toChars(0xE0041)) + "\u2028");
        assertEquals(64, tag.code(), tag.err());
        assertTrue(tag.err().contains("racy\\U000e0041\\u2028"), tag.err());
        // a services file saved with a byte-order mark
        Path f = dir.resolve(PluginTest.SERVICE);
        Files.createDirectories(f.getParent());
        Files.writeString(f, "\uFEFF" + PluginTest.MutexPlugin.class.getName() + "\r\n", StandardCharsets.UTF_8);
        CliRun bom = CliRun.run("--classpath", dir.toString(), "list");
        assertEquals(64, bom.code(), bom.err());
        assertTrue(bom.err().contains("byte-order mark"), bom.err());
        assertFalse(bom.err().contains("\uFEFF"), bom.err());
    }
}
