package org.migcheck.checker.foundation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.migcheck.checker.run.Options;
import org.migcheck.checker.run.ScenarioRunner;
import org.migcheck.checker.run.Verdict;
import org.migcheck.checker.trace.HtmlRenderer;
import org.migcheck.checker.trace.JUnitRenderer;
import org.migcheck.checker.trace.JsonRenderer;
import org.migcheck.checker.trace.SarifRenderer;
import org.migcheck.checker.trace.TextRenderer;
import org.migcheck.model.lang.BlockReason;
import org.migcheck.model.lang.Lock;
import org.migcheck.model.lang.Model;
import org.migcheck.model.lang.ModelError;
import org.migcheck.model.lang.Step;
import org.migcheck.model.lang.Steps;
import org.migcheck.model.lang.Var;
import org.migcheck.model.scenarios.BaseScenario;
import org.migcheck.model.scenarios.Expect;
import org.migcheck.model.scenarios.Knob;
import org.migcheck.model.scenarios.Scenario;
import org.migcheck.properties.RuleSet;

/**
 * Text a user's model hands to migcheck (names, messages, format functions, block reasons, ids) reaches terminals,
 * browsers, XML parsers and shells: what a review of hostile text found. A report's replay line pastes as one command
 * whatever the scenario id holds; no escape sequence or newline of a model's text reaches a text report; what a report
 * cannot carry (U+FFFF, lone surrogates) is refused in names and ids or written as '?'.
 */
class HostileTextTest {
    private static final String ESC = "\u001b[2J\u001b]8;;http://x/\u001b\\";

    private static ScenarioRunner.Outcome run(Scenario s, String variant) {
        return ScenarioRunner.run(s, variant, Map.of(), RuleSet.empty(), Options.defaults());
    }

    /** ABBA under a scenario id that a shell would run as a command substitution. */
    private static Scenario abbaAs(String id) {
        Model.Builder m = Model.builder("abba-hostile");
        Lock a = m.mutex("A");
        Lock b = m.mutex("B");
        m.thread("t1", t -> t.step(Steps.lock("mutex_lock", a)).step(Steps.lock("mutex_lock", b))
                .step(Steps.unlock("mutex_unlock", b)).step(Steps.unlock("mutex_unlock", a)));
        m.thread("t2", t -> t.step(Steps.lock("mutex_lock", b)).step(Steps.lock("mutex_lock", a))
                .step(Steps.unlock("mutex_unlock", a)).step(Steps.unlock("mutex_unlock", b)));
        Model model = m.build();
        return BaseScenario.builder(id).title("t").reference("r").knob(Knob.choice("k", "v;1", "a knob", "v;1", "w|2"))
                .model(k -> model).variant("bad&x", Map.of("k", "v;1"), Expect.deadlock(), "hypothetical: test").build();
    }

    /** The words bash makes of {@code line}, the part of a replay line after "./migcheck". */
    private static List<String> shellWords(String line) throws Exception {
        Process p = new ProcessBuilder("bash", "-c", "set -- " + line + "; printf '%s\\n' \"$@\"").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        return List.of(out.split("\n"));
    }

    @Test
    void replayLinesPasteAsOneCommandWhateverTheTokenHolds() throws Exception {
        java.nio.file.Path flag = java.nio.file.Files.createTempDirectory("hostile").resolve("ran");
        String id = "p$(touch${IFS}" + flag + ")`touch${IFS}" + flag + "`";
        ScenarioRunner.Outcome o = run(abbaAs(id), "bad&x");
        assertEquals(Verdict.DEADLOCK, o.result().verdict(), o.result().message());
        String token = o.token();
        assertTrue(token.startsWith(id + ":bad&x:k=v;1:"), token);
        List<String> lines = new ArrayList<>();
        String text = TextRenderer.render(o, 120);
        lines.add(text.lines().filter(l -> l.startsWith("replay: ./migcheck replay ")).findFirst().orElseThrow());
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        String doc = JsonRenderer.withReplayCommands(JsonRenderer.render(o), c -> c);
        assertEquals(token, json.readTree(doc).path("replay").asText(), "JSON's replay is the token itself, as data");
        lines.add(json.readTree(doc).path("replayCommand").asText());
        lines.add(json.readTree(SarifRenderer.render(List.of(o))).path("runs").path(0).path("results").path(0)
                .path("properties").path("replay").asText());
        String html = HtmlRenderer.render(o);
        java.util.regex.Matcher h = java.util.regex.Pattern.compile("<code>(\\./migcheck replay [^<]*)</code>").matcher(html);
        assertTrue(h.find(), html);
        lines.add(h.group(1).replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&amp;", "&"));
        for (String line : lines) {
            String rest = line.substring(line.indexOf("./migcheck ") + "./migcheck ".length());
            assertEquals(List.of("replay", token), shellWords(rest), line);
        }
        assertFalse(java.nio.file.Files.exists(flag), "a replay line ran the id's command");
        // a token of plain characters stays as it was, unquoted (the catalogue's lines and the README's)
        assertEquals("abba:default:-:0.1", ScenarioRunner.shellQuote("abba:default:-:0.1"));
    }

    @Test
    void aModelsTextReachesNoTextReportAsEscapesOrNewLines() {
        Model.Builder m = Model.builder("hostile-text");
        Var v = m.var("v", 0, 3, 0, x -> "val" + ESC + "\nFORGED ROW", true);
        Var never = m.flag("never", false);
        m.thread("t1", t -> t
                .step(Step.named("pick").choice(2, i -> "alt" + i + ESC + "\n9  t2  FORGED").does(e -> e.add(v, 1)).build())
                .step(Step.named("wait_it").when(e -> e.isSet(never))
                        .blockedBy(e -> new BlockReason.OnCondition("cond" + ESC + "\nFORGED LINE", "res")).build()));
        Model model = m.build();
        Scenario s = BaseScenario.builder("hostile-text").title("t").reference("r").model(k -> model)
                .variant("v", Map.of(), Expect.deadlock(), "hypothetical: doc" + ESC + "\nFORGED DOC").build();
        ScenarioRunner.Outcome o = run(s, "v");
        assertEquals(Verdict.DEADLOCK, o.result().verdict(), o.result().message());
        String text = TextRenderer.render(o, 200);
        assertFalse(text.contains("\u001b"), text);
        assertTrue(text.lines().noneMatch(l -> l.startsWith("FORGED") || l.strip().startsWith("9  t2")), text);
        assertTrue(text.contains("pick() -> alt0 [2J ]8;;http://x/ \\ 9  t2  FORGED"), text);
        assertTrue(text.contains("waits for cond"), text);

        // an exception's message thrown by a step, and a model error's
        for (boolean own : new boolean[] {false, true}) {
            Model.Builder b = Model.builder("throws");
            b.thread("t", t -> t.step(Step.named("boom").does(e -> {
                throw own ? new ModelError("x", "bad" + ESC + "\nFORGED") : new IllegalStateException("bad" + ESC + "\nFORGED");
            }).build()));
            Model thrower = b.build();
            ScenarioRunner.Outcome e = run(BaseScenario.builder("throws").title("t").reference("r").model(k -> thrower)
                    .variant("v", Map.of(), Expect.holds(), "hypothetical: x").build(), "v");
            assertEquals(Verdict.MODEL_ERROR, e.result().verdict());
            String report = TextRenderer.render(e, 200);
            assertFalse(report.contains("\u001b"), report);
            assertTrue(report.lines().noneMatch(l -> l.startsWith("FORGED")), report);
        }
    }

    @Test
    void namesAndIdsAReportCannotCarryAreRefusedWhereGiven() {
        // knob names and values are in the replay token: the rule of scenario ids and variant names
        for (String bad : new String[] {"v\u001b[2J", "v\u0000", "v\u202e", "v\uffff", "v\ud800"}) {
            assertThrows(IllegalArgumentException.class, () -> Knob.choice("k", bad, "d", bad, "other"), bad);
            assertThrows(IllegalArgumentException.class, () -> Knob.choice(bad, "a", "d", "a", "b"), bad);
            assertThrows(ModelError.class, () -> Model.builder("m" + bad), bad);
        }
        // a model's rule ids read as one word, as a rule set's do (--rule and reports name them)
        for (String bad : new String[] {"x\u001b[31m", "rule forged", "r,1", "r\uffff"}) {
            assertThrows(ModelError.class, () -> Steps.assertion(bad, "s", e -> true), bad);
            assertThrows(ModelError.class, () -> new org.migcheck.model.lang.ModelViolation(bad, "m"), bad);
            assertThrows(IllegalArgumentException.class, () -> Expect.violated(bad), bad);
            assertFalse(RuleSet.plainId(bad), bad);
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Knob.choice("k", "v\u001b", "d", "v\u001b", "x"));
        assertFalse(e.getMessage().contains("\u001b"), "the refusal names the value with its control written out: " + e.getMessage());
        assertTrue(e.getMessage().contains("v\\u001b"), e.getMessage());
    }

    /** SARIF names a file under its base only: a plugin's sourceFile() or a rule's kernel file that leaves it names none. */
    @Test
    void sarifLocationsStayUnderTheirBase() throws Exception {
        Scenario plain = abbaAs("abba-src");
        for (String[] c : new String[][] {{"javascript:alert(1)//x.java", null}, {"../../etc/passwd", null}, {"/abs/X.java", null},
                {"org/x/My Model.java", "org/x/My%20Model.java"}, {"org/x/\u00dcn\u00ef.java", "org/x/%C3%9Cn%C3%AF.java"},
                {"org/x/MyModel.java", "org/x/MyModel.java"}}) {
            Scenario s = new org.migcheck.model.scenarios.DelegatingScenario(plain) {
                @Override public String sourceFile() { return c[0]; }
            };
            String sarif = SarifRenderer.render(List.of(run(s, "bad&x")));
            com.fasterxml.jackson.databind.JsonNode loc = new com.fasterxml.jackson.databind.ObjectMapper().readTree(sarif)
                    .path("runs").path(0).path("results").path(0).path("locations").path(0);
            assertEquals(c[1] != null, loc.has("physicalLocation"), c[0] + ": " + loc);
            if (c[1] != null) {
                assertEquals(c[1], loc.path("physicalLocation").path("artifactLocation").path("uri").asText());
            }
            assertTrue(loc.has("logicalLocations"), loc.toString());
        }
        assertEquals("mm/migrate.c", SarifRenderer.uriPath("mm/migrate.c"));
        assertEquals(null, SarifRenderer.uriPath("mm/../../evil/x.c"));
        assertEquals(null, SarifRenderer.uriPath("mm//x.c"));
        assertEquals(null, SarifRenderer.uriPath("c:\\x.java"));
    }

    @Test
    void junitXmlStaysWellFormedWithNoncharactersAndLoneSurrogates() throws Exception {
        String xml = "<r a=\"" + JUnitRenderer.esc("x\uffff\ufffe\ud800y\ud83d\ude00") + "\">" + JUnitRenderer.esc("\u0007z\ud83d\ude00") + "</r>";
        org.w3c.dom.Document d = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
        assertEquals("x???y\ud83d\ude00", d.getDocumentElement().getAttribute("a"), "an emoji's pair stays");
        assertEquals("?z\ud83d\ude00", d.getDocumentElement().getTextContent());
    }

    /** A line wrapped where no space is keeps an emoji whole (its two halves were printed as '?' each). */
    @Test
    void wrappingKeepsACharacterOutsideTheBmpWhole() throws Exception {
        String emoji = "\ud83d\ude00";
        String label = "x".repeat(43) + emoji + emoji + "z";
        java.lang.reflect.Method wrap = TextRenderer.class.getDeclaredMethod("wrap", String.class, int.class);
        wrap.setAccessible(true);
        for (int width = 40; width <= 48; width++) {
            @SuppressWarnings("unchecked")
            List<String> lines = (List<String>) wrap.invoke(null, label, width);
            assertEquals(label, String.join("", lines));
            for (String l : lines) {
                assertFalse(Character.isHighSurrogate(l.charAt(l.length() - 1)), width + ": " + lines);
                assertFalse(Character.isLowSurrogate(l.charAt(0)), width + ": " + lines);
            }
        }
        java.lang.reflect.Method svg = HtmlRenderer.class.getDeclaredMethod("wrapLabel", String.class);
        svg.setAccessible(true);
        @SuppressWarnings("unchecked")
        List<String> parts = (List<String>) svg.invoke(null, "x".repeat(56) + emoji + "yyyy");
        for (String l : parts) {
            assertFalse(l.chars().anyMatch(c -> Character.isSurrogate((char) c)) && !l.contains(emoji), l);
        }
    }

    @Test
    void oneLineKeepsWhatIsPlainAndFoldsTheRest() {
        assertEquals("a b", org.migcheck.model.lang.UserCode.oneLine("a \n b"));
        assertEquals("a [31mb", org.migcheck.model.lang.UserCode.oneLine("a\u001b[31mb"));
        assertEquals("x?y", org.migcheck.model.lang.UserCode.oneLine("x\u202ey"));
        assertEquals("x?y?z", org.migcheck.model.lang.UserCode.oneLine("x\uffffy\ud800z"));
        assertEquals("\ud83d\ude00 ok", org.migcheck.model.lang.UserCode.oneLine("\ud83d\ude00 ok"));
        assertEquals(" lead", org.migcheck.model.lang.UserCode.oneLine("\nlead"));
        // format characters that ordinary text needs stay: a zero-width joiner inside an emoji sequence, a zero-width
        // non-joiner in Persian, a soft hyphen (a review: they were '?')
        for (String kept : new String[] {"\ud83d\udc68\u200d\ud83d\udc69\u200d\ud83d\udc67", "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645",
                "soft\u00adhyphen"}) {
            assertEquals(kept, org.migcheck.model.lang.UserCode.oneLine(kept));
        }
        assertEquals("a?b?c?d", org.migcheck.model.lang.UserCode.oneLine("a\u2066b\u200bc\ufeffd"));
        // names still refuse every format character: an invisible one in an identifier reads as another name
        assertThrows(ModelError.class, () -> Model.builder("a\u200db"));
    }
}
